import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

/** Commands that belong together and touch keys of one hash slot. */
export type CommandGroup = (multi: ChainableCommander) => unknown;

/**
 * Runs groups of commands as transactions: one MULTI of them all on a single Redis, as before clusters were
 * supported; on a Redis Cluster one MULTI per group, in the order given, because a transaction cannot span hash
 * slots. Put the group that makes a record visible (its index) last, so readers never see a record whose parts are
 * missing. MULTI reports a failed command in its results, not as a rejection: this throws then.
 */
export async function execGroups(redis: RedisClient, groups: readonly CommandGroup[]): Promise<void> {
  const batches = redis.isCluster ? groups.map((group) => [group]) : [groups];
  for (const batch of batches) {
    const multi = redis.multi();
    for (const group of batch) group(multi);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw new Error(failed?.[0]?.message ?? 'transaction aborted');
  }
}
