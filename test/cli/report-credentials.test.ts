import { describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/run-cli.js';
import { REDIS_URL, dumpPrefix } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { startSim, type Truth } from '../../src/sim/index.js';
import type { Report } from '../../src/features/report/report-model.js';

// The demo's foundation (`cf-shares demo` defaults), in-process so the test can read the users of every role.
const suite = cliSuite('report-credentials', () => startSim({ seed: 1, orgs: 6, spaces: 60, instances: 600 }));
const adminEnv = (prefix: string) => ({
  CF_API: suite.sim.url,
  CF_CLIENT_ID: suite.sim.credentials.clientId,
  CF_CLIENT_SECRET: suite.sim.credentials.clientSecret,
  REDIS_URL,
  CF_SHARES_PREFIX: prefix,
});
const CREDENTIAL_KINDS = new Set(['credentials_not_unique', 'key_credentials_in_binding']);
const key = (f: { kind: string; instance_guid?: string | null; space_guid?: string }) =>
  `${f.kind} ${f.instance_guid ?? ''} ${f.space_guid ?? ''}`;
const simGet = async <T>(path: string, init?: RequestInit): Promise<T> =>
  (await (await fetch(`${suite.sim.url}${path}`, init)).json()) as T;
const readReport = async (dir: string): Promise<Report> =>
  JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Report;

describe('report --inspect-credentials: credentials that survive unsharing (issue 13)', () => {
  it("finds exactly the simulator's credential findings on the demo foundation (precision and recall 1.0) and counts the extra requests", async () => {
    const prefix = suite.prefix('creds');
    const truth = await simGet<Truth>('/_sim/truth');
    const expected = new Set(truth.expected_findings.filter((f) => CREDENTIAL_KINDS.has(f.kind)).map(key));
    // The default seed holds one broker of each kind, so both findings are there to find.
    expect(new Set(truth.credential_reuse.map((r) => r.mode))).toEqual(new Set(['per-instance', 'first-key']));
    expect([...expected].some((k) => k.startsWith('credentials_not_unique '))).toBe(true);
    expect([...expected].some((k) => k.startsWith('key_credentials_in_binding '))).toBe(true);

    await fetch(`${suite.sim.url}/_sim/requests/reset`, { method: 'POST' });
    const out = join(suite.dir, 'inspect');
    const inspected = await runCli(['report', '--inspect-credentials', '--out', out], { env: adminEnv(prefix) });
    expect(inspected.stderr).not.toMatch(/^cf-shares:/m); // progress lines only
    expect(inspected.stderr).toContain('progress: credentials of bindings and keys 1/1');
    expect(inspected.code).toBe(0);
    const report = await readReport(out);
    const found = report.findings.filter((f) => CREDENTIAL_KINDS.has(f.kind));
    const right = found.filter((f) => expected.has(key(f)));
    expect({ precision: right.length / found.length, recall: right.length / expected.size }).toEqual({
      precision: 1,
      recall: 1,
    });
    for (const f of found) {
      expect(f.severity).toBe(f.kind === 'credentials_not_unique' ? 'high' : 'medium');
      expect(f.bindings!.length).toBeGreaterThan(0);
      expect(f.same_credentials_as!.length).toBeGreaterThan(0);
      for (const holder of [...f.bindings!, ...f.same_credentials_as!]) {
        expect(Object.keys(holder).sort()).toEqual([
          'app_guid',
          'app_name',
          'guid',
          'name',
          'space',
          'space_guid',
          'type',
        ]);
      }
    }
    // Every app binding and key of the shared instances was read once, and the summary says so.
    const counts = (await simGet<{ byRoute: Record<string, number> }>('/_sim/requests')).byRoute;
    const c = report.summary.credential_comparison!;
    expect(c.not_compared).toBe(0);
    expect(c.details_requests).toBe(counts['GET /v3/service_credential_bindings/:guid/details']);
    expect(c.compared).toBe(c.details_requests);
    expect(inspected.stdout).toContain(
      `${c.compared} bindings and keys compared, 0 not compared; ${c.details_requests} details requests`,
    );
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('| Credentials of bindings and keys |');
    const findingsCsv = await readFile(join(out, 'findings.csv'), 'utf8');
    expect(findingsCsv).toContain(',credentials_not_unique,');
    expect(findingsCsv).toContain(',key_credentials_in_binding,');

    // The default run reads no credentials, claims none of these findings, and its summary has no comparison: the
    // details reads are exactly the difference in requests.
    const plainOut = join(suite.dir, 'plain');
    const plain = await runCli(['report', '--out', plainOut], { env: adminEnv(prefix) });
    expect(plain.code).toBe(0);
    const plainReport = await readReport(plainOut);
    expect(plainReport.findings.filter((f) => CREDENTIAL_KINDS.has(f.kind))).toEqual([]);
    expect(plainReport.summary.credential_comparison).toBeUndefined();
    expect(report.summary.requests - plainReport.summary.requests).toBe(c.details_requests);
  }, 120_000);

  it('the export shows both findings with --inspect-credentials', async () => {
    const prefix = suite.prefix('creds-export');
    const out = join(suite.dir, 'export');
    const result = await runCli(['export', '--out', out, '--inspect-credentials'], { env: adminEnv(prefix) });
    expect(result.code).toBe(0);
    const kinds = new Set((await readReport(out)).findings.map((f) => f.kind));
    expect(kinds.has('credentials_not_unique') && kinds.has('key_credentials_in_binding')).toBe(true);
  }, 120_000);

  it('counts bindings whose credentials it may not read as not compared, and guesses no finding for them', async () => {
    const prefix = suite.prefix('creds-auditor');
    const out = join(suite.dir, 'auditor');
    const auditor = suite.sim.users.global_auditor;
    const result = await runCli(['report', '--inspect-credentials', '--out', out], {
      env: {
        CF_API: suite.sim.url,
        CF_USERNAME: auditor.username,
        CF_PASSWORD: auditor.password,
        REDIS_URL,
        CF_SHARES_PREFIX: prefix,
      },
    });
    expect(result.code).toBe(0);
    const report = await readReport(out);
    const c = report.summary.credential_comparison!;
    expect(c.compared).toBe(0);
    expect(c.not_compared).toBeGreaterThan(0);
    // A global auditor may not read secrets: CC, and so the simulator, answers 404 to its details reads.
    expect(Object.keys(c.not_compared_by_reason)).toEqual(['not_found']);
    expect(report.findings.filter((f) => CREDENTIAL_KINDS.has(f.kind))).toEqual([]);
    expect(result.stdout).toMatch(/0 bindings and keys compared, \d+ not compared \(not_found \d+\)/);
  }, 120_000);

  it('no credential value and no HMAC of one reaches the output, debug logs, report files or Redis', async () => {
    const prefix = suite.prefix('creds-secrets');
    const out = join(suite.dir, 'secrets');
    const hmacLog = join(suite.dir, 'hmacs.txt');
    const preload = fileURLToPath(new URL('../helpers/record-hmac.mjs', import.meta.url));
    const result = await runCli(['export', '--out', out, '--inspect-credentials', '--log-level', 'debug'], {
      env: { ...adminEnv(prefix), NODE_OPTIONS: `--import=${preload}`, CF_SHARES_TEST_HMAC_LOG: hmacLog },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('"msg":"compared binding credentials"');

    // Every credential the simulator hands out for the shared instances' bindings and keys, read here as admin.
    const truth = await simGet<Truth>('/_sim/truth');
    const token = await adminToken();
    const shared = new Set(truth.shared_instance_guids);
    const bindings: string[] = [];
    for (let page = 1; ; page++) {
      const body = await simGet<{
        resources: Array<{ guid: string; relationships: { service_instance: { data: { guid: string } } } }>;
        pagination: { next: unknown };
      }>(`/v3/service_credential_bindings?per_page=5000&page=${page}`, {
        headers: { Authorization: `bearer ${token}` },
      });
      bindings.push(
        ...body.resources.filter((b) => shared.has(b.relationships.service_instance.data.guid)).map((b) => b.guid),
      );
      if (!body.pagination.next) break;
    }
    const values = new Set<string>();
    for (const guid of bindings) {
      const { credentials } = await simGet<{ credentials: Record<string, unknown> }>(
        `/v3/service_credential_bindings/${guid}/details`,
        { headers: { Authorization: `bearer ${token}` } },
      );
      values.add(JSON.stringify(credentials));
      // Host and port are where the service listens: --inspect-credentials keeps them on purpose (asg_gap messages).
      for (const [field, value] of Object.entries(credentials))
        if (!['host', 'hostname', 'port'].includes(field) && typeof value === 'string') values.add(value);
    }
    expect(values.size).toBeGreaterThan(bindings.length);

    // The digests of every HMAC the process computed, in every encoding it could have written them.
    const hmacs = (await readFile(hmacLog, 'utf8')).trim().split('\n');
    expect(hmacs.length).toBeGreaterThanOrEqual(bindings.length);
    const encoded = hmacs.flatMap((hex) => {
      const bytes = Buffer.from(hex, 'hex');
      return [hex, bytes.toString('base64'), bytes.toString('base64url'), hex.slice(0, 16)];
    });

    const files: string[] = [];
    for (const name of await readdir(out))
      if ((await stat(join(out, name))).isFile()) files.push(await readFile(join(out, name), 'utf8'));
    const redis = await dumpPrefix(suite.redis, prefix);
    expect(redis.length).toBeGreaterThan(0);
    const haystacks = {
      stdout: result.stdout,
      'stderr (debug logs)': result.stderr,
      files: files.join('\n'),
      redis,
    };
    for (const [where, text] of Object.entries(haystacks)) {
      const leaked = [...values, ...encoded].filter((secret) => text.includes(secret));
      expect({ where, leaked }).toEqual({ where, leaked: [] });
    }
  }, 180_000);
});

async function adminToken(): Promise<string> {
  const { clientId, clientSecret } = suite.sim.credentials;
  const response = await fetch(`${suite.sim.url}/uaa/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
