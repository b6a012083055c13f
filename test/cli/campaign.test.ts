import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runCli, startSimProcess, cliEnv, REPO_ROOT, type SimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dropPrefix, keysOf, uniquePrefix } from '../helpers/redis-prefix.js';
import { startSim } from '../../src/sim/index.js';
import { QueueName, queueNameFor } from '../../src/core/queue-names.js';

interface Truth {
  shares: Array<{ instance_guid: string; target_space_guid: string }>;
}
interface CampaignJson {
  campaign: { total: number; status: string };
  verification: { still_shared: Array<{ instance_guid: string; space_guid: string }> } | null;
  items: Array<{
    instance_guid: string;
    target_space_guid: string;
    outcome: string;
    blocking: string[];
    destroyed_bindings: unknown[];
    binding_deletes: Array<{ result: string }>;
  }>;
  audit_trail: Array<{
    id: string;
    method: string;
    path: string;
    send: number;
    result: string;
    answer: { status?: number; requestId?: string | null; networkError?: string } | null;
  }>;
}

const redis = new Redis(REDIS_URL);
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  redis.disconnect();
});

async function fresh(
  label: string,
): Promise<{ sim: SimProcess; prefix: string; env: Record<string, string>; dir: string }> {
  const sim = await startSimProcess(['--seed', '21', '--spaces', '16', '--instances', '90']);
  const prefix = uniquePrefix(label);
  const dir = await mkdtemp(join(tmpdir(), `cf-shares-${label}-`));
  cleanups.push(
    () => sim.stop(),
    () => dropPrefix(redis, prefix),
    () => rm(dir, { recursive: true, force: true }),
  );
  return {
    sim,
    prefix,
    dir,
    env: { CF_API: sim.api, CF_USERNAME: sim.username, CF_PASSWORD: sim.password, REDIS_URL, CF_SHARES_PREFIX: prefix },
  };
}

const truthOf = async (sim: SimProcess): Promise<Truth> =>
  (await (await fetch(`${sim.api}/_sim/truth`)).json()) as Truth;
const edge = (instance: string, space: string): string => `${instance} ${space}`;

async function campaignReport(env: Record<string, string>, id: string, dir: string): Promise<CampaignJson> {
  const result = await runCli(['campaign', 'report', id, '--out', dir], { env });
  expect(result.code).toBe(0);
  return JSON.parse(await readFile(join(dir, 'campaign.json'), 'utf8')) as CampaignJson;
}

/** Every share is gone except those the campaign reports blocked, and each planned item has exactly one outcome. */
async function expectCampaignComplete(sim: SimProcess, report: CampaignJson, planned: Truth): Promise<void> {
  expect(report.campaign.status).toBe('done');
  expect(report.items).toHaveLength(planned.shares.length);
  expect(new Set(report.items.map((item) => edge(item.instance_guid, item.target_space_guid))).size).toBe(
    planned.shares.length,
  );
  const remaining = new Set(
    (await truthOf(sim)).shares.map((share) => edge(share.instance_guid, share.target_space_guid)),
  );
  const blocked = report.items.filter((item) => item.outcome === 'blocked');
  expect(new Set(blocked.map((item) => edge(item.instance_guid, item.target_space_guid)))).toEqual(remaining);
  for (const item of blocked) expect(item.blocking.length).toBeGreaterThan(0);
  for (const item of report.items) expect(['unshared', 'already_unshared', 'blocked']).toContain(item.outcome);
  expect(new Set(report.verification!.still_shared.map((s) => edge(s.instance_guid, s.space_guid)))).toEqual(remaining);
}

