import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  runCli,
  startSimProcess,
  cliEnv,
  REPO_ROOT,
  simAdminAuthorization,
  type SimProcess,
} from '../helpers/run-cli.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis-prefix.js';
import { startSim } from '../../src/sim/index.js';
import { CampaignStore } from '../../src/features/campaign/campaign-store.js';

/**
 * Outcomes are recorded from evidence (issue "Truthful outcomes", points 1, 2 and 5): each test makes a real
 * situation on the simulator (an instance deleted out of band, a space deleted while its unshare is in flight, a
 * worker killed between send and answer, another foundation's worker on the same Redis) and checks what the
 * campaign records about it.
 */

interface TruthShare {
  instance_guid: string;
  source_space_guid: string;
  target_space_guid: string;
  binding_guids: string[];
}
interface Truth {
  shares: TruthShare[];
  scripted_bindings: Array<{ binding_guid: string }>;
}
interface Answer {
  request: string;
  status?: number;
  code?: number;
  title?: string;
  requestId?: string;
  error?: string;
}
interface CampaignJson {
  campaign: { status: string; api: string };
  items: Array<{
    instance_guid: string;
    target_space_guid: string;
    outcome: string;
    decided_by: Answer | null;
    confirmed_by: Answer | null;
    inferred: string | null;
    destroyed_bindings: Array<{ guid: string }>;
  }>;
  audit_trail: Array<{ id: string; method: string; path: string; answer: unknown; result: string }>;
}
interface Write {
  at: number;
  method: string;
  path: string;
  status: number | null;
}

const redis = new Redis(REDIS_URL);
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  redis.disconnect();
});

const UNSHARE_ROUTE = 'DELETE /v3/service_instances/:guid/relationships/shared_spaces/:space_guid';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
const putJson = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function setup(
  label: string,
  simArgs = ['--seed', '21', '--spaces', '16', '--instances', '90'],
): Promise<{ sim: SimProcess; env: Record<string, string>; dir: string; truth: Truth }> {
  const sim = await startSimProcess(simArgs);
  const prefix = uniquePrefix(label);
  const dir = await mkdtemp(join(tmpdir(), `cf-shares-${label}-`));
  cleanups.push(
    () => sim.stop(),
    () => dropPrefix(redis, prefix),
    () => rm(dir, { recursive: true, force: true }),
  );
  const env = {
    CF_API: sim.api,
    CF_USERNAME: sim.username,
    CF_PASSWORD: sim.password,
    REDIS_URL,
    CF_SHARES_PREFIX: prefix,
  };
  return { sim, env, dir, truth: await getJson<Truth>(`${sim.api}/_sim/truth`) };
}

/** A share whose target bindings unbind synchronously (no scripted broker), with at least `minBindings` of them. */
function plainShare(truth: Truth, minBindings: number): TruthShare {
  const scripted = new Set(truth.scripted_bindings.map((b) => b.binding_guid));
  const share = truth.shares.find(
    (s) => s.binding_guids.length >= minBindings && s.binding_guids.every((g) => !scripted.has(g)),
  );
  if (!share) throw new Error(`the seed has no share with ${minBindings}+ plain bindings`);
  return share;
}

async function planOne(
  env: Record<string, string>,
  share: TruthShare,
  extra: string[] = [],
  maxAttempts = 3,
  retryDelaySeconds = 1,
): Promise<string> {
  const args = [
    'unshare-all',
    '--yes',
    '--disable-flag',
    '--detach',
    '--instance',
    share.instance_guid,
    '--target-space',
    share.target_space_guid,
    '--rate',
    '20',
    '--retry-delay',
    String(retryDelaySeconds),
    '--max-attempts',
    String(maxAttempts),
    ...extra,
  ];
  const started = await runCli(args, { env });
  expect(started.code, started.stderr).toBe(0);
  return /^campaign: (\S+)$/m.exec(started.stdout)![1]!;
}

