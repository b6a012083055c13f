import { createHash } from 'node:crypto';
import type { RedisClient } from '../../core/redis-connection.js';
import type { FinalOutcome } from './unshare-outcome.js';

/**
 * A campaign's progress without reading its outcomes: how many items are final, how many per outcome, when the last
 * one finished and how many finished lately. Read with a few commands whatever the campaign's size.
 */
export interface CampaignTally {
  readonly finished: number;
  readonly counts: Partial<Record<FinalOutcome, number>>;
  /** When the last item finished (ms), null before any. */
  readonly lastFinishedAt: number | null;
  /** Items finished at or after `since` (ms), as asked of {@link readTally}. */
  readonly recent: number;
}

/** The keys of a campaign's outcomes, their counters and their finish times. */
export interface TallyKeys {
  /** Hash item id → outcome JSON: the record. */
  readonly outcomes: string;
  /** Hash outcome → count, plus {@link COUNTED} once it counts every outcome. */
  readonly counts: string;
  /** Sorted set item id → finish time (ms). */
  readonly finishedAt: string;
}

/** The field that says a counter hash counts every outcome (set at creation, or by a recount). */
const COUNTED = '_counted';

/**
 * Records an outcome once and counts it in the same script, so the counters never disagree with the outcomes: a
 * second outcome of an item (a job re-run after a crash) changes neither.
 */
const FINISH = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1
`;

/**
 * Counts every outcome again, atomically: for campaigns recorded before counters existed, and for counters a worker of
 * an earlier version left behind (it records outcomes without counting them). Runs once per such campaign.
 */
const RECOUNT = `
local all = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[2])
for i = 2, #all, 2 do
  local ok, record = pcall(cjson.decode, all[i])
  local outcome = 'failed'
  if ok and type(record) == 'table' and type(record.outcome) == 'string' then outcome = record.outcome end
  redis.call('HINCRBY', KEYS[2], outcome, 1)
end
redis.call('HSET', KEYS[2], '${COUNTED}', '1')
return #all / 2
`;

const sha = (script: string): string => createHash('sha1').update(script).digest('hex');
const FINISH_SHA = sha(FINISH);
const RECOUNT_SHA = sha(RECOUNT);

/** EVALSHA, and EVAL when Redis does not know the script (first use, or a restart forgot it). */
async function run(redis: RedisClient, script: string, hash: string, keys: string[], args: string[]): Promise<unknown> {
  try {
    return await redis.evalsha(hash, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

/** Marks a new campaign's counters as counting from the start (it has no outcome yet). */
export function counted(): Record<string, string> {
  return { [COUNTED]: '1' };
}

/** Records an item's outcome and counts it; false when the item had one already. */
export async function recordOutcome(
  redis: RedisClient,
  keys: TallyKeys,
  itemId: string,
  outcome: { readonly outcome: FinalOutcome; readonly at: string },
): Promise<boolean> {
  const at = Date.parse(outcome.at);
  const args = [itemId, JSON.stringify(outcome), outcome.outcome, String(Number.isNaN(at) ? Date.now() : at)];
  return (await run(redis, FINISH, FINISH_SHA, [keys.outcomes, keys.counts, keys.finishedAt], args)) === 1;
}

/**
 * Reads the tally in one transaction (four commands), so the counters and the number of outcomes are of one moment.
 * Counters that do not count every outcome (a campaign of an earlier version) are rebuilt once, with the finish times.
 */
export async function readTally(
  redis: RedisClient,
  keys: TallyKeys,
  since = Number.POSITIVE_INFINITY,
): Promise<CampaignTally> {
  for (let round = 0; ; round++) {
    const results = await redis
      .multi()
      .hgetall(keys.counts)
      .hlen(keys.outcomes)
      .zrevrange(keys.finishedAt, 0, 0, 'WITHSCORES')
      .zcount(keys.finishedAt, Number.isFinite(since) ? since : '+inf', '+inf')
      .exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw failed?.[0] ?? new Error('reading campaign progress: transaction aborted');
    const [raw, finished, last, recent] = results.map(([, value]) => value) as [
      Record<string, string>,
      number,
      string[],
      number,
    ];
    const counts: Partial<Record<FinalOutcome, number>> = {};
    let sum = 0;
    for (const [field, value] of Object.entries(raw)) {
      if (field === COUNTED) continue;
      counts[field as FinalOutcome] = Number(value);
      sum += Number(value);
    }
    if ((raw[COUNTED] === undefined || sum !== finished) && round === 0) {
      await recount(redis, keys);
      continue;
    }
    return { finished, counts, lastFinishedAt: last.length === 2 ? Number(last[1]) : null, recent };
  }
}

/** Rebuilds the counters and the finish times from the outcomes (once per campaign of an earlier version). */
async function recount(redis: RedisClient, keys: TallyKeys): Promise<void> {
  await run(redis, RECOUNT, RECOUNT_SHA, [keys.outcomes, keys.counts], []);
  const outcomes = await redis.hgetall(keys.outcomes);
  const times = Object.entries(outcomes).flatMap(([itemId, text]) => {
    const at = Date.parse((JSON.parse(text) as { at?: string }).at ?? '');
    return Number.isNaN(at) ? [] : [String(at), itemId];
  });
  for (let i = 0; i < times.length; i += 2000) await redis.zadd(keys.finishedAt, 'NX', ...times.slice(i, i + 2000));
}
