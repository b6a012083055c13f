import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, type SimProcess } from '../helpers/run-cli.js';
import { keysOf } from '../helpers/redis-prefix.js';
import { campaignBed } from '../helpers/campaign-bed.js';
import { computePlanHash, verifyPlanFile, type PlanFile } from '../../src/features/campaign/plan-file.js';

interface TruthShare {
  instance_guid: string;
  source_space_guid: string;
  target_space_guid: string;
  target_org_guid: string;
  binding_guids: string[];
}
interface CampaignJson {
  plan_hash: string | null;
  campaign: { id: string; status: string; planHash?: string; planDrift?: string[] };
  items: Array<{
    instance_guid: string;
    target_space_guid: string;
    outcome: string;
    destroyed_bindings: Array<{ guid: string }>;
  }>;
}

const { redis, fresh } = campaignBed();

const simGet = async <T>(sim: SimProcess, path: string): Promise<T> =>
  (await (await fetch(`${sim.api}${path}`)).json()) as T;
const shares = async (sim: SimProcess): Promise<TruthShare[]> =>
  (await simGet<{ shares: TruthShare[] }>(sim, '/_sim/truth')).shares;
const simPost = async (
  sim: SimProcess,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, string> }> => {
  const res = await fetch(`${sim.api}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};
const edge = (s: { instance_guid: string; target_space_guid: string }): string =>
  `${s.instance_guid} ${s.target_space_guid}`;
const planEdge = (s: PlanFile['shares'][number]): string => `${s.instance.guid} ${s.target.space_guid}`;
const readPlan = async (dir: string): Promise<PlanFile> =>
  JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as PlanFile;
const writes = async (sim: SimProcess): Promise<Array<{ method: string; path: string }>> =>
  (await simGet<{ writes: Array<{ method: string; path: string }> }>(sim, '/_sim/writes')).writes;

/** The target org with the most unbound shares: a plan of them has no scripted (failing) bindings. */
async function unboundOrg(sim: SimProcess): Promise<string> {
  const counts = new Map<string, number>();
  for (const s of await shares(sim))
    if (s.binding_guids.length === 0) counts.set(s.target_org_guid, (counts.get(s.target_org_guid) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

/** Plans the unbound shares into one org and writes the plan into `out`. */
async function planUnbound(env: Record<string, string>, org: string, out: string): Promise<PlanFile> {
  const result = await runCli(['unshare-all', '--dry-run', '--only-unbound', '--target-org', org, '--out', out], {
    env,
  });
  expect(result.code, result.stderr).toBe(0);
  return readPlan(out);
}

async function campaignReport(env: Record<string, string>, id: string, dir: string): Promise<CampaignJson> {
  const result = await runCli(['campaign', 'report', id, '--out', dir], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(await readFile(join(dir, 'campaign.json'), 'utf8')) as CampaignJson;
}

const campaignId = (stdout: string): string => /^campaign: (\S+)$/m.exec(stdout)![1]!;

describe('unshare-all --dry-run --out', () => {
  it('writes the whole plan: plan.json with a hash that verifies, plan.csv and plan.md, every share and binding, names escaped', async () => {
    const { sim, env, dir, prefix } = await fresh('plan-out');
    // A developer's app with markup in its name, bound in the target space of a share: data, not Markdown.
    const target = (await shares(sim)).find((s) => s.binding_guids.length === 0)!;
    const nasty = 'pay|<img src=x>*[x](http://e)\x1b[2J\u202e';
    const bound = await simPost(sim, '/_sim/bindings', {
      service_instance_guid: target.instance_guid,
      space_guid: target.target_space_guid,
      app_name: nasty,
    });
    expect(bound.status).toBe(201);
    const truth = await shares(sim);
    const out = join(dir, 'plan');
    const result = await runCli(['unshare-all', '--dry-run', '--out', out], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(truth.length).toBeGreaterThan(20);
    expect(result.stdout).toContain(
      `... and ${truth.length - 20} more share(s) not shown: 'unshare-all --dry-run --out DIR' writes the whole plan`,
    );

    const plan = verifyPlanFile(await readPlan(out), 'plan.json');
    expect(result.stdout).toContain(`Plan ${plan.plan_hash} written to ${out}`);
    expect(computePlanHash(plan)).toBe(plan.plan_hash);
    expect(plan).toMatchObject({ schema: 'cf-shares/plan@1', api: sim.api, selectors: {}, only_unbound: false });
    expect(new Set(plan.shares.map(planEdge))).toEqual(new Set(truth.map(edge)));
    for (const s of truth) {
      const planned = plan.shares.find((p) => planEdge(p) === edge(s))!;
      expect(planned.source.space_guid).toBe(s.source_space_guid);
      expect(planned.bindings.map((b) => b.guid).sort()).toEqual([...s.binding_guids].sort());
    }
    expect(plan.counts.shares).toBe(truth.length);
    expect(plan.counts.bindings_to_delete).toBe(truth.reduce((n, s) => n + s.binding_guids.length, 0));
    const keys = (await simGet<{ keys_on_shared_instances: Array<{ key_guid: string }> }>(sim, '/_sim/truth'))
      .keys_on_shared_instances;
    expect(plan.counts.keys_surviving).toBe(keys.length);
    expect(new Set(plan.shares.flatMap((s) => s.keys.map((k) => k.guid)))).toEqual(
      new Set(keys.map((k) => k.key_guid)),
    );
    expect(plan.shares.flatMap((s) => s.bindings).find((b) => b.guid === bound.body.binding_guid)?.app).toBe(nasty);

    const csv = await readFile(join(out, 'plan.csv'), 'utf8');
    const rows = csv.trimEnd().split('\r\n').slice(1);
    expect(rows).toHaveLength(truth.reduce((n, s) => n + Math.max(1, s.binding_guids.length), 0));
    for (const s of truth) for (const b of s.binding_guids) expect(csv).toContain(`,${b},`);
    // eslint-disable-next-line no-control-regex -- an ESC must not reach the file
    expect(csv).not.toMatch(/\x1b|\u202e/);
    const md = await readFile(join(out, 'plan.md'), 'utf8');
    expect(md).toContain(plan.plan_hash);
    for (const s of truth) for (const b of s.binding_guids) expect(md).toContain(b);
    expect(md).toContain('pay\\|\\<img src=x\\>\\*\\[x\\](http://e)\\\\x1b\\[2J\\\\u202e');
    // eslint-disable-next-line no-control-regex -- an ESC must not reach the file
    expect(md).not.toMatch(/(?<!\\)<img|\x1b|\u202e/);
    expect(await keysOf(redis, prefix)).toEqual([]);
  });

  it('fails in one line, exit 2, before any request, when the folder cannot be written', async () => {
    const { sim, env, dir, prefix } = await fresh('plan-unwritable');
    await writeFile(join(dir, 'a-file'), '');
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    const result = await runCli(['unshare-all', '--dry-run', '--out', join(dir, 'a-file', 'plan')], { env });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^cf-shares: cannot write to --out .*a-file\/plan: '.*a-file' is a file, not a folder$/),
    ]);
    expect(result.stdout).toBe('');
    expect((await simGet<{ total: number }>(sim, '/_sim/requests')).total).toBe(0);
    expect(await keysOf(redis, prefix)).toEqual([]);
    // --out without --dry-run is a usage error too: a plan is reviewed before it runs.
    const notDry = await runCli(['unshare-all', '--yes', '--out', join(dir, 'x')], { env });
    expect(notDry.code).toBe(2);
    expect((await simGet<{ total: number }>(sim, '/_sim/requests')).total).toBe(0);
  });
});

describe('unshare-all --from-plan', () => {
  it('executes exactly the plan: its shares are unshared, a share made since is not touched; the campaign names the hash', async () => {
    const { sim, env, dir } = await fresh('plan-run');
    const org = await unboundOrg(sim);
    const plan = await planUnbound(env, org, join(dir, 'plan'));
    expect(plan.shares.length).toBeGreaterThan(1);
    // A new share that matches the plan's selectors (same target org, unbound): not in the plan, so left alone.
    const instance = plan.shares[0]!.instance.guid;
    const taken = new Set(
      (await shares(sim)).filter((s) => s.instance_guid === instance).map((s) => s.target_space_guid),
    );
    const spaces = (await shares(sim)).filter((s) => s.target_org_guid === org).map((s) => s.target_space_guid);
    const free = spaces.find((space) => !taken.has(space) && space !== plan.shares[0]!.source.space_guid)!;
    expect(free).toBeDefined();
    expect((await simPost(sim, '/_sim/shares', { service_instance_guid: instance, space_guid: free })).status).toBe(
      201,
    );
    const before = await shares(sim);

    const result = await runCli(
      ['unshare-all', '--from-plan', join(dir, 'plan', 'plan.json'), '--yes', '--disable-flag', '--rate', '50'],
      { env, timeoutMs: 90_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Executing plan ${plan.plan_hash}`);
    const after = await shares(sim);
    const planned = new Set(plan.shares.map(planEdge));
    expect(new Set(after.map(edge))).toEqual(new Set(before.map(edge).filter((e) => !planned.has(e))));
    expect(after.map(edge)).toContain(`${instance} ${free}`);
    const deletes = (await writes(sim)).filter((w) => w.method === 'DELETE');
    expect(
      deletes.every((w) =>
        planned.has(w.path.replace(/^\/v3\/service_instances\/([^/]+)\/relationships\/shared_spaces\/(.+)$/, '$1 $2')),
      ),
    ).toBe(true);

    const id = campaignId(result.stdout);
    const report = await campaignReport(env, id, join(dir, 'report'));
    expect(report.plan_hash).toBe(plan.plan_hash);
    expect(report.campaign.planHash).toBe(plan.plan_hash);
    expect(new Set(report.items.map(edge))).toEqual(planned);
    expect(report.items.every((item) => item.outcome === 'unshared')).toBe(true);
    const csv = await readFile(join(dir, 'report', 'items.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/,plan_hash$/);
    expect(csv.split('\r\n')[1]).toMatch(new RegExp(`,${plan.plan_hash}$`));
    const status = await runCli(['campaign', 'status', id], { env });
    expect(status.stdout).toContain(`executes plan ${plan.plan_hash}`);
    const json = JSON.parse((await runCli(['campaign', 'status', id, '--json'], { env })).stdout) as {
      plan_hash: string;
    };
    expect(json.plan_hash).toBe(plan.plan_hash);
  });

  it('refuses (exit 2, nothing unshared) a binding made on a planned share since; --allow-drift runs and records it', async () => {
    const { sim, env, dir, prefix } = await fresh('plan-drift');
    const plan = await planUnbound(env, await unboundOrg(sim), join(dir, 'plan'));
    const victim = plan.shares[0]!;
    const bound = await simPost(sim, '/_sim/bindings', {
      service_instance_guid: victim.instance.guid,
      space_guid: victim.target.space_guid,
      app_name: 'late-app',
    });
    const before = await shares(sim);
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    const planPath = join(dir, 'plan', 'plan.json');
    const refused = await runCli(['unshare-all', '--from-plan', planPath, '--yes', '--disable-flag'], { env });
    expect(refused.code).toBe(2);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^cf-shares: the foundation drifted since the plan: new binding ${bound.body.binding_guid} of app late-app .*--allow-drift`,
      ),
    );
    expect(refused.stdout).toContain('unsharing would destroy more than it says (1 change(s))');
    expect(refused.stdout).toContain(`  - new binding ${bound.body.binding_guid}`);
    expect(await writes(sim)).toEqual([]); // not even the flag
    expect(new Set((await shares(sim)).map(edge))).toEqual(new Set(before.map(edge)));
    expect((await keysOf(redis, prefix)).filter((key) => key.includes(':campaigns:'))).toEqual([]);

    const allowed = await runCli(
      ['unshare-all', '--from-plan', planPath, '--yes', '--disable-flag', '--allow-drift', '--rate', '50'],
      { env, timeoutMs: 90_000 },
    );
    expect(allowed.code, allowed.stderr).toBe(0);
    const report = await campaignReport(env, campaignId(allowed.stdout), join(dir, 'report'));
    const item = report.items.find((i) => edge(i) === planEdge(victim))!;
    expect(item.outcome).toBe('unshared');
    // The ledger names what CC really destroyed: the binding the plan did not list.
    expect(item.destroyed_bindings.map((b) => b.guid)).toEqual([bound.body.binding_guid]);
    expect(report.campaign.planDrift).toEqual([expect.stringContaining(`new binding ${bound.body.binding_guid}`)]);
  });

  it('records a planned share that was unshared since as already_unshared', async () => {
    const { sim, env, dir } = await fresh('plan-gone');
    const plan = await planUnbound(env, await unboundOrg(sim), join(dir, 'plan'));
    const gone = plan.shares[0]!;
    const unshare = await runCli(
      [
        'unshare-all',
        '--yes',
        '--disable-flag',
        '--instance',
        gone.instance.guid,
        '--target-space',
        gone.target.space_guid,
      ],
      { env, timeoutMs: 90_000 },
    );
    expect(unshare.code, unshare.stderr).toBe(0);
    const result = await runCli(
      ['unshare-all', '--from-plan', join(dir, 'plan', 'plan.json'), '--yes', '--rate', '50'],
      { env, timeoutMs: 90_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '1 planned share(s) are no longer shared: they will be recorded as already_unshared.',
    );
    const report = await campaignReport(env, campaignId(result.stdout), join(dir, 'report'));
    expect(report.items).toHaveLength(plan.shares.length);
    for (const item of report.items)
      expect(item.outcome).toBe(edge(item) === planEdge(gone) ? 'already_unshared' : 'unshared');
  });

  it('refuses a tampered plan, a plan of another API, and selectors beside a plan: exit 2, no request', async () => {
    const { sim, env, dir } = await fresh('plan-tamper');
    const plan = await planUnbound(env, await unboundOrg(sim), join(dir, 'plan'));
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    const tampered = join(dir, 'tampered.json');
    await writeFile(tampered, JSON.stringify({ ...plan, shares: plan.shares.slice(1) }));
    const other = join(dir, 'other.json');
    const otherContent = { ...plan, api: 'https://api.other.example' };
    await writeFile(other, JSON.stringify({ ...otherContent, plan_hash: computePlanHash(otherContent) }));
    const planPath = join(dir, 'plan', 'plan.json');
    for (const [args, message] of [
      [['--from-plan', tampered, '--yes'], /was changed after it was written/],
      [['--from-plan', other, '--yes'], /the plan is for https:\/\/api.other.example/],
      [['--from-plan', planPath, '--yes', '--instance', 'x'], /--from-plan executes the plan's own shares: --instance/],
      [['--from-plan', planPath, '--yes', '--plan', 'small'], /--plan cannot narrow/],
      [['--yes', '--allow-drift'], /--allow-drift goes with --from-plan/],
    ] as const) {
      const result = await runCli(['unshare-all', ...args], { env });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    }
    expect((await simGet<{ total: number }>(sim, '/_sim/requests')).total).toBe(0);
  });

  it('--dry-run with --from-plan shows what would run after the drift check, and changes nothing', async () => {
    const { sim, env, dir, prefix } = await fresh('plan-dry');
    const plan = await planUnbound(env, await unboundOrg(sim), join(dir, 'plan'));
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    const result = await runCli(['unshare-all', '--from-plan', join(dir, 'plan', 'plan.json'), '--dry-run'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('The planned shares are as planned: no drift.');
    expect(result.stdout).toContain(`Plan: unshare ${plan.shares.length} share(s)`);
    expect(result.stdout).toContain('Dry run: nothing was changed and nothing was recorded.');
    expect(await writes(sim)).toEqual([]);
    expect(await keysOf(redis, prefix)).toEqual([]);
  });
});
