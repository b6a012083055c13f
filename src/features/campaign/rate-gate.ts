import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '../../core/redis-connection.js';

/**
 * One write schedule per campaign, in Redis, so every worker of every machine draws from the same budget. Times come
 * from the Redis server's clock (TIME), so workers with skewed clocks still agree.
 *
 * The promise: never more than `rate` sends within any `window` (one second plus a margin). Sends are paced, not just
 * counted: each reserves the next free moment of the schedule, `window / rate` after the one before, and its caller
 * sleeps until then. So sends leave one by one instead of in bursts of `rate` that would queue behind each other on
 * the way to CC, and every waiter sleeps exactly until its own moment, first come first served: no herd of waiters
 * waking together to race for a freed slot, and no slot left unused while they race.
 *
 * When it wakes, a sender confirms its moment (`commit`), and the schedule records when it really goes. Up to half
 * the margin late, it just goes; later than that, it goes only if every window stays within the cap, else (later
 * sends already placed too close) it takes a fresh moment. So a sender held up by a busy event loop delays the sends
 * placed after its recorded time instead of crowding them, and the other half of the margin covers the way from
 * here to CC (an audit entry, then the request itself).
 *
 * `waitMs` is what a job asks before it takes a worker slot for a write. A short answer means "hold the slot", and the
 * caller counts as about to send (an intent), so callers asking at the same moment do not all hear "now". A long
 * answer means "come back later": each such caller gets its own place in a line, one spacing apart, and is told to
 * come back a little before it, so jobs sent away return one by one, about when they can send, instead of all at once.
 */
const GATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local spacing = window / rate
local mode = ARGV[3]
local intent = ARGV[4]
local holdMs = tonumber(ARGV[5])
local intentMs = tonumber(ARGV[6])
local member = ARGV[7]
local fmt = function (ms) return string.format('%.3f', ms) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. fmt(now - window))
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. fmt(now - intentMs))
local tat = tonumber(redis.call('GET', KEYS[2]) or '0')

-- The next free moment: paced after the last one, and never a (rate+1)-th send within one window.
local function nextFree()
  local free = math.max(now, tat)
  if redis.call('ZCARD', KEYS[1]) >= rate then
    local older = redis.call('ZREVRANGE', KEYS[1], rate - 1, rate - 1, 'WITHSCORES')
    free = math.max(free, tonumber(older[2]) + window)
  end
  return free
end

local function reserve()
  local free = nextFree()
  redis.call('ZADD', KEYS[1], fmt(free), member)
  tat = math.max(tat, free) + spacing
  local keep = math.ceil(tat - now + window) + 10000
  redis.call('PEXPIRE', KEYS[1], keep)
  redis.call('SET', KEYS[2], fmt(tat), 'PX', keep)
  return free - now
end

if mode == 'take' then
  redis.call('ZREM', KEYS[3], intent)
  return fmt(reserve())
end

