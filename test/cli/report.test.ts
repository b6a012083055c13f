import { describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dumpPrefix } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { CATALOG } from '../../src/sim/catalog.js';
import { checkAgainstTruth } from '../../src/features/report/truth-check.js';
import type { Report } from '../../src/features/report/report-model.js';

interface Truth {
  shares: Array<{ instance_guid: string; target_space_guid: string }>;
  expected_findings: Array<{ kind: string; instance_guid?: string; space_guid?: string }>;
  lower_bound_requests: number;
  counts: { instances: number; managed_instances: number; shared_instances: number };
}

const suite = cliSuite('report', () => startSimProcess(['--seed', '11', '--spaces', '30', '--instances', '250']));
const env = (prefix: string) => ({
  CF_API: suite.sim.api,
  CF_CLIENT_ID: suite.sim.clientId,
  CF_CLIENT_SECRET: suite.sim.clientSecret,
  REDIS_URL,
  CF_SHARES_PREFIX: prefix,
});
const truth = async (): Promise<Truth> => (await (await fetch(`${suite.sim.api}/_sim/truth`)).json()) as Truth;
const findingKey = (f: { kind: string; instance_guid?: string | null; space_guid?: string }) =>
  `${f.kind} ${f.instance_guid ?? ''} ${f.space_guid ?? ''}`;

