import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * One sliding window of sent writes per campaign, in Redis, so every worker of every machine draws from the same
 * budget. Times come from the Redis server's clock (TIME), so workers with skewed clocks still agree. A slot is taken
 * atomically: the script drops sends older than the window, then admits this one only if fewer than `rate` remain;
 * otherwise it says how long until the oldest leaves the window.
 */
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < rate then
  if ARGV[4] == '1' then
    redis.call('ZADD', KEYS[1], now, ARGV[3])
    redis.call('PEXPIRE', KEYS[1], math.ceil(window) * 2 + 1000)
  end
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
`;

/**
 * The window is a little longer than one second: a slot is taken a moment before the request reaches CC, and that
 * moment varies by a few milliseconds, so without a margin CC could see `rate + 1` requests inside some second.
 */
export const WINDOW_MS = 1000;
export const DEFAULT_MARGIN_MS = Number(process.env.CF_SHARES_RATE_MARGIN_MS) >= 0 && process.env.CF_SHARES_RATE_MARGIN_MS !== undefined ? Number(process.env.CF_SHARES_RATE_MARGIN_MS) : 25;

export interface RateGate {
  /** Waits until one more write may leave, then takes the slot. */
  acquire(): Promise<void>;
  /** How long until a slot is free (0 now), without taking it. */
  waitMs(): Promise<number>;
}

/** A gate of `rate` writes per sliding second for the window at `key`. */
export function rateGate(redis: Redis, key: string, rate: number, options: { marginMs?: number; sleep?: (ms: number) => Promise<void> } = {}): RateGate {
  const window = WINDOW_MS + (options.marginMs ?? DEFAULT_MARGIN_MS);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const call = async (take: boolean): Promise<number> => Number(await redis.eval(TAKE_SLOT, 1, key, rate, window, randomUUID(), take ? '1' : '0'));
  return {
    async acquire() {
      for (;;) {
        const wait = await call(true);
        if (wait === 0) return;
        await sleep(wait);
      }
    },
    waitMs: () => call(false),
  };
}