if mode == 'commit' then
  local reserved = tonumber(redis.call('ZSCORE', KEYS[1], member) or '-1')
  if reserved > now + 1 then return { fmt(reserved - now), '' } end
  -- A little late (a timer, a busy moment) is what the margin is for: go.
  if reserved >= 0 and now - reserved <= tonumber(ARGV[8]) then
    redis.call('ZADD', KEYS[1], fmt(now), member)
    return { '0', fmt(now) }
  end
  -- Much later: going now must keep every run of rate + 1 sends at least a window long (0.1 ms for rounding).
  local others = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. fmt(now - window), '(' .. fmt(now + window), 'WITHSCORES')
  local points = { now }
  for i = 1, #others, 2 do
    if others[i] ~= member then points[#points + 1] = tonumber(others[i + 1]) end
  end
  table.sort(points)
  for k = 1, #points - rate do
    if points[k] <= now and now <= points[k + rate] and points[k + rate] - points[k] < window - 0.1 then
      redis.call('ZREM', KEYS[1], member)
      return { fmt(math.max(reserve(), 0.001)), '' }
    end
  end
  redis.call('ZADD', KEYS[1], fmt(now), member)
  return { '0', fmt(now) }
end

-- peek: every caller already told to hold goes first.
local expected = nextFree() + redis.call('ZCARD', KEYS[3]) * spacing
if expected - now <= holdMs then
  redis.call('ZADD', KEYS[3], fmt(now), intent)
  redis.call('PEXPIRE', KEYS[3], math.ceil(intentMs) + 10000)
  return fmt(expected - now)
end
local line = math.max(tonumber(redis.call('GET', KEYS[4]) or '0'), expected)
redis.call('SET', KEYS[4], fmt(line + spacing), 'PX', math.ceil(line + spacing - now) + 10000)
return fmt(math.max(holdMs + 1, line - now - holdMs))
`;

const GATE_SHA = createHash('sha1').update(GATE).digest('hex');

/**
 * The window is a little longer than one second: a send is confirmed a moment before the request reaches CC (an
 * audit entry is written, then the request travels), and that moment varies by a few milliseconds, so without a
 * margin CC could see `rate + 1` requests inside some second. The cost is throughput: at most
 * `1000 / (1000 + margin)` of the rate (0.976 at 25 ms). Every worker of a campaign should run with the same margin.
 */
export const WINDOW_MS = 1000;
const marginFromEnv = process.env.CF_SHARES_RATE_MARGIN_MS;
export const DEFAULT_MARGIN_MS = marginFromEnv !== undefined && Number(marginFromEnv) >= 0 ? Number(marginFromEnv) : 25;

/** A `waitMs` answer up to this means "hold the worker slot"; above it the processor hands the job back delayed. */
export const DEFAULT_HOLD_MS = 250;

/** How long an intent (a caller told to hold) counts before the gate forgets it (it may never send). */
const INTENT_MS = 1000;

export interface RateGate {
  /**
   * Reserves the next free moment of the schedule, waits until it and confirms it: then one more write may leave.
   * Answers the moment the schedule recorded for this send (Redis' clock, ms since the epoch); undefined when five
   * rounds went by without a confirmed moment (a starved event loop) and the send goes anyway.
   */
  acquire(): Promise<number | undefined>;
  /**
   * How long this caller should expect to wait for a write slot (0: now), without taking one. Up to `holdMs`, the
   * caller is counted as about to send until its `acquire` (or for a second); beyond, the answer is its own place
   * in the line of callers sent away, so they come back spread out.
   */
  waitMs(): Promise<number>;
}

/** A gate of `rate` writes per sliding second (plus the margin) for the schedule at `key`. */
export function rateGate(
  redis: RedisClient,
  key: string,
  rate: number,
  options: { marginMs?: number; holdMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): RateGate {
  const margin = options.marginMs ?? DEFAULT_MARGIN_MS;
  const window = WINDOW_MS + margin;
  // Woken up to this late, a sender just goes: half the margin covers that, half the way to CC.
  const lateMs = margin / 2;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const intent = randomUUID();
  // Keys of their own (all under the campaign's key, so one Redis Cluster slot), not the sorted set the unpaced
  // window of earlier versions kept at `key`: a worker of either version meeting the other's key would get WRONGTYPE.
  const keys = [`${key}:sent`, `${key}:tat`, `${key}:intents`, `${key}:line`];
  /** The gate's answer: how long to wait (0: go), and for a `commit` that goes, the moment it recorded. */
  const call = async (mode: 'take' | 'commit' | 'peek', member = ''): Promise<[number, number | undefined]> => {
    const args = [...keys, rate, window, mode, intent, options.holdMs ?? DEFAULT_HOLD_MS, INTENT_MS, member, lateMs];
    let answer: unknown;
    try {
      answer = await redis.evalsha(GATE_SHA, keys.length, ...args);
    } catch (error) {
      // Not loaded yet, or Redis restarted and forgot it: EVAL loads it again.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      answer = await redis.eval(GATE, keys.length, ...args);
    }
    const [wait, at] = Array.isArray(answer) ? (answer as string[]) : [String(answer), ''];
    return [Number(wait), at ? Number(at) : undefined];
  };
  return {
    async acquire() {
      const member = randomUUID();
      let [wait] = await call('take', member);
      // Each round either goes or is handed a later moment; a few rounds at most, even on a starved event loop.
      for (let round = 0; ; round++) {
        if (wait > 0) await sleep(wait);
        const [next, at] = await call('commit', member);
        if (next === 0 || round >= 4) return next === 0 ? at : undefined;
        wait = next;
      }
    },
    waitMs: async () => (await call('peek'))[0],
  };
}