describe('cf-shares report', () => {
  it('reports exactly the shares and findings the simulator holds, near the lower bound of requests', async () => {
    const prefix = suite.prefix('report');
    const out = join(suite.dir, 'first');
    const result = await runCli(['report', '--inspect-credentials', '--out', out, '--json'], { env: env(prefix) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = await truth();
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(report.schema).toBe('cf-shares/report@1');
    expect(
      report.shares
        .map(
          (s: { instance: { guid: string }; target: { space_guid: string } }) =>
            `${s.instance.guid} ${s.target.space_guid}`,
        )
        .sort(),
    ).toEqual(expected.shares.map((s) => `${s.instance_guid} ${s.target_space_guid}`).sort());
    expect(report.findings.map(findingKey).sort()).toEqual(expected.expected_findings.map(findingKey).sort());
    // Only shared instances and broker-share candidates are kept as records; every instance is still counted once.
    expect(report.summary).toMatchObject({
      instances: expected.counts.instances,
      managed_instances: expected.counts.managed_instances,
      shared_instances: expected.counts.shared_instances,
    });
    expect((await readdir(out)).sort()).toEqual([
      'broker-shares.csv',
      'diff.json',
      'findings.csv',
      'keys.csv',
      'report.html',
      'report.json',
      'report.md',
      'shares.csv',
    ]);
    const sharesCsv = (await readFile(join(out, 'shares.csv'), 'utf8')).trim().split('\r\n');
    expect(sharesCsv).toHaveLength(expected.shares.length + 1);

    // Without credential inspection there are no detail reads: the crawl stays within 1.2x of the lower bound.
    const plain = await runCli(['report', '--out', join(suite.dir, 'plain'), '--json'], { env: env(prefix) });
    expect(plain.code).toBe(0);
    const summary = JSON.parse(plain.stdout).summary as { requests: number };
    expect(summary.requests).toBeLessThanOrEqual(Math.ceil(expected.lower_bound_requests * 1.2));
  });

  it('run as schedules run it (no endpoints known), claims only what it knows and measures what it infers', async () => {
    const prefix = suite.prefix('default');
    const out = join(suite.dir, 'default');
    const result = await runCli(['report', '--out', out, '--json'], { env: env(prefix) });
    expect(result.code).toBe(0);
    const expected = await truth();
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    const gaps = report.findings.filter((f) => f.kind === 'asg_gap');
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) {
      expect(gap).toMatchObject({ severity: 'info', confidence: 'inferred' });
      expect(gap).not.toHaveProperty('endpoint_source');
    }
    // Inferred gaps are at info (as are broker shares in another region or with unreadable parameters), so
    // `--fail-on low` and above see none of them.
    const brokerInfo = report.findings.filter((f) => f.kind.startsWith('broker_share_') && f.severity === 'info');
    expect(brokerInfo.map((f) => f.kind).sort()).toEqual([
      'broker_share_parameters_unreadable',
      'broker_share_remote_region',
    ]);
    expect(JSON.parse(result.stdout).severities.info).toBe(gaps.length + brokerInfo.length);
    expect(report.summary.shares_with_known_endpoint).toBe(0);
    expect(report.shares.every((share) => share.endpoint_source === null)).toBe(true);

    const check = checkAgainstTruth(report, expected);
    expect(check.unexpectedFindings).toEqual([]);
    expect(check.missedFindings).toEqual([]);
    const inferred = check.asgGaps.bySource.inferred;
    expect(inferred.shares).toBe(expected.shares.length);
    // Seed 11 measured: 15 gaps in the truth, 41 inferred, all 15 among them (precision 0.36, recall 1.00).
    expect(inferred.expected).toBeGreaterThan(0);
    expect(inferred.recall).toBe(1);
    expect(inferred.precision).toBeGreaterThanOrEqual(0.3);
  });

  it('with an endpoints file, checks every share against it and says so', async () => {
    const prefix = suite.prefix('endpoints');
    const out = join(suite.dir, 'endpoints');
    const file = join(suite.dir, 'endpoints.json');
    await writeFile(
      file,
      JSON.stringify({
        offerings: Object.fromEntries(CATALOG.map((entry) => [entry.name, `${entry.host}:${entry.port}`])),
      }),
    );
    const result = await runCli(['report', '--endpoints', file, '--out', out], { env: env(prefix) });
    expect(result.stderr).not.toMatch(/^cf-shares:/m); // progress lines only
    expect(result.code).toBe(0);
    const expected = await truth();
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    // Credential findings need --inspect-credentials (issue 13): a run with only an endpoints file cannot make them.
    const withoutCredentials = expected.expected_findings.filter(
      (f) => f.kind !== 'credentials_not_unique' && f.kind !== 'key_credentials_in_binding',
    );
    expect(report.findings.map(findingKey).sort()).toEqual(withoutCredentials.map(findingKey).sort());
    for (const gap of report.findings.filter((f) => f.kind === 'asg_gap'))
      expect(gap).toMatchObject({ confidence: 'endpoint', endpoint_source: 'endpoints_file' });
    const managedShares = report.shares.filter((share) => share.instance.offering !== null).length;
    expect(report.summary.shares_with_known_endpoint).toBe(managedShares);
    expect(report.summary.shares_with_known_endpoint_by_source).toEqual({
      endpoints_file: managedShares,
      credentials: 0,
    });
    expect(result.stdout).toContain(
      `  endpoints        known for ${managedShares} of ${report.shares.length} (endpoints file ${managedShares}, credentials 0)`,
    );
    const check = checkAgainstTruth(report, expected);
    expect(check.asgGaps.bySource.endpoints_file).toMatchObject({ precision: 1, recall: 1 });
  });

  it('diffs against the previous report of the foundation, keeps reports in Redis, and fails on findings when asked', async () => {
    const prefix = suite.prefix('diff');
    const first = await runCli(['report', '--out', join(suite.dir, 'a'), '--json'], { env: env(prefix) });
    expect(first.code).toBe(0);

    // Unshare one share behind the tool's back, as an admin would.
    const token = await fetch(`${suite.sim.api}/uaa/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: suite.sim.clientId,
        client_secret: suite.sim.clientSecret,
      }),
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const [gone] = (await truth()).shares;
    const unshare = await fetch(
      `${suite.sim.api}/v3/service_instances/${gone!.instance_guid}/relationships/shared_spaces/${gone!.target_space_guid}`,
      {
        method: 'DELETE',
        headers: { authorization: `bearer ${accessToken}` },
      },
    );
    expect(unshare.status).toBe(204);

    const second = await runCli(['report', '--out', join(suite.dir, 'b'), '--json', '--fail-on', 'high'], {
      env: env(prefix),
    });
    expect(second.code).toBe(3); // the simulator keeps shares of an offering that is no longer shareable: high
    expect(second.stderr).toMatch(/^cf-shares: \d+ finding\(s\) at high or worse \(--fail-on high\)\n$/);
    const diff = JSON.parse(await readFile(join(suite.dir, 'b', 'diff.json'), 'utf8'));
    expect(diff.added).toEqual([]);
    expect(
      diff.removed.map((s: { instance: { guid: string }; target: { space_guid: string } }) => [
        s.instance.guid,
        s.target.space_guid,
      ]),
    ).toEqual([[gone!.instance_guid, gone!.target_space_guid]]);

    const listed = await runCli(['reports', 'list', '--json'], { env: { REDIS_URL, CF_SHARES_PREFIX: prefix } });
    const ids = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).id as string);
    expect(ids).toEqual([JSON.parse(second.stdout).reportId, JSON.parse(first.stdout).reportId]);
    const fetched = await runCli(['reports', 'get', ids[1]!, '--out', join(suite.dir, 'fetched')], {
      env: { REDIS_URL, CF_SHARES_PREFIX: prefix },
    });
    expect(fetched.code).toBe(0);
    expect(await readFile(join(suite.dir, 'fetched', 'report.json'), 'utf8')).toBe(
      await readFile(join(suite.dir, 'a', 'report.json'), 'utf8'),
    );

    // Nothing secret went to Redis: no client secret, no token, no credentials read for endpoints.
    const stored = await dumpPrefix(suite.redis, prefix);
    expect(stored).not.toContain(suite.sim.clientSecret);
    expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  });

  it.each([
    [
      'a missing endpoints file',
      ['--endpoints', '/nonexistent/endpoints.json'],
      /^cf-shares: cannot read --endpoints \/nonexistent\/endpoints\.json: ENOENT$/,
    ],
    [
      'a malformed endpoints entry',
      ['--endpoints', 'BAD'],
      /^cf-shares: --endpoints .*: endpoints file: offerings\.postgres must be "address-or-CIDR:port"/,
    ],
    ['an unknown severity', ['--fail-on', 'severe'], /Invalid values:/],
    ['a bad --keep', ['--keep', '0'], /^cf-shares: --keep must be a whole number >= 1/],
  ])('refuses %s with exit 2 and one line', async (_name, args, line) => {
    const prefix = suite.prefix('bad-report');
    const bad = join(suite.dir, 'bad-endpoints.json');
    await writeFile(bad, JSON.stringify({ offerings: { postgres: 'db.internal' } }));
    const result = await runCli(['report', ...args.map((arg) => (arg === 'BAD' ? bad : arg))], { env: env(prefix) });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')[0]).toMatch(line);
  });

  it('fails with one line and writes no report when the API answers a malformed body', async () => {
    const prefix = suite.prefix('malformed');
    const put = (faults: object) =>
      fetch(`${suite.sim.api}/_sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
    await put({ malformedRate: 1, routes: ['GET /v3/security_groups'] });
    try {
      const out = join(suite.dir, 'malformed');
      const result = await runCli(['report', '--out', out], { env: env(prefix) });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(/^cf-shares: .*security_groups.*(JSON|malformed)/i);
      expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace without --debug
      await expect(readdir(out)).rejects.toThrow(/ENOENT/);
      const listed = await runCli(['reports', 'list', '--json'], { env: { REDIS_URL, CF_SHARES_PREFIX: prefix } });
      expect(listed.stdout).toBe('');
    } finally {
      await put({});
    }
  });

  it('says so when a report id is unknown', async () => {
    const result = await runCli(['reports', 'get', 'no-such-report', '--out', join(suite.dir, 'x')], {
      env: { REDIS_URL, CF_SHARES_PREFIX: suite.prefix('none') },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("cf-shares: no stored report 'no-such-report' (see cf-shares reports list)\n");
  });
});
