import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis-prefix.js';

const redis = new Redis(REDIS_URL);
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  redis.disconnect();
});

describe('transient faults are retried, not reported as failures', () => {
  it('a report completes through connection resets of the token request and truncated 200 bodies on reads', async () => {
    const sim = await startSimProcess(['--seed', '8', '--spaces', '12', '--instances', '60']);
    const prefix = uniquePrefix('transient');
    const dir = await mkdtemp(join(tmpdir(), 'cf-shares-transient-'));
    cleanups.push(
      () => sim.stop(),
      () => dropPrefix(redis, prefix),
      () => rm(dir, { recursive: true, force: true }),
    );
    const truth = (await (await fetch(`${sim.api}/_sim/truth`)).json()) as { shares: unknown[] };
    const setFaults = (faults: unknown): Promise<Response> =>
      fetch(`${sim.api}/_sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
    // The first two token requests lose their connection; then the first three listings come back cut mid-JSON.
    await setFaults({ resetFirst: 2, routes: ['POST /uaa/oauth/token'] });
    const env = {
      CF_API: sim.api,
      CF_CLIENT_ID: sim.clientId,
      CF_CLIENT_SECRET: sim.clientSecret,
      REDIS_URL,
      CF_SHARES_PREFIX: prefix,
    };
    // Its own prefix: the queued job must not be run by the report below.
    const loginPrefix = uniquePrefix('transient-login');
    cleanups.push(() => dropPrefix(redis, loginPrefix));
    const login = await runCli(['report', '--detach'], {
      env: { ...env, CF_SHARES_PREFIX: loginPrefix },
      timeoutMs: 60_000,
    });
    expect(login.code, login.stderr).toBe(0);
    const countsOf = async (): Promise<Record<string, number>> =>
      ((await (await fetch(`${sim.api}/_sim/requests`)).json()) as { byRoute: Record<string, number> }).byRoute;
    expect((await countsOf())['POST /uaa/oauth/token']).toBe(1 + 2);
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    await setFaults({
      malformedFirst: 3,
      routes: ['GET /v3/service_instances', 'GET /v3/spaces', 'GET /v3/organizations'],
    });
    const result = await runCli(['report', '--out', join(dir, 'out')], { env, timeoutMs: 90_000 });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as {
      summary: { shares: number };
    };
    expect(report.summary.shares).toBe(truth.shares.length);
    // The cut listings were retried: three listing requests more than the same report makes without faults.
    const listings = ['GET /v3/service_instances', 'GET /v3/spaces', 'GET /v3/organizations'];
    const faulty = await countsOf();
    await setFaults({});
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    expect((await runCli(['report', '--out', join(dir, 'again')], { env, timeoutMs: 90_000 })).code).toBe(0);
    const clean = await countsOf();
    const sum = (counts: Record<string, number>): number =>
      listings.reduce((total, route) => total + (counts[route] ?? 0), 0);
    expect(sum(faulty) - sum(clean)).toBe(3);
  }, 120_000);
});