describe('cf-shares unshare-all', () => {
  it('--dry-run shows the plan and writes nothing, to the Cloud Controller or to Redis', async () => {
    const { sim, env, prefix } = await fresh('dry');
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    const result = await runCli(['unshare-all', '--dry-run'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Plan: unshare \d+ share\(s\) of \d+ instance\(s\) from \d+ target space\(s\)\./);
    expect(result.stdout).toContain('Dry run: nothing was changed and nothing was recorded.');
    const counts = (await (await fetch(`${sim.api}/_sim/requests`)).json()) as { byRoute: Record<string, number> };
    expect(
      Object.keys(counts.byRoute).filter((route) => !route.startsWith('GET ') && !route.includes('/uaa/')),
    ).toEqual([]);
    expect(await keysOf(redis, prefix)).toEqual([]);
  });

  it('removes every share it can, continues past bindings that cannot be deleted, and records why', async () => {
    const { sim, env, dir } = await fresh('campaign');
    const planned = await truthOf(sim);
    const result = await runCli(
      ['unshare-all', '--yes', '--disable-flag', '--rate', '50', '--retry-delay', '1', '--max-attempts', '4'],
      { env, timeoutMs: 90_000 },
    );
    expect(result.code, result.stderr).toBe(3); // the simulator scripts bindings that fail or stay busy
    const id = /^campaign: (\S+)$/m.exec(result.stdout)?.[1];
    expect(id).toBeDefined();
    const report = await campaignReport(env, id!, join(dir, 'report'));
    await expectCampaignComplete(sim, report, planned);
    expect(report.items.some((item) => item.outcome === 'unshared' && item.destroyed_bindings.length > 0)).toBe(true);
    // The flag PATCH is recorded like any write: CC's real status and request id, not a constant.
    expect(report.audit_trail.filter((entry) => entry.method === 'PATCH')).toEqual([
      expect.objectContaining({
        path: '/v3/feature_flags/service_instance_sharing',
        send: 1,
        answer: expect.objectContaining({ status: 200, requestId: expect.stringMatching(/\S/) }),
      }),
    ]);
    expect(report.audit_trail.filter((entry) => entry.method === 'DELETE').length).toBeGreaterThanOrEqual(
      planned.shares.length,
    );
    // Each write names the request id we sent (CC logs it) and the one CC answered with.
    const answered = report.audit_trail.filter((entry) => entry.method === 'DELETE' && entry.answer?.status === 204);
    expect(answered.length).toBeGreaterThan(0);
    for (const entry of answered) {
      expect(entry.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.answer?.requestId).toMatch(/\S/);
    }
    expect(report.audit_trail.every((entry) => entry.answer !== null)).toBe(true);
    const flag = await runCli(['unshare-all', '--dry-run'], { env });
    expect(flag.stdout).not.toContain('flag is enabled');

    // The compliance export carries the campaign's writes.
    const exported = await runCli(['export', '--out', join(dir, 'export'), '--since', '1h'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    const ours = (await readFile(join(dir, 'export', 'campaign-audit.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(
      ours.filter((entry: { campaign: string; method: string }) => entry.campaign === id && entry.method === 'PATCH'),
    ).toHaveLength(1);
    expect(ours.filter((entry: { method: string }) => entry.method === 'DELETE').length).toBe(
      report.audit_trail.filter((entry) => entry.method === 'DELETE').length,
    );
  });

  it('--delete-bindings-first deletes the bindings itself, records each, and goes on past those that fail', async () => {
    const { sim, env, dir } = await fresh('bindings-first');
    const planned = await truthOf(sim);
    const result = await runCli(
      [
        'unshare-all',
        '--yes',
        '--disable-flag',
        '--delete-bindings-first',
        '--rate',
        '50',
        '--retry-delay',
        '1',
        '--max-attempts',
        '3',
      ],
      { env, timeoutMs: 90_000 },
    );
    expect([0, 3]).toContain(result.code);
    const id = /^campaign: (\S+)$/m.exec(result.stdout)![1]!;
    const report = JSON.parse(
      await (async () => {
        await runCli(['campaign', 'report', id, '--out', join(dir, 'r')], { env });
        return readFile(join(dir, 'r', 'campaign.json'), 'utf8');
      })(),
    ) as CampaignJson;
    await expectCampaignComplete(sim, report, planned);
    const deletes = report.items.flatMap((item) => item.binding_deletes);
    expect(deletes.filter((d) => d.result === 'deleted').length).toBeGreaterThan(0);
    expect(
      report.audit_trail.some(
        (entry) => entry.method === 'DELETE' && entry.path.startsWith('/v3/service_credential_bindings/'),
      ),
    ).toBe(true);
  });

  it('cancel stops queued items; resume requeues lost jobs and finishes; status --follow waits for the end', async () => {
    const { sim, env, prefix } = await fresh('cancel');
    const first = await runCli(['unshare-all', '--yes', '--disable-flag', '--detach', '--target-org', 'org-001'], {
      env,
    });
    expect(first.code, first.stderr).toBe(0);
    const cancelledId = /^campaign: (\S+)$/m.exec(first.stdout)![1]!;
    const cancelled = await runCli(['campaign', 'cancel', cancelledId], { env });
    expect(cancelled.stdout).toMatch(/cancelled: \d+ queued item\(s\) will not run/);
    expect((await runCli(['campaign', 'resume', cancelledId], { env })).code).toBe(2);

    const second = await runCli(
      ['unshare-all', '--yes', '--detach', '--rate', '50', '--retry-delay', '1', '--max-attempts', '3'],
      { env },
    );
    expect(second.code, second.stderr).toBe(0);
    const id = /^campaign: (\S+)$/m.exec(second.stdout)![1]!;
    // Lose every queued job, as a Redis restored from an old snapshot would: resume must put them back.
    const { Queue } = await import('bullmq');
    const queue = new Queue(queueNameFor(QueueName.unshare, sim.api), {
      connection: { url: REDIS_URL },
      prefix: `{${prefix}}`,
    });
    await queue.obliterate({ force: true });
    await queue.close();
    const resumed = await runCli(['campaign', 'resume', id], { env, timeoutMs: 90_000 });
    expect(resumed.stdout).toMatch(/requeued [1-9]\d* item\(s\)/);
    const followed = await runCli(['campaign', 'status', id, '--follow', '--json'], { env });
    const status = JSON.parse(followed.stdout.trim().split('\n').at(-1)!);
    expect(status.status).toBe('done');
    expect(status.finished).toBe(status.total);
    const remaining = (await truthOf(sim)).shares.length;
    expect(status.counts.blocked ?? 0).toBe(remaining);
  });

  it('completes after workers are killed with SIGKILL mid-campaign, with exactly one outcome per item', async () => {
    const { sim, env, dir } = await fresh('kill');
    const planned = await truthOf(sim);
    const started = await runCli(
      [
        'unshare-all',
        '--yes',
        '--disable-flag',
        '--detach',
        '--rate',
        '15',
        '--retry-delay',
        '1',
        '--max-attempts',
        '4',
      ],
      { env },
    );
    expect(started.code, started.stderr).toBe(0);
    const id = /^campaign: (\S+)$/m.exec(started.stdout)![1]!;
    const worker = (): ChildProcess =>
      spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--log-level', 'warn'], {
        cwd: REPO_ROOT,
        env: cliEnv({ ...env, CF_SHARES_LOCK_MS: '1500' }),
        stdio: 'ignore',
      });
    for (const ms of [900, 1400, 700]) {
      const victim = worker();
      await new Promise((resolve) => setTimeout(resolve, ms));
      victim.kill('SIGKILL');
      await new Promise((resolve) => victim.once('exit', resolve));
    }
    const survivor = worker();
    cleanups.push(async () => survivor.kill('SIGKILL'));
    const deadline = Date.now() + 80_000;
    let status: { status: string; finished: number; total: number } = { status: '', finished: 0, total: 1 };
    while (Date.now() < deadline) {
      status = JSON.parse((await runCli(['campaign', 'status', id, '--json'], { env })).stdout);
      if (status.status === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    survivor.kill('SIGTERM');
    expect(status).toMatchObject({ status: 'done', finished: planned.shares.length, total: planned.shares.length });
    await expectCampaignComplete(sim, await campaignReport(env, id, join(dir, 'report')), planned);
  }, 120_000);
});

describe('rate limits', () => {
  it('a Cloud Controller 429 pauses the queue for as long as CC asks, without spending an attempt', async () => {
    const { sim, env, dir } = await fresh('429');
    const planned = await truthOf(sim);
    const started = await runCli(
      ['unshare-all', '--yes', '--disable-flag', '--detach', '--rate', '50', '--max-attempts', '1'],
      { env },
    );
    expect(started.code, started.stderr).toBe(0);
    const id = /^campaign: (\S+)$/m.exec(started.stdout)![1]!;
    // Limit even the admin (CC exempts admins by default) to 20 requests per 2 s window.
    await fetch(`${sim.api}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimit: { limit: 20, windowSeconds: 2, exemptAdmins: false } }),
    });
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    // The worker's client hands any wait over 100 ms to the queue instead of sleeping through it.
    const worker = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--log-level', 'warn'], {
      cwd: REPO_ROOT,
      env: cliEnv({ ...env, CF_SHARES_MAX_WAIT_MS: '100' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    worker.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    cleanups.push(async () => worker.kill('SIGKILL'));
    const followed = await runCli(['campaign', 'status', id, '--follow', '--json'], { env, timeoutMs: 90_000 });
    worker.kill('SIGTERM');
    const status = JSON.parse(followed.stdout.trim().split('\n').at(-1)!);
    expect(status).toMatchObject({ status: 'done', finished: planned.shares.length });
    // With --max-attempts 1 a spent attempt would have ended an item failed: none did.
    expect(status.counts.failed ?? 0).toBe(0);
    expect(log).toContain('rate limited by the Cloud Controller: pausing the queue');
    await expectCampaignComplete(sim, await campaignReport(env, id, join(dir, 'r')), planned);
  }, 120_000);
});

describe('unshare-all refuses with one line and exit 2', () => {
  it('when the sharing flag is on and --disable-flag is not given, or nobody confirmed, or nothing matches', async () => {
    const { env } = await fresh('refuse');
    const flagOn = await runCli(['unshare-all', '--yes'], { env });
    expect(flagOn.code).toBe(2);
    expect(flagOn.stderr).toBe(
      'cf-shares: the service_instance_sharing feature flag is enabled, so new shares could appear mid-campaign: disable it first, or pass --disable-flag\n',
    );
    const unconfirmed = await runCli(['unshare-all', '--disable-flag'], { env });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(
      /^cf-shares: refusing to unshare \d+ share\(s\) without --yes: there is no terminal to confirm on\n$/,
    );
    const none = await runCli(['unshare-all', '--disable-flag', '--yes', '--target-org', 'no-such-org'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^cf-shares: the selectors match none of the \d+ shares on this foundation\n$/);
    const unknown = await runCli(['campaign', 'status', 'no-such-campaign'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "cf-shares: no campaign 'no-such-campaign' under this prefix (see cf-shares campaign list)\n",
    );
  });

  it('for an identity that may not unshare', async () => {
    const sim = await startSim({ seed: 4, spaces: 8, instances: 40 });
    cleanups.push(() => sim.close());
    const user = sim.users.admin_read_only;
    const result = await runCli(['unshare-all', '--yes', '--disable-flag'], {
      env: {
        CF_API: sim.url,
        CF_USERNAME: user.username,
        CF_PASSWORD: user.password,
        REDIS_URL,
        CF_SHARES_PREFIX: uniquePrefix('ro'),
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /is admin_read_only: unsharing needs cloud_controller\.admin/,
    );
  });
});
