import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CampaignStore } from '../../../src/features/campaign/campaign-store.js';
import type { CampaignMeta, ItemOutcome, PlanItem } from '../../../src/features/campaign/campaign-model.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../helpers/redis-prefix.js';
import { runCli } from '../../helpers/run-cli.js';

/**
 * Campaign progress comes from counters kept with the outcomes; campaigns recorded before counters existed (or
 * outcomes written by a worker of an earlier version) are counted once from their outcomes, and report right.
 */
const redis = new Redis(REDIS_URL);
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await dropPrefix(redis, prefix);
  redis.disconnect();
});

const API = 'https://api.sys.example.com';
const OUTCOMES = ['unshared', 'already_unshared', 'blocked', 'unshared', 'failed', 'unshared'] as const;

const meta = (id: string, total: number): CampaignMeta => ({
  id,
  api: API,
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  createdBy: 'test',
  total,
  status: 'running',
  options: {
    rate: 10,
    maxAttempts: 3,
    retryDelaySeconds: 1,
    onlyUnbound: false,
    deleteBindingsFirst: false,
    selectors: {} as CampaignMeta['options']['selectors'],
  },
});

const item = (n: number): PlanItem => ({
  id: `item-${n}`,
  instance: { guid: `i-${n}`, name: `db-${n}`, offering: null, plan: null },
  source: { org: 'o', space: 's', space_guid: 'src' },
  target: { org: 'o', space: 't', space_guid: `t-${n}`, org_guid: 'og' },
  bindings: [],
});

const outcome = (name: ItemOutcome['outcome'], at: number): ItemOutcome => ({
  outcome: name,
  attempts: 1,
  at: new Date(at).toISOString(),
});

/** `campaign status ID --json`, through the real command. */
async function status(prefix: string, id: string): Promise<{ finished: number; counts: Record<string, number> }> {
  const result = await runCli(['campaign', 'status', id, '--json'], { env: { REDIS_URL, CF_SHARES_PREFIX: prefix } });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('campaign progress from counters', () => {
  it('counts each outcome once, in the script that records it', async () => {
    const prefix = uniquePrefix('tally');
    prefixes.push(prefix);
    const store = new CampaignStore(redis, prefix);
    await store.create(
      meta('c1', 8),
      Array.from({ length: 8 }, (_, n) => item(n)),
    );
    for (const [n, name] of OUTCOMES.entries())
      expect(await store.finish('c1', `item-${n}`, outcome(name, Date.now() - 5000))).toBe(true);
    // A re-run's second outcome for an item changes neither the record nor the counters.
    expect(await store.finish('c1', 'item-0', outcome('failed', Date.now()))).toBe(false);
    const tally = await store.tally('c1', Date.now() - 30_000);
    expect(tally).toMatchObject({
      finished: 6,
      counts: { unshared: 3, already_unshared: 1, blocked: 1, failed: 1 },
      recent: 6,
    });
    expect(await status(prefix, 'c1')).toMatchObject({ finished: 6, counts: tally.counts });
  });

  it('a campaign recorded without counters (an earlier version) reports the same progress, and counts on', async () => {
    const prefix = uniquePrefix('tally-old');
    prefixes.push(prefix);
    const base = `{${prefix}}:campaigns:old`;
    const items = Array.from({ length: 8 }, (_, n) => item(n));
    // What earlier versions wrote: meta, index, items, and outcomes with HSETNX alone (no counters, no times).
    await redis
      .multi()
      .set(`${base}:meta`, JSON.stringify(meta('old', 8)))
      .zadd(`{${prefix}}:campaigns:index`, Date.now(), 'old')
      .hset(`${base}:items`, Object.fromEntries(items.map((i) => [i.id, JSON.stringify(i)])))
      .exec();
    // Finished 100, 90, ... 50 seconds before now.
    const t0 = Date.now() - 100_000;
    for (const [n, name] of OUTCOMES.entries())
      await redis.hsetnx(`${base}:outcomes`, `item-${n}`, JSON.stringify(outcome(name, t0 + n * 10_000)));

    expect(await status(prefix, 'old')).toMatchObject({
      finished: 6,
      counts: { unshared: 3, already_unshared: 1, blocked: 1, failed: 1 },
    });
    const store = new CampaignStore(redis, prefix);
    // Counted once, with the finish times the liveness view reads.
    expect(await store.tally('old', t0 + 25_000)).toMatchObject({
      finished: 6,
      recent: 3,
      lastFinishedAt: t0 + 50_000,
    });
    expect(await store.finish('old', 'item-6', outcome('space_gone', Date.now()))).toBe(true);
    // And an outcome a worker of an earlier version records (no counter) is noticed and counted too.
    await redis.hsetnx(`${base}:outcomes`, 'item-7', JSON.stringify(outcome('instance_gone', Date.now())));
    expect(await store.tally('old')).toMatchObject({
      finished: 8,
      counts: { unshared: 3, already_unshared: 1, blocked: 1, failed: 1, space_gone: 1, instance_gone: 1 },
    });
    expect(await status(prefix, 'old')).toMatchObject({ finished: 8 });
  });
});
