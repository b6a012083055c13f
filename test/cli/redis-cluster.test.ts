import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';
import { runCli, startSimProcess, type SimProcess } from '../helpers/run-cli.js';
import {
  sleep,
  startDetached,
  startWorker,
  statusJson,
  waitFor,
  type CliProcess,
} from '../helpers/campaign-processes.js';
import { checkAgainstTruth, truthCheckPassed, type TruthToCheck } from '../../src/features/report/truth-check.js';
import type { Report } from '../../src/features/report/report-model.js';
import { foundationKey } from '../../src/core/queue-names.js';
import { normaliseApi } from '../../src/config/api-url.js';

/**
 * Two foundations through a real three-master Redis Cluster: each one's reports and campaign, with a worker killed
 * (SIGKILL) mid-campaign and started again. Every key must sit under the prefix's hash tag or under one
 * foundation's, and the two foundations' tags must hash to different slots.
 */
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const PREFIX = 'cl';

interface Truth extends TruthToCheck {
  readonly shares: Array<{ instance_guid: string; target_space_guid: string }>;
}
const truthOf = async (sim: SimProcess): Promise<Truth> =>
  (await (await fetch(`${sim.api}/_sim/truth`)).json()) as Truth;

describe('Redis Cluster (redis+cluster://)', () => {
  it('runs reports and campaigns of two foundations, a worker killed and restarted mid-campaign', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-shares-cluster-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const cluster: RedisClusterHandle = await startRedisCluster();
    cleanups.push(() => cluster.stop());
    const sims = await Promise.all([
      startSimProcess(['--seed', '61', '--spaces', '12', '--instances', '60']),
      startSimProcess(['--seed', '62', '--spaces', '12', '--instances', '60']),
    ]);
    for (const sim of sims) cleanups.push(() => sim.stop());
    const envOf = (sim: SimProcess): Record<string, string> => ({
      CF_API: sim.api,
      CF_USERNAME: sim.username,
      CF_PASSWORD: sim.password,
      REDIS_URL: cluster.url,
      CF_SHARES_PREFIX: PREFIX,
      CF_SHARES_LOCK_MS: '1500',
    });

    // Reports: one per foundation, at once, each checked against its simulator and read back from the cluster.
    const planned = await Promise.all(sims.map(truthOf));
    await Promise.all(
      sims.map(async (sim, i) => {
        const out = join(dir, `report-${i}`);
        const run = await runCli(['report', '--inspect-credentials', '--json', '--out', out], { env: envOf(sim) });
        expect(run.code, run.stderr).toBe(0);
        const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
        const check = checkAgainstTruth(report, planned[i]!);
        expect(truthCheckPassed(check), JSON.stringify(check)).toBe(true);
        expect(check.sharesFound).toBe(planned[i]!.shares.length);
        const { reportId } = JSON.parse(run.stdout) as { reportId: string };
        const again = join(dir, `get-${i}`);
        const get = await runCli(['reports', 'get', reportId, '--out', again], { env: envOf(sim) });
        expect(get.code, get.stderr).toBe(0);
        for (const name of await readdir(out))
          expect(await readFile(join(again, name)), name).toEqual(await readFile(join(out, name)));
      }),
    );

    // Listings through the cluster: both foundations' reports; a schedule on each foundation's queue.
    const apis = new Set(sims.map((sim) => normaliseApi(sim.api)));
    // Without CF_API: every foundation's.
    const anyFoundation = { REDIS_URL: cluster.url, CF_SHARES_PREFIX: PREFIX };
    const listed = await runCli(['reports', 'list', '--json'], { env: anyFoundation });
    expect(listed.code, listed.stderr).toBe(0);
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { api?: string });
    expect(new Set(rows.flatMap((row) => (row.api === undefined ? [] : [row.api])))).toEqual(apis);
    for (const [i, sim] of sims.entries()) {
      const added = await runCli(['schedule', 'add', `nightly-${i}`, '--cron', '0 2 * * *', '--', 'report'], {
        env: envOf(sim),
      });
      expect(added.code, added.stderr).toBe(0);
    }
    const schedules = await runCli(['schedule', 'list', '--json'], { env: anyFoundation });
    expect(schedules.code, schedules.stderr).toBe(0);
    expect(
      new Set(
        schedules.stdout
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { api: string }).api),
      ),
    ).toEqual(apis);

    // Campaigns: one per foundation, detached, worked by one worker process each; the first is killed mid-way.
    const ids = await Promise.all(sims.map((sim) => startDetached(envOf(sim), ['--rate', '20'])));
    const workers: CliProcess[] = sims.map((sim) => startWorker(envOf(sim)));
    cleanups.push(() => Promise.all(workers.map((worker) => worker.stop('SIGKILL'))));
    await waitFor('some items of the first campaign to finish', async () => {
      const status = await statusJson(envOf(sims[0]!), ids[0]!);
      return status.finished > 0 && status.finished < status.total;
    });
    await workers[0]!.stop('SIGKILL');
    // Killed in the middle: items remain that only the restarted worker (the foundation's only one) can finish.
    const atKill = await statusJson(envOf(sims[0]!), ids[0]!);
    expect(atKill.finished).toBeLessThan(atKill.total);
    await sleep(500);
    workers[0] = startWorker(envOf(sims[0]!));

    for (const [i, sim] of sims.entries()) {
      const status = await waitFor(
        `campaign ${i} to be done`,
        async () => {
          const now = await statusJson(envOf(sim), ids[i]!);
          return now.status === 'done' ? now : undefined;
        },
        70_000,
      );
      expect(status).toMatchObject({ finished: planned[i]!.shares.length, total: planned[i]!.shares.length });
      const out = join(dir, `campaign-${i}`);
      const written = await runCli(['campaign', 'report', ids[i]!, '--out', out], { env: envOf(sim) });
      expect(written.code, written.stderr).toBe(0);
      const report = JSON.parse(await readFile(join(out, 'campaign.json'), 'utf8')) as {
        items: Array<{ id: string; outcome: string; instance_guid: string; target_space_guid: string }>;
      };
      // Every planned share is one item with exactly one outcome.
      expect(new Set(report.items.map((item) => `${item.instance_guid} ${item.target_space_guid}`))).toEqual(
        new Set(planned[i]!.shares.map((share) => `${share.instance_guid} ${share.target_space_guid}`)),
      );
      expect(report.items).toHaveLength(planned[i]!.shares.length);
      expect(report.items.every((item) => typeof item.outcome === 'string' && item.outcome !== '')).toBe(true);
      // The simulator still holds exactly the shares the campaign says are blocked.
      const remaining = (await truthOf(sim)).shares.map((share) => `${share.instance_guid} ${share.target_space_guid}`);
      expect(
        new Set(
          report.items
            .filter((item) => item.outcome === 'blocked')
            .map((item) => `${item.instance_guid} ${item.target_space_guid}`),
        ),
      ).toEqual(new Set(remaining));
      expect(report.items.every((item) => ['unshared', 'already_unshared', 'blocked'].includes(item.outcome))).toBe(
        true,
      );
      // Progress from the counters agrees with the outcomes item by item.
      const counts: Record<string, number> = {};
      for (const item of report.items) counts[item.outcome] = (counts[item.outcome] ?? 0) + 1;
      expect(status.counts).toEqual(counts);
    }

    // Where the keys went: the prefix's tag, or one foundation's; the two foundations' tags in different slots.
    const tags = sims.map((sim) => `{${PREFIX}:${foundationKey(sim.api)}}`);
    const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    cleanups.push(async () => client.disconnect());
    await client.ping();
    const keys = (await Promise.all(client.nodes('master').map((node) => node.keys('*')))).flat();
    expect(keys.length).toBeGreaterThan(0);
    const outside = keys.filter((key) => ![`{${PREFIX}}`, ...tags].some((tag) => key.startsWith(`${tag}:`)));
    expect(outside).toEqual([]);
    for (const tag of tags)
      expect(
        keys.some((key) => key.startsWith(`${tag}:`)),
        tag,
      ).toBe(true);
    const slots = await Promise.all(tags.map((tag) => client.cluster('KEYSLOT', tag)));
    expect(slots[0]).not.toBe(slots[1]);
  }, 150_000);
});
