import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect } from 'vitest';
import { runCli, startSimProcess, type SimProcess } from './run-cli.js';
import { waitForCampaignDone, type CliProcess } from './campaign-processes.js';
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
 * What a campaign test file shares: a Redis connection, a list of cleanups run after all its tests (last first),
 * `track` for processes to kill after them, and `fresh`, which starts a simulator process with its own prefix, scratch folder and CLI environment.
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
  /** A process stopped with SIGKILL after the file's tests, if it is still running. */
  const track = (process: CliProcess): CliProcess => {
    cleanups.push(() => process.stop('SIGKILL'));
    return process;
  };
  return { redis, cleanups, fresh, track };
}

/** The campaign ends done and not paused, with exactly one outcome per planned share, and CC agrees on what is left. */
export async function expectOneOutcomePerItem(
  sim: SimProcess,
  env: Record<string, string>,
  id: string,
  dir: string,
  planned: Truth,
): Promise<void> {
  const done = await waitForCampaignDone(env, id);
  expect(done).toMatchObject({ finished: planned.shares.length, total: planned.shares.length, pausedAt: null });
  const out = join(dir, `report-${id}`);
  const reported = await runCli(['campaign', 'report', id, '--out', out], { env });
  expect(reported.code, reported.stderr).toBe(0);
  const report = JSON.parse(await readFile(join(out, 'campaign.json'), 'utf8')) as {
    items: Array<{ item: string; outcome: string; instance_guid: string; target_space_guid: string }>;
  };
  expect(report.items).toHaveLength(planned.shares.length);
  expect(new Set(report.items.map((item) => edge(item.instance_guid, item.target_space_guid)))).toEqual(
    new Set(planned.shares.map((share) => edge(share.instance_guid, share.target_space_guid))),
  );
  // The whole item on failure: its reason and answers say why (a flake under load is otherwise a mystery).
  for (const item of report.items)
    expect(['unshared', 'already_unshared', 'blocked'], JSON.stringify(item)).toContain(item.outcome);
  const remaining = new Set((await truthOf(sim)).shares.map((s) => edge(s.instance_guid, s.target_space_guid)));
  expect(
    new Set(
      report.items
        .filter((item) => item.outcome === 'blocked')
        .map((item) => edge(item.instance_guid, item.target_space_guid)),
    ),
  ).toEqual(remaining);
}
