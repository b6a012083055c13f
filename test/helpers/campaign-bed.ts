import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { startSimProcess, type SimProcess } from './run-cli.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from './redis-prefix.js';

/** The simulator's ground truth, as far as campaign tests read it. */
export interface Truth {
  shares: Array<{ instance_guid: string; target_space_guid: string }>;
}

/** The shares the simulator still holds. */
export const truthOf = async (sim: SimProcess): Promise<Truth> =>
  (await (await fetch(`${sim.api}/_sim/truth`)).json()) as Truth;

/** One share as a comparable string. */
export const edge = (instance: string, space: string): string => `${instance} ${space}`;

/**
 * What a campaign test file shares: a Redis connection, a list of cleanups run after all its tests (last first), and
 * `fresh`, which starts a simulator process with its own prefix, scratch folder and CLI environment.
 */
export function campaignBed(simArgs: readonly string[] = ['--seed', '21', '--spaces', '16', '--instances', '90']) {
  const redis = new Redis(REDIS_URL);
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    redis.disconnect();
  });
  async function fresh(label: string, redisUrl = REDIS_URL) {
    const sim = await startSimProcess([...simArgs]);
    const prefix = uniquePrefix(label);
    const dir = await mkdtemp(join(tmpdir(), `cf-shares-${label}-`));
    cleanups.push(
      () => sim.stop(),
      () => dropPrefix(redis, prefix),
      () => rm(dir, { recursive: true, force: true }),
    );
    const env = {
      CF_API: sim.api,
      CF_USERNAME: sim.username,
      CF_PASSWORD: sim.password,
      REDIS_URL: redisUrl,
      CF_SHARES_PREFIX: prefix,
    };
    return { sim, prefix, dir, env };
  }
  return { redis, cleanups, fresh };
}
