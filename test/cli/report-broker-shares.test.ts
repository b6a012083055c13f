import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { REDIS_URL, dumpPrefix } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { startSim } from '../../src/sim/index.js';
import type { Report } from '../../src/features/report/report-model.js';

interface BrokerTruth {
  broker_shares: Array<{
    proxy_guid: string;
    original_guid: string;
    original: 'local' | 'remote' | 'missing';
    offering: string;
    proxy_space_guid: string;
  }>;
  broker_originals: Array<{ guid: string; plan: string; proxies: number }>;
  expected_findings: Array<{ kind: string; instance_guid?: string }>;
}

const suite = cliSuite('report-broker', () => startSim({ seed: 3, spaces: 24, instances: 150 }));
const env = (prefix: string) => ({
  CF_API: suite.sim.url,
  CF_CLIENT_ID: suite.sim.credentials.clientId,
  CF_CLIENT_SECRET: suite.sim.credentials.clientSecret,
  REDIS_URL,
  CF_SHARES_PREFIX: prefix,
});
const truth = async (): Promise<BrokerTruth> =>
  (await (await fetch(`${suite.sim.url}/_sim/truth`)).json()) as BrokerTruth;
const report = async (prefix: string, out: string, extra: string[] = []) => {
  const result = await runCli(['report', '--out', out, '--json', ...extra], { env: env(prefix) });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
};
const brokerKinds = (r: Report) =>
  r.findings
    .filter((f) => f.kind.startsWith('broker_share_'))
    .map((f) => `${f.kind} ${f.instance_guid}`)
    .sort();

describe('broker-level shares in a report', () => {
  it('finds every credstore proxy and its original as the truth has them, bindings and keys included', async () => {
    const prefix = suite.prefix('default');
    const out = join(suite.dir, 'default');
    const r = await report(prefix, out);
    const t = await truth();
    const credstore = t.broker_shares.filter((s) => s.offering === 'credstore');
    expect(credstore.length).toBeGreaterThan(0);
    expect(r.broker_shares!.proxy_plans).toEqual(['credstore:proxy']);
    expect(r.broker_shares!.proxies.map((p) => p.proxy.guid).sort()).toEqual(credstore.map((s) => s.proxy_guid).sort());
    const where = { local: 'local', remote: 'remote_region', missing: 'missing' };
    for (const row of r.broker_shares!.proxies) {
      const expected = credstore.find((s) => s.proxy_guid === row.proxy.guid)!;
      expect(row.place.space_guid).toBe(expected.proxy_space_guid);
      if (row.original_where === 'unknown') expect(row.parameters_error?.status).toBe(409);
      else expect([row.original_guid, row.original_where]).toEqual([expected.original_guid, where[expected.original]]);
    }
    expect(brokerKinds(r)).toEqual(
      t.expected_findings
        .filter((f) => f.kind.startsWith('broker_share_'))
        .map((f) => `${f.kind} ${f.instance_guid}`)
        .sort(),
    );
    // One kind of each, as the seed is built.
    expect(new Set(brokerKinds(r).map((k) => k.split(' ')[0]))).toEqual(
      new Set([
        'broker_share_cross_org',
        'broker_share_original_missing',
        'broker_share_remote_region',
        'broker_share_parameters_unreadable',
        'broker_share_over_quota',
      ]),
    );
    const csv = (await readFile(join(out, 'broker-shares.csv'), 'utf8')).trim().split('\r\n');
    expect(csv).toHaveLength(r.broker_shares!.proxies.length + 1);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('## Broker-level shares');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('id="broker-shares"');
    expect(r.broker_shares!.proxies.some((p) => p.binding_count > 0)).toBe(true);
    expect(r.broker_shares!.proxies.some((p) => p.key_count > 0)).toBe(true);
    // No secret reaches Redis: the prefix holds the report, never the client secret.
    expect(await dumpPrefix(suite.redis, prefix)).not.toContain(suite.sim.credentials.clientSecret);
  });

  it('reads another offering with --proxy-plan, and says its broker cannot fetch parameters', async () => {
    const r = await report(suite.prefix('vault'), join(suite.dir, 'vault'), [
      '--proxy-plan',
      'credstore:proxy',
      '--proxy-plan',
      'vault-share:proxy',
    ]);
    const vault = r.broker_shares!.proxies.filter((p) => p.proxy.offering === 'vault-share');
    expect(vault.length).toBeGreaterThan(0);
    for (const row of vault) {
      expect(row.original_where).toBe('unknown');
      expect(row.parameters_error).toMatchObject({
        status: 400,
        title: 'CF-ServiceFetchInstanceParametersNotSupported',
      });
    }
    const unreadable = r.findings.filter((f) => f.kind === 'broker_share_parameters_unreadable');
    expect(unreadable.length).toBe(vault.length + 1);
  });

  it('turns a proxy stale when its original is deleted out of band', async () => {
    const t = await truth();
    const local = t.broker_shares.find((s) => s.offering === 'credstore' && s.original === 'local')!;
    const gone = await fetch(`${suite.sim.url}/_sim/service_instances/${local.original_guid}`, { method: 'DELETE' });
    expect(gone.status).toBe(200);
    const r = await report(suite.prefix('stale'), join(suite.dir, 'stale'));
    const row = r.broker_shares!.proxies.find((p) => p.proxy.guid === local.proxy_guid)!;
    expect(row.original_where).toBe('missing');
    expect(brokerKinds(r)).toContain(`broker_share_original_missing ${local.proxy_guid}`);
    const after = await truth();
    expect(after.broker_shares.find((s) => s.proxy_guid === local.proxy_guid)!.original).toBe('missing');
  });

  it('with --landscape, a proxy naming this region with no original here is stale, not remote', async () => {
    const t = await truth();
    const remote = t.broker_shares.find((s) => s.offering === 'credstore' && s.original === 'remote')!;
    const unsaid = await report(suite.prefix('no-landscape'), join(suite.dir, 'no-landscape'));
    const finding = unsaid.findings.find((f) => f.instance_guid === remote.proxy_guid)!;
    expect(finding.kind).toBe('broker_share_remote_region');
    expect(finding.message).toContain("This foundation's region was not given (--landscape)");
    // Pretend this foundation is the region the proxy names: its original should be here, and is not.
    const said = await report(suite.prefix('landscape'), join(suite.dir, 'landscape'), ['--landscape', 'cf-us20']);
    expect(said.broker_shares!.landscape).toBe('cf-us20');
    expect(said.broker_shares!.proxies.find((p) => p.proxy.guid === remote.proxy_guid)!.original_where).toBe('missing');
    expect(brokerKinds(said)).toContain(`broker_share_original_missing ${remote.proxy_guid}`);
    const bad = await runCli(['report', '--landscape', 'eu 10', '--out', join(suite.dir, 'bad-landscape')], {
      env: env(suite.prefix('bad-landscape')),
    });
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      "cf-shares: --landscape must be a region key like cf-eu10 (got 'eu 10')",
    ]);
  });

  it('refuses a --proxy-plan that is not OFFERING:PLAN with one line, before any request', async () => {
    const result = await runCli(['report', '--proxy-plan', 'credstore', '--out', join(suite.dir, 'bad')], {
      env: env(suite.prefix('bad')),
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain("--proxy-plan must be OFFERING:PLAN (e.g. credstore:proxy), not 'credstore'");
  });
});
