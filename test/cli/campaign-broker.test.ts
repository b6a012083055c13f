import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli, simAdminAuthorization, type SimProcess } from '../helpers/run-cli.js';
import { campaignBed } from '../helpers/campaign-bed.js';
import { startDetached, startWorker, statusJson, waitFor, waitForCampaignDone } from '../helpers/campaign-processes.js';
import { computePlanHash } from '../../src/features/campaign/plan-file.js';
import { CampaignStore } from '../../src/features/campaign/campaign-store.js';

/**
 * `unshare-all --broker-shares` against the simulator over HTTP, real processes and a real Redis: the broker-level
 * shares of its fixed seed (credstore originals with proxies, one original with an asynchronous broker, a remote, a
 * stale and an unreadable proxy) are unshared by updating each original, and the simulator's truth says which proxies
 * still have access afterwards.
 */

const { redis, fresh, track } = campaignBed();

const PATCH_ROUTE = 'PATCH /v3/service_instances/:guid';
/** The seed's proxy whose parameters answer 409 (an update stuck in progress): its original is unknown to a campaign. */
const UNREADABLE_PROXY = 'busy-secrets';

interface BrokerTruth {
  broker_shares: Array<{
    proxy_guid: string;
    proxy_name: string;
    original_guid: string;
    original: 'local' | 'remote' | 'missing';
    access: boolean;
    offering: string;
  }>;
  broker_originals: Array<{ guid: string; name: string; offering: string }>;
}
interface SimWrite {
  method: string;
  path: string;
  route: string;
  status: number | null;
}
interface CampaignJson {
  items: Array<{
    item: string;
    kind: string;
    instance_guid: string;
    instance: string;
    outcome: string;
    attempts: number;
    decided_by: { request: string; status?: number } | null;
    confirmed_by: { request: string; status?: number; detail?: string } | null;
    blocking: string[];
    proxies?: Array<{ guid: string }>;
    unshare_parameters?: { unshare: { landscape: string; proxyServiceGuid?: string } };
    job?: { guid: string; state: string } | null;
    verified?: string | null;
  }>;
  audit_trail: Array<{ id: string; method: string; path: string; itemId?: string; result: string }>;
}

const truthOf = async (sim: SimProcess): Promise<BrokerTruth> =>
  (await (await fetch(`${sim.api}/_sim/truth`)).json()) as BrokerTruth;
const writesOf = async (sim: SimProcess): Promise<SimWrite[]> =>
  ((await (await fetch(`${sim.api}/_sim/writes`)).json()) as { writes: SimWrite[] }).writes;

/** The credstore proxies a campaign with the default proxy plan unshares: local original, readable parameters. */
const plannedProxies = (truth: BrokerTruth) =>
  truth.broker_shares.filter(
    (share) => share.offering === 'credstore' && share.original === 'local' && share.proxy_name !== UNREADABLE_PROXY,
  );
const originalGuid = (truth: BrokerTruth, name: string): string =>
  truth.broker_originals.find((original) => original.name === name)!.guid;

async function updateBehaviour(sim: SimProcess, guid: string, update: 'sync' | 'async', asyncSeconds = 0) {
  const answer = await fetch(`${sim.api}/_sim/service_instances/${guid}/update-behaviour`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ update, asyncSeconds }),
  });
  expect(answer.status).toBe(200);
}

