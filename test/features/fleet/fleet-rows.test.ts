import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { fleetRows } from '../../../src/features/fleet/fleet-rows.js';
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
