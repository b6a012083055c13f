import type { RedisClient } from './redis-connection.js';
import { bullPrefix, foundationKey } from './queue-names.js';

/**
 * The foundations a prefix has seen (by workers and by commands that queued work), so listings can name every
 * foundation's queues without being told each API.
 */
const registryKey = (prefix: string): string => `${bullPrefix(prefix)}:foundations`;

export async function registerFoundation(redis: RedisClient, prefix: string, api: string): Promise<void> {
  await redis.hset(registryKey(prefix), foundationKey(api), api);
}

/** Every foundation registered under the prefix, by API. */
export async function knownFoundations(redis: RedisClient, prefix: string): Promise<string[]> {
  return Object.values(await redis.hgetall(registryKey(prefix))).sort();
}
