import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runCli, startSimProcess, type SimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis-prefix.js';
import { verifyPlanFile, type PlanFile } from '../../src/features/campaign/plan-file.js';

interface Truth {
  shares: Array<{ instance_guid: string; target_space_guid: string; binding_guids: string[] }>;
  expected_findings: Array<{ kind: string; instance_guid?: string; space_guid?: string }>;
  scripted_bindings: Array<{ binding_guid: string }>;
}

const redis = new Redis(REDIS_URL);
let sim: SimProcess;
let dir: string;
const prefixes: string[] = [];
beforeAll(async () => {
  sim = await startSimProcess(['--seed', '21', '--spaces', '16', '--instances', '90']);
  dir = await mkdtemp(join(tmpdir(), 'cf-shares-campaign-credentials-'));
});
afterAll(async () => {
  await sim.stop();
  for (const prefix of prefixes) await dropPrefix(redis, prefix);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

const env = (label: string): Record<string, string> => {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  return { CF_API: sim.api, CF_USERNAME: sim.username, CF_PASSWORD: sim.password, REDIS_URL, CF_SHARES_PREFIX: prefix };
};
const truth = async (): Promise<Truth> => (await (await fetch(`${sim.api}/_sim/truth`)).json()) as Truth;
const edge = (instance: string, space: string): string => `${instance} ${space}`;
/** The shares whose target bindings hold credentials another space holds too, by the simulator's truth. */
const notUniqueEdges = (t: Truth): Set<string> =>
  new Set(
    t.expected_findings
      .filter((f) => f.kind === 'credentials_not_unique')
      .map((f) => edge(f.instance_guid!, f.space_guid!)),
  );

describe('unshare-all --inspect-credentials: the plan says when unsharing will not revoke access (issue 13)', () => {
  it('marks exactly those shares in the terminal plan and in plan.json, plan.csv and plan.md', async () => {
    const t = await truth();
    const expected = notUniqueEdges(t);
    expect(expected.size).toBeGreaterThan(0);
    const out = join(dir, 'plan');
    const result = await runCli(['unshare-all', '--dry-run', '--inspect-credentials', '--out', out], {
      env: env('creds-plan'),
    });
    expect(result.code, result.stderr).toBe(0);
    const plan = verifyPlanFile(JSON.parse(await readFile(join(out, 'plan.json'), 'utf8')), 'plan.json') as PlanFile;
    const marked = plan.shares.filter((s) => s.credentials_not_unique);
    expect(new Set(marked.map((s) => edge(s.instance.guid, s.target.space_guid)))).toEqual(expected);
    expect(plan.credentials_inspected).toBe(true);
    const apps = new Set(
      marked.flatMap((s) =>
        s.bindings.filter((b) => s.credentials_not_unique!.binding_guids.includes(b.guid)).map((b) => b.app_guid),
      ),
    );
    expect(plan.counts.apps_keeping_access).toBe(apps.size);
    expect(result.stdout).toContain(
      `Credentials not unique on ${marked.length} share(s): unsharing will not revoke access for ${apps.size} app(s); rotate the credentials.`,
    );
    expect(result.stdout).toMatch(/NOTE\n/);
    expect(result.stdout).toMatch(/unsharing will not revoke access for \d+ app\(s\); rotate the credentials\n/);

    const csv = (await readFile(join(out, 'plan.csv'), 'utf8')).trimEnd().split('\r\n');
    expect(csv[0]).toMatch(/,keys_surviving,note,plan_hash$/);
    const notedRows = csv.filter((row) => row.includes('rotate the credentials'));
    expect(notedRows).toHaveLength(marked.reduce((n, s) => n + Math.max(1, s.bindings.length), 0));
    const md = await readFile(join(out, 'plan.md'), 'utf8');
    expect(md).toContain(`**${marked.length} share(s) have bindings whose credentials are not unique`);
    expect(md.match(/\*\*Credentials not unique: unsharing will not revoke access/g)).toHaveLength(marked.length);
  }, 120_000);

  it('--only-unbound names the bound shares it leaves out; without the flag the plan says credentials were not inspected', async () => {
    const t = await truth();
    const unbound = await runCli(['unshare-all', '--dry-run', '--inspect-credentials', '--only-unbound'], {
      env: env('creds-unbound'),
    });
    expect(unbound.code, unbound.stderr).toBe(0);
    expect(unbound.stdout).toContain(
      `--only-unbound leaves out ${notUniqueEdges(t).size} bound share(s) whose bindings' credentials are not unique`,
    );
    const plain = await runCli(['unshare-all', '--dry-run'], { env: env('creds-plain') });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('Credentials were not inspected');
    expect(plain.stdout).not.toContain('rotate the credentials');
  }, 120_000);

  it('an item on such a share ends with the note in items.csv and campaign.json', async () => {
    const t = await truth();
    const scripted = new Set(t.scripted_bindings.map((b) => b.binding_guid));
    const target = t.shares.find(
      (s) =>
        notUniqueEdges(t).has(edge(s.instance_guid, s.target_space_guid)) &&
        s.binding_guids.every((b) => !scripted.has(b)),
    )!;
    expect(target).toBeDefined();
    const e = env('creds-run');
    const result = await runCli(
      [
        'unshare-all',
        '--inspect-credentials',
        '--instance',
        target.instance_guid,
        '--target-space',
        target.target_space_guid,
        '--yes',
        '--disable-flag',
        '--rate',
        '50',
      ],
      { env: e, timeoutMs: 90_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('rotate the credentials');
    const id = /^campaign: (\S+)$/m.exec(result.stdout)![1]!;
    const reportDir = join(dir, 'report');
    const report = await runCli(['campaign', 'report', id, '--out', reportDir], { env: e });
    expect(report.code, report.stderr).toBe(0);
    const csv = (await readFile(join(reportDir, 'items.csv'), 'utf8')).trimEnd().split('\r\n');
    expect(csv[0]).toMatch(/,destroyed_bindings,note,plan_hash$/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(/,unsharing will not revoke access for \d+ app\(s\); rotate the credentials,$/);
    const json = JSON.parse(await readFile(join(reportDir, 'campaign.json'), 'utf8')) as {
      items: Array<{ outcome: string; note: string | null }>;
    };
    expect(json.items).toEqual([
      expect.objectContaining({ outcome: 'unshared', note: expect.stringContaining('rotate the credentials') }),
    ]);
  }, 120_000);
});