/** Starts an update of an instance as an admin would (`cf update-service -c '{}'`): it stays in progress a while. */
async function startUpdate(sim: SimProcess, guid: string): Promise<void> {
  const answer = await fetch(`${sim.api}/v3/service_instances/${guid}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: await simAdminAuthorization(sim) },
    body: JSON.stringify({ parameters: {} }),
  });
  expect(answer.status).toBe(202);
}

async function campaignReport(env: Record<string, string>, dir: string, id: string): Promise<CampaignJson> {
  const out = join(dir, `report-${id}`);
  const reported = await runCli(['campaign', 'report', id, '--out', out], { env });
  expect(reported.code, reported.stderr).toBe(0);
  return JSON.parse(await readFile(join(out, 'campaign.json'), 'utf8')) as CampaignJson;
}

const campaignIdOf = (stdout: string): string => /^campaign: (\S+)$/m.exec(stdout)![1]!;

describe('unshare-all --broker-shares', () => {
  it('a dry run writes nothing; the campaign updates each original (a sync and an async broker) and the truth shows the proxies without access', async () => {
    const { sim, env, dir, prefix } = await fresh('broker-sync-async');
    const before = await truthOf(sim);
    const planned = plannedProxies(before);
    const originals = [...new Set(planned.map((share) => share.original_guid))];
    // The seed's credstore-billing broker updates asynchronously (3 s): its item follows the job.
    expect(originals).toContain(originalGuid(before, 'credstore-billing'));

    const dry = await runCli(['unshare-all', '--broker-shares', '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Broker-level shares: update ${originals.length} original instance(s)`);
    expect(dry.stdout).toContain(`${planned.length} proxy instance(s)`);
    expect(dry.stdout).toMatch(/remote-secrets .*the original is in another region/);
    expect(dry.stdout).toMatch(/stale-secrets .*the original is gone/);
    expect(dry.stdout).toMatch(/busy-secrets .*parameters could not be read/);
    expect(await writesOf(sim)).toEqual([]);
    expect(await redis.keys(`*${prefix}*`)).toEqual([]);

    // No --disable-flag: the sharing flag does not govern broker-level shares, so it is neither checked nor changed.
    const run = await runCli(['unshare-all', '--broker-shares', '--yes', '--retry-delay', '1'], {
      env,
      timeoutMs: 90_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const id = campaignIdOf(run.stdout);
    const report = await campaignReport(env, dir, id);
    expect(report.items.map((item) => item.instance_guid).sort()).toEqual([...originals].sort());
    for (const item of report.items) {
      expect(item).toMatchObject({ kind: 'broker', outcome: 'unshared', job: { state: 'COMPLETE' } });
      expect(item.unshare_parameters).toEqual({ unshare: { landscape: '*' } });
      expect(item.confirmed_by).toMatchObject({ request: `GET /v3/service_instances/${item.instance_guid}` });
      expect(item.verified).toMatch(/^the broker accepted the unshare \(last_operation update succeeded/);
    }

    const after = await truthOf(sim);
    const access = new Map(after.broker_shares.map((share) => [share.proxy_guid, share.access]));
    for (const share of planned) expect(access.get(share.proxy_guid), share.proxy_name).toBe(false);
    // Proxies outside the plan keep what they had; the proxies themselves stay.
    for (const share of before.broker_shares.filter((s) => !planned.includes(s)))
      expect(access.get(share.proxy_guid), share.proxy_name).toBe(share.access);
    expect(after.broker_shares.map((share) => share.proxy_guid).sort()).toEqual(
      before.broker_shares.map((share) => share.proxy_guid).sort(),
    );
    // The only writes: one PATCH per original, each written ahead in the audit trail; no feature flag write.
    const writes = await writesOf(sim);
    expect(writes.map((write) => write.route)).toEqual(originals.map(() => PATCH_ROUTE));
    expect(writes.map((write) => write.status)).toEqual(originals.map(() => 202));
    expect(report.audit_trail.map((entry) => `${entry.method} ${entry.path}`).sort()).toEqual(
      writes.map((write) => `${write.method} ${write.path}`).sort(),
    );
    const status = await statusJson(env, id);
    expect(status).toMatchObject({ status: 'done', finished: originals.length, allSucceeded: true });
    expect(status.broker).toEqual({
      items: originals.length,
      originals: originals.length,
      proxies: planned.length,
      perProxy: false,
    });
  }, 120_000);

  it('--per-proxy: one item per proxy, each naming it, every one unshared', async () => {
    const { sim, env, dir } = await fresh('broker-per-proxy');
    const planned = plannedProxies(await truthOf(sim));
    // Items of one original take turns, so none meets CC's 409 for another's update: one attempt each is enough.
    const run = await runCli(['unshare-all', '--broker-shares', '--per-proxy', '--yes', '--max-attempts', '1'], {
      env,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const report = await campaignReport(env, dir, campaignIdOf(run.stdout));
    expect(report.items).toHaveLength(planned.length);
    for (const item of report.items) {
      expect(item.outcome).toBe('unshared');
      expect(item.attempts).toBe(1);
      expect(item.proxies).toHaveLength(1);
      expect(item.unshare_parameters).toEqual({
        unshare: { landscape: '*', proxyServiceGuid: item.proxies![0]!.guid },
      });
    }
    expect(new Set(report.items.map((item) => item.proxies![0]!.guid))).toEqual(
      new Set(planned.map((share) => share.proxy_guid)),
    );
    const access = new Map((await truthOf(sim)).broker_shares.map((share) => [share.proxy_guid, share.access]));
    for (const share of planned) expect(access.get(share.proxy_guid), share.proxy_name).toBe(false);
  }, 150_000);

  it('409 while another update runs: retried with backoff to unshared; a 409 that lasts ends blocked', async () => {
    const { sim, env, dir } = await fresh('broker-blocked');
    const truth = await truthOf(sim);
    const teamA = originalGuid(truth, 'credstore-team-a');
    const drift = originalGuid(truth, 'credstore-drift');
    // Someone else's update runs on both: 3 s on team-a (then its broker answers asynchronously), 2 min on drift.
    await updateBehaviour(sim, teamA, 'async', 3);
    await updateBehaviour(sim, drift, 'async', 120);
    await startUpdate(sim, teamA);
    await startUpdate(sim, drift);
    const run = await runCli(['unshare-all', '--broker-shares', '--yes', '--retry-delay', '1', '--max-attempts', '4'], {
      env,
      timeoutMs: 90_000,
    });
    const id = campaignIdOf(run.stdout);
    const report = await campaignReport(env, dir, id);
    const byName = new Map(report.items.map((item) => [item.instance, item]));
    const a = byName.get('credstore-team-a')!;
    expect(a.outcome).toBe('unshared');
    expect(a.attempts).toBeGreaterThan(1);
    const d = byName.get('credstore-drift')!;
    expect(d).toMatchObject({ outcome: 'blocked', attempts: 4, decided_by: { status: 409 } });
    expect(d.blocking.join(' ')).toMatch(/in progress/);
    expect(byName.get('credstore-billing')!.outcome).toBe('unshared');
    expect(run.code).not.toBe(0);

    const access = new Map((await truthOf(sim)).broker_shares.map((share) => [share.proxy_name, share]));
    for (const share of access.values()) {
      if (share.original_guid === teamA) expect(share.access, share.proxy_name).toBe(false);
      if (share.original_guid === drift) expect(share.access, share.proxy_name).toBe(true);
    }
    // Every 409 was an attempt of the campaign's own, in its audit trail.
    const patches = (await writesOf(sim)).filter((write) => write.path === `/v3/service_instances/${drift}`);
    expect(patches.filter((write) => write.status === 409)).toHaveLength(4);
  }, 120_000);

  it('an original gone since the plan ends original_gone, confirmed by a read; the rest of the plan runs', async () => {
    const { env, dir } = await fresh('broker-gone');
    const out = join(dir, 'plan');
    const dry = await runCli(['unshare-all', '--broker-shares', '--dry-run', '--out', out], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const path = join(out, 'plan.json');
    const plan = JSON.parse(await readFile(path, 'utf8'));
    // The plan for people, beside plan.json: a row for every planned proxy (or app of it) and every proxy left out.
    const csv = await readFile(join(out, 'plan-broker-shares.csv'), 'utf8');
    for (const item of plan.broker_shares.items as Array<{ proxies: Array<{ guid: string }> }>)
      for (const proxy of item.proxies) expect(csv).toMatch(new RegExp(`^planned,.*,${proxy.guid},`, 'm'));
    for (const left of plan.broker_shares.skipped as Array<{ proxy: { guid: string } }>)
      expect(csv).toMatch(new RegExp(`^skipped,.*,${left.proxy.guid},`, 'm'));
    // The simulator deletes no instance: the plan names an original that no longer exists, as after a deletion.
    const goneGuid = randomUUID();
    plan.broker_shares.items[0].instance.guid = goneGuid;
    plan.plan_hash = computePlanHash(plan);
    await writeFile(path, JSON.stringify(plan));

    const run = await runCli(['unshare-all', '--from-plan', path, '--yes', '--retry-delay', '1'], {
      env,
      timeoutMs: 90_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 planned broker-level item(s) have no proxy here now, or their original is gone');
    const report = await campaignReport(env, dir, campaignIdOf(run.stdout));
    const gone = report.items.find((item) => item.instance_guid === goneGuid)!;
    expect(gone).toMatchObject({
      outcome: 'original_gone',
      decided_by: { request: `PATCH /v3/service_instances/${goneGuid}`, status: 404 },
      confirmed_by: { request: `GET /v3/service_instances/${goneGuid}`, status: 404 },
    });
    expect(report.items.filter((item) => item !== gone).map((item) => item.outcome)).toEqual(
      plan.broker_shares.items.slice(1).map(() => 'unshared'),
    );
  }, 120_000);

  it('kill -9 of the worker while updates run: a new worker finishes with exactly one outcome per item', async () => {
    const { sim, env, dir, prefix } = await fresh('broker-kill');
    const truth = await truthOf(sim);
    const planned = plannedProxies(truth);
    const originals = [...new Set(planned.map((share) => share.original_guid))];
    // Every original's broker takes 4 s: the worker dies with updates in flight.
    for (const guid of originals) await updateBehaviour(sim, guid, 'async', 4);
    const id = await startDetached(env, ['--broker-shares']);
    const lockEnv = { ...env, CF_SHARES_LOCK_MS: '4000' };
    const first = track(startWorker(lockEnv));
    // Killed once an update's job is recorded and before that job (4 s) completes.
    const store = new CampaignStore(redis, prefix);
    const recorded = await waitFor(
      'an update job recorded',
      async () => {
        for (const item of await store.items(id)) {
          const job = await store.brokerJob(id, item.id);
          if (job) return { itemId: item.id, job };
        }
        return undefined;
      },
      60_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await statusJson(env, id)).status).toBe('running');

    track(startWorker(lockEnv));
    const done = await waitForCampaignDone(env, id);
    expect(done).toMatchObject({ finished: originals.length, total: originals.length });
    const report = await campaignReport(env, dir, id);
    expect(report.items.map((item) => item.instance_guid).sort()).toEqual([...originals].sort());
    for (const item of report.items) expect(['unshared', 'already_unshared']).toContain(item.outcome);
    // The item whose job was recorded: its job completed while no worker ran, and the new worker found it by its guid.
    expect(report.items.find((item) => item.item === recorded.itemId)).toMatchObject({
      outcome: 'already_unshared',
      job: { guid: recorded.job.guid, state: 'COMPLETE' },
      decided_by: { request: `GET /v3/jobs/${recorded.job.guid}`, status: 200 },
    });
    // An item whose job was recorded before the kill was followed, not sent again: no original got more PATCHes
    // than the audit trail wrote ahead, and none more than two.
    const patches = (await writesOf(sim)).filter((write) => write.route === PATCH_ROUTE);
    expect(patches.length).toBe(report.audit_trail.filter((entry) => entry.method === 'PATCH').length);
    for (const guid of originals)
      expect(patches.filter((write) => write.path === `/v3/service_instances/${guid}`).length).toBeLessThanOrEqual(2);
    const access = new Map((await truthOf(sim)).broker_shares.map((share) => [share.proxy_guid, share.access]));
    for (const share of planned) expect(access.get(share.proxy_guid), share.proxy_name).toBe(false);
  }, 150_000);
});