async function report(env: Record<string, string>, id: string, dir: string): Promise<CampaignJson> {
  const out = join(dir, `report-${id}`);
  const result = await runCli(['campaign', 'report', id, '--out', out], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(await readFile(join(out, 'campaign.json'), 'utf8')) as CampaignJson;
}

function startWorker(
  env: Record<string, string>,
  extra: Record<string, string> = {},
): ChildProcess & { log: () => string } {
  const child = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--log-level', 'info'], {
    cwd: REPO_ROOT,
    env: cliEnv({ ...env, ...extra }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  cleanups.push(async () => child.kill('SIGKILL'));
  return Object.assign(child, { log: () => log });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A worker killed while CC carries out its unshare (3 s of added latency on the DELETE): the DELETE is in the audit
 * trail with no answer, and CC, carrying on with a request whose client went away, removes the share and its bindings.
 * Returns once the simulator has; the latency is still set.
 */
async function killWorkerInFlight(sim: SimProcess, env: Record<string, string>, share: TruthShare): Promise<void> {
  await putJson(`${sim.api}/_sim/faults`, { latencyMs: 3000, routes: [UNSHARE_ROUTE] });
  const victim = startWorker(env, { CF_SHARES_LOCK_MS: '1500' });
  await waitFor('the unshare to arrive', async () => ((await deletesSent(sim)).length > 0 ? true : undefined));
  victim.kill('SIGKILL');
  await new Promise((resolve) => victim.once('exit', resolve));
  await waitFor('the simulator to finish the unshare', async () => {
    const now = await getJson<Truth>(`${sim.api}/_sim/truth`);
    return now.shares.some(
      (s) => s.instance_guid === share.instance_guid && s.target_space_guid === share.target_space_guid,
    )
      ? undefined
      : true;
  });
}

/** The DELETEs the simulator received, from its write log. */
async function deletesSent(sim: SimProcess): Promise<Write[]> {
  const { writes } = await getJson<{ writes: Write[] }>(`${sim.api}/_sim/writes`);
  return writes.filter((w) => w.method === 'DELETE');
}

/** The campaign's only item, once a worker has recorded an outcome for it. */
function settledItem(
  env: Record<string, string>,
  id: string,
  dir: string,
): Promise<CampaignJson['items'][number] & { reason?: string }> {
  return waitFor(
    'a worker to settle the item',
    async () => {
      const [item] = (await report(env, id, dir)).items;
      return item!.outcome === 'pending' ? undefined : item;
    },
    60_000,
  );
}

describe('outcomes are recorded from evidence', () => {
  it('an instance deleted out of band ends instance_gone, decided and confirmed by a 404 read as the admin', async () => {
    const { sim, env, dir, truth } = await setup('gone-instance');
    const share = plainShare(truth, 0);
    const id = await planOne(env, share);
    await fetch(`${sim.api}/_sim/service_instances/${share.instance_guid}`, { method: 'DELETE' });
    const resumed = await runCli(['campaign', 'resume', id], { env, timeoutMs: 60_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const [item] = (await report(env, id, dir)).items;
    expect(item).toMatchObject({
      outcome: 'instance_gone',
      confirmed_by: {
        status: 404,
        code: 10010,
        request: `GET /v3/service_instances/${share.instance_guid}/relationships/shared_spaces`,
      },
    });
    expect(item!.confirmed_by!.requestId).toMatch(/\S/);
  }, 90_000);

  it('a space deleted while its unshare is in flight ends space_gone only after GET /v3/spaces confirms the 404', async () => {
    const { sim, env, dir, truth } = await setup('gone-space');
    const share = plainShare(truth, 0);
    const id = await planOne(env, share);
    // Hold every unshare in the simulator for 2.5 s, and delete the target space meanwhile.
    await putJson(`${sim.api}/_sim/faults`, { latencyMs: 2500, routes: [UNSHARE_ROUTE] });
    const resumed = runCli(['campaign', 'resume', id], { env, timeoutMs: 60_000 });
    await waitFor('the unshare to arrive', async () => {
      return (await deletesSent(sim)).some((w) => w.path.endsWith(share.target_space_guid)) ? true : undefined;
    });
    await fetch(`${sim.api}/_sim/spaces/${share.target_space_guid}`, { method: 'DELETE' });
    expect((await resumed).code).toBe(0);
    const [item] = (await report(env, id, dir)).items;
    expect(item).toMatchObject({
      outcome: 'space_gone',
      decided_by: { status: 422, code: 10008 },
      confirmed_by: { request: `GET /v3/spaces/${share.target_space_guid}`, status: 404, code: 10010 },
    });
  }, 90_000);

  it('a worker killed between send and answer leaves "sent, answer unknown"; the rerun records unshared as inferred, with the bindings the ledger says were destroyed', async () => {
    const { sim, env, dir, truth } = await setup('kill-in-flight');
    const share = plainShare(truth, 1);
    const id = await planOne(env, share);
    await killWorkerInFlight(sim, env, share);
    const during = await report(env, id, dir);
    const unshares = during.audit_trail.filter((entry) => entry.method === 'DELETE');
    expect(unshares).toHaveLength(1);
    expect(unshares[0]).toMatchObject({ answer: null, result: 'sent, answer unknown' });

    await putJson(`${sim.api}/_sim/faults`, {});
    const resumed = await runCli(['campaign', 'resume', id], {
      env: { ...env, CF_SHARES_LOCK_MS: '1500' },
      timeoutMs: 60_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await report(env, id, dir);
    const [item] = after.items;
    expect(item!.outcome).toBe('unshared');
    expect(item!.inferred).toMatch(/answer is unknown/);
    expect(item!.inferred).toContain(unshares[0]!.id);
    expect(item!.destroyed_bindings.map((b) => b.guid).sort()).toEqual([...share.binding_guids].sort());
    // The rerun sent nothing: the space was no longer shared.
    expect(after.audit_trail.filter((entry) => entry.method === 'DELETE')).toHaveLength(1);
  }, 90_000);
});

describe('the last attempt', () => {
  it('whose unshare CC carried out while every answer was lost records unshared (inferred) from a read, not failed', async () => {
    const { sim, env, dir, truth } = await setup('last-lost-answer');
    const share = plainShare(truth, 1);
    const id = await planOne(env, share, [], 1);
    // CC carries out the DELETE and every resend, and the connection drops before each answer.
    await putJson(`${sim.api}/_sim/faults`, { lostAnswerFirst: 50, routes: [UNSHARE_ROUTE] });
    const resumed = await runCli(['campaign', 'resume', id], { env, timeoutMs: 90_000 });
    const after = await report(env, id, dir);
    const [item] = after.items;
    expect(item!.outcome, resumed.stderr).toBe('unshared');
    expect(item!.inferred).toMatch(/answer is unknown/);
    expect(after.audit_trail.filter((entry) => entry.method === 'DELETE').length).toBeGreaterThan(1);
    expect(resumed.code, resumed.stderr).toBe(0);
    const now = await getJson<Truth>(`${sim.api}/_sim/truth`);
    expect(
      now.shares.some(
        (s) => s.instance_guid === share.instance_guid && s.target_space_guid === share.target_space_guid,
      ),
    ).toBe(false);
  }, 120_000);
});

describe('a DELETE CC refused, then an unshare by someone else', () => {
  it('ends already_unshared, naming the refusal, instead of claiming the refused DELETE did it', async () => {
    const { sim, env, dir, truth } = await setup('refused-then-oob');
    const share = plainShare(truth, 1);
    const [binding] = share.binding_guids;
    await putJson(`${sim.api}/_sim/bindings/${binding}/behaviour`, { unbind: 'fail' });
    const id = await planOne(env, share, [], 2, 6);
    startWorker(env);
    await waitFor('the unshare to be refused', async () =>
      (await deletesSent(sim)).some((w) => w.path.includes('shared_spaces') && w.status === 502) ? true : undefined,
    );
    // An operator fixes the binding and unshares by hand, between the campaign's two attempts.
    await putJson(`${sim.api}/_sim/bindings/${binding}/behaviour`, { unbind: 'sync' });
    const byHand = await fetch(
      `${sim.api}/v3/service_instances/${share.instance_guid}/relationships/shared_spaces/${share.target_space_guid}`,
      { method: 'DELETE', headers: { authorization: await simAdminAuthorization(sim) } },
    );
    expect(byHand.status).toBe(204);
    const item = await settledItem(env, id, dir);
    expect(item!.outcome).toBe('already_unshared');
    expect(item!.inferred).toBeNull();
    expect(JSON.stringify(item)).toMatch(/was refused with 502 \(CC code \d+\)/);
  }, 120_000);
});

describe('--disable-flag', () => {
  it('when CC will not disable the sharing flag, the campaign is cancelled with nothing sent, and resume refuses it', async () => {
    const { sim, env, truth } = await setup('flag-refused');
    const share = plainShare(truth, 0);
    await putJson(`${sim.api}/_sim/faults`, { errorRate: 1, routes: ['PATCH /v3/feature_flags/:name'] });
    const started = await runCli(
      [
        'unshare-all',
        '--yes',
        '--disable-flag',
        '--detach',
        '--instance',
        share.instance_guid,
        '--target-space',
        share.target_space_guid,
      ],
      { env, timeoutMs: 90_000 },
    );
    expect(started.code, started.stderr).toBe(1);
    const [meta] = await new CampaignStore(redis, env.CF_SHARES_PREFIX!).list();
    expect(meta!.status).toBe('cancelled');
    const outcomes = Object.values(await new CampaignStore(redis, env.CF_SHARES_PREFIX!).outcomes(meta!.id));
    expect(outcomes.map((o) => o.outcome)).toEqual(['cancelled']);
    const resumed = await runCli(['campaign', 'resume', meta!.id], { env });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('was cancelled');
    expect(await deletesSent(sim)).toHaveLength(0);
  }, 120_000);
});

describe('a cancel after a write went out', () => {
  it('leaves an item whose unshare was sent, answer unknown, to a worker, which records it unshared (inferred) from a read, not "cancelled"', async () => {
    const { sim, env, dir, truth } = await setup('cancel-in-flight');
    const share = plainShare(truth, 1);
    const id = await planOne(env, share);
    await killWorkerInFlight(sim, env, share);
    await putJson(`${sim.api}/_sim/faults`, {});

    const cancelled = await runCli(['campaign', 'cancel', id], { env });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain('0 queued item(s) will not run');
    expect(cancelled.stdout).toContain('1 item(s) in flight or with a write already sent');
    // No worker runs: the item has no outcome yet, rather than one nobody checked.
    expect((await report(env, id, dir)).items[0]!.outcome).toBe('pending');

    startWorker(env, { CF_SHARES_LOCK_MS: '1500' });
    const item = await settledItem(env, id, dir);
    expect(item.outcome).toBe('unshared');
    expect(item.inferred).toMatch(/answer is unknown/);
    expect(item.destroyed_bindings.map((b) => b.guid).sort()).toEqual([...share.binding_guids].sort());
    // Settling sent nothing more: one DELETE in all.
    expect(await deletesSent(sim)).toHaveLength(1);
  }, 120_000);

  it('ends a queued item that sent nothing as cancelled, saying no write was sent', async () => {
    const { sim, env, dir, truth } = await setup('cancel-queued');
    const share = plainShare(truth, 0);
    const id = await planOne(env, share);
    const cancelled = await runCli(['campaign', 'cancel', id], { env });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain('1 queued item(s) will not run');
    const [item] = (await report(env, id, dir)).items as Array<CampaignJson['items'][number] & { reason: string }>;
    expect(item!.outcome).toBe('cancelled');
    expect(JSON.stringify(item)).toContain('no write was sent for this item');
    expect(await deletesSent(sim)).toHaveLength(0);
  }, 60_000);
});

describe('--delete-bindings-first and unbinds that take hours', () => {
  it('hands an item whose binding is still being deleted back as blocked, to retry later, instead of failing it', async () => {
    const { sim, env, dir, truth } = await setup('long-unbind');
    const share = plainShare(truth, 1);
    const [binding] = share.binding_guids;
    await putJson(`${sim.api}/_sim/bindings/${binding}/behaviour`, { unbind: 'async', asyncSeconds: 36_000 });
    const id = await planOne(env, share, ['--delete-bindings-first'], 2);
    const resumed = await runCli(['campaign', 'resume', id], {
      env: { ...env, CF_SHARES_UNBIND_WAIT_MS: '1500' },
      timeoutMs: 60_000,
    });
    expect(resumed.code).toBe(3);
    const [item] = (await report(env, id, dir)).items as Array<
      CampaignJson['items'][number] & { blocking: string[]; binding_deletes: Array<{ guid: string; result: string }> }
    >;
    expect(item!.outcome).toBe('blocked');
    expect(item!.blocking.join(' ')).toContain(`binding ${binding} is being deleted`);
    expect(item!.binding_deletes).toEqual([expect.objectContaining({ guid: binding, result: 'deleting' })]);
    // The unshare itself was never sent while the unbind ran: CC would only have refused it.
    const { writes } = await getJson<{ writes: Write[] }>(`${sim.api}/_sim/writes`);
    expect(writes.filter((w) => w.path.includes('/shared_spaces/'))).toEqual([]);
  }, 90_000);
});

describe('the right worker for the job', () => {
  it("another foundation's worker on the same Redis and prefix never takes the items; they wait and say so", async () => {
    const a = await setup('fleet-a');
    const b = await startSimProcess(['--seed', '22', '--spaces', '8', '--instances', '40']);
    cleanups.push(() => b.stop());
    const share = plainShare(a.truth, 0);
    const id = await planOne(a.env, share);
    const envB = { ...a.env, CF_API: b.api, CF_USERNAME: b.username, CF_PASSWORD: b.password };
    const other = startWorker(envB);
    await waitFor('the other worker to be ready', async () =>
      other.log().includes('worker ready') ? true : undefined,
    );
    await sleep(2000);
    const status = await runCli(['campaign', 'status', id], { env: a.env });
    expect(status.stdout).toContain(`waiting for a worker of ${a.sim.api.replace(/\/$/, '')}`);
    const writesA = await getJson<{ writes: Write[] }>(`${a.sim.api}/_sim/writes`);
    const writesB = await getJson<{ writes: Write[] }>(`${b.api}/_sim/writes`);
    expect(writesA.writes.filter((w) => w.method === 'DELETE')).toEqual([]);
    expect(writesB.writes).toEqual([]);
    // Campaign lists are per foundation.
    expect((await runCli(['campaign', 'list'], { env: envB })).stdout).not.toContain(id);
    expect((await runCli(['campaign', 'list'], { env: a.env })).stdout).toContain(id);
    // Resuming with another foundation's API is refused, not turned into "gone".
    const wrong = await runCli(['campaign', 'resume', id], { env: envB });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`campaign ${id} is for`);

    const own = startWorker(a.env);
    const followed = await runCli(['campaign', 'status', id, '--follow', '--json'], { env: a.env, timeoutMs: 60_000 });
    own.kill('SIGTERM');
    other.kill('SIGTERM');
    expect(JSON.parse(followed.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      status: 'done',
      finished: 1,
      counts: { unshared: 1 },
    });
  }, 90_000);

  it('a read-only identity never serves campaign work', async () => {
    const sim = await startSim({ seed: 4, spaces: 8, instances: 40 });
    cleanups.push(() => sim.close());
    const prefix = uniquePrefix('ro-worker');
    cleanups.push(() => dropPrefix(redis, prefix));
    const user = sim.users.admin_read_only;
    const env = {
      CF_API: sim.url,
      CF_USERNAME: user.username,
      CF_PASSWORD: user.password,
      REDIS_URL,
      CF_SHARES_PREFIX: prefix,
    };
    const refused = await runCli(['worker', '--serve', 'campaign'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is admin_read_only: campaign work needs cloud_controller\.admin\n$/);
    const worker = startWorker(env);
    await waitFor('the worker to be ready', async () => (worker.log().includes('worker ready') ? true : undefined));
    const ready = JSON.parse(
      worker
        .log()
        .split('\n')
        .find((line) => line.includes('worker ready'))!,
    ) as { roles: string[]; queues: string[] };
    expect(ready.roles).toEqual(['report']);
    // Report work and its webhook deliveries; nothing that unshares.
    expect(ready.queues.every((queue) => /^(report|notify)-/.test(queue))).toBe(true);
    expect(ready.queues.some((queue) => /^(campaign|unshare)-/.test(queue))).toBe(false);
    expect(worker.log()).toContain('not serving campaign queues');
    worker.kill('SIGTERM');
  }, 60_000);
});
