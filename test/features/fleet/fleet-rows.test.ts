import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { brokerLinks, fleetRows } from '../../../src/features/fleet/fleet-rows.js';
import type { Report } from '../../../src/features/report/report-model.js';
import { ReportStore } from '../../../src/features/report/report-store.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../helpers/redis-prefix.js';

let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await dropPrefix(redis, prefix);
});
afterAll(() => redis.disconnect());

const share = (guid: string) => ({ instance: { guid }, target: { space_guid: `space-${guid}` } });

/** Stores a minimal report of `api` at `at`: what the fleet view reads of it (summary, findings, diff). */
async function store(prefix: string, api: string, id: string, at: string, findings: string[], added: number) {
  const report = {
    generated_at: at,
    api,
    summary: { shares: 3, shared_instances: 2 },
    findings: findings.map((severity) => ({ severity })),
  };
  const diff = { added: Array.from({ length: added }, (_, i) => share(`n${i}`)), removed: [share('gone')] };
  await new ReportStore(redis, prefix).save(
    { id, api, generatedAt: at, shares: 3, findings: findings.length, requests: 1 },
    { 'report.json': JSON.stringify(report), 'diff.json': JSON.stringify(diff) },
  );
}

describe('fleetRows', () => {
  it('takes each foundation from its latest report, ages it, and marks stale and missing ones', async () => {
    const prefix = uniquePrefix('fleet-rows');
    prefixes.push(prefix);
    await store(prefix, 'https://api.a.example', 'r1', '2026-12-01T02:00:00.000Z', ['high'], 5);
    await store(prefix, 'https://api.a.example', 'r2', '2026-12-02T02:00:00.000Z', ['high', 'low', 'info', 'info'], 1);
    const foundations = [
      { name: 'a', api: 'https://api.a.example' },
      { name: 'b', api: 'https://api.b.example' },
    ];
    const now = new Date('2026-12-03T08:00:00.000Z');
    const [a, b] = await fleetRows(redis, prefix, foundations, { now, maxAgeMs: 24 * 3_600_000 });
    expect(a).toEqual({
      foundation: 'a',
      api: 'https://api.a.example',
      status: 'stale',
      report_id: 'r2',
      report_at: '2026-12-02T02:00:00.000Z',
      age_seconds: 30 * 3600,
      stale: true,
      shares: 3,
      shared_instances: 2,
      added: 1,
      removed: 1,
      findings: { high: 1, medium: 0, low: 1, info: 2 },
      broker_proxies: null,
      broker_originals_elsewhere: [],
    });
    expect(b).toMatchObject({
      foundation: 'b',
      status: 'no report yet',
      report_id: null,
      stale: false,
      findings: null,
    });
    const [fresh] = await fleetRows(redis, prefix, foundations.slice(0, 1), { now, maxAgeMs: 36 * 3_600_000 });
    expect(fresh).toMatchObject({ status: 'ok', stale: false });
  });
});

describe('brokerLinks', () => {
  const place = (org: string, space: string) => ({ org_guid: `${org}-g`, org, space_guid: `${space}-g`, space });
  const proxy = (guid: string, originalGuid: string, where: 'missing' | 'remote_region' | 'local') => ({
    proxy: { guid, name: `proxy-${guid}`, offering: 'credstore', plan: 'proxy' },
    place: place('o', 's'),
    original_guid: originalGuid,
    origin_landscape: where === 'remote_region' ? 'cf-us20' : null,
    original_where: where,
    original: null,
    parameters_error: null,
    bound_apps: [],
    binding_count: 0,
    key_count: 0,
  });
  const report = (proxies: unknown[], originals: unknown[]) =>
    ({
      broker_shares: { proxy_plans: ['credstore:proxy'], proxies, originals_named: 0, originals },
    }) as unknown as Report;

  it('names the foundation that holds an original a proxy elsewhere names, and nothing else', () => {
    const links = brokerLinks(
      new Map([
        ['eu', report([proxy('p1', 'us-orig', 'remote_region'), proxy('p2', 'nowhere', 'missing')], [])],
        [
          'us',
          report(
            [proxy('p3', 'local-orig', 'local')],
            [
              { guid: 'us-orig', name: 'vault', plan: 'standard', place: place('acme', 'prod') },
              { guid: 'local-orig', name: 'l', plan: 'free', place: place('acme', 'dev') },
            ],
          ),
        ],
        ['old', {} as Report],
      ]),
    );
    expect(links.get('eu')).toEqual([
      {
        proxy_guid: 'p1',
        proxy: 'proxy-p1',
        original_guid: 'us-orig',
        original: 'vault',
        original_foundation: 'us',
        original_space: 'acme/prod',
      },
    ]);
    expect(links.get('us')).toEqual([]);
    expect(links.get('old')).toEqual([]);
  });
});
