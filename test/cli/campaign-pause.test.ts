import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type SimProcess } from '../helpers/run-cli.js';
import { campaignBed, expectOneOutcomePerItem, truthOf } from '../helpers/campaign-bed.js';
import { freePort, startRedis } from '../helpers/redis-server.js';
import {
  sleep,
  slowUnshares,
  startDetached,
  startWorker,
  statusJson,
  unshareWrites,
  waitFor,
  type CliProcess,
} from '../helpers/campaign-processes.js';

/**
 * `campaign pause` / `campaign resume`: a pause is a record in Redis the unshare processor reads before it starts an
 * item, so it holds across worker restarts and a Redis restart, and lifts with `resume`. The simulator answers every
 * unshare 1.5 s late, so items are in flight when the pause comes; its write log is what CC received.
 */

const { redis, cleanups, fresh } = campaignBed();

/** Pauses once unshares are in flight; returns the unshares CC received once those in flight were answered. */
async function pauseMidCampaign(sim: SimProcess, env: Record<string, string>, id: string): Promise<number> {
  await waitFor('unshares in flight', async () => (await unshareWrites(sim)).open > 0);
  const paused = await runCli(['campaign', 'pause', id], { env });
  expect(paused.code, paused.stderr).toBe(0);
  expect(paused.stdout).toMatch(
    new RegExp(
      `^campaign ${id} paused: no new unshare starts, \\d+ item\\(s\\) in flight finish; lift it with 'cf-shares campaign resume ${id}'\\n$`,
    ),
  );
  await waitFor('the unshares in flight to be answered', async () => (await unshareWrites(sim)).open === 0, 15_000);
  return (await unshareWrites(sim)).received;
}

describe('campaign pause', () => {
  it('stops new unshares after those in flight, holds across a worker restart, and resume completes the campaign', async () => {
    const { sim, env, dir } = await fresh('pause');
    const planned = await truthOf(sim);
    await slowUnshares(sim, 1500);
    const id = await startDetached(env, ['--rate', '50']);
    let worker: CliProcess = startWorker(env);
    cleanups.push(() => worker.stop('SIGKILL'));

    const atPause = await pauseMidCampaign(sim, env, id);
    expect(atPause).toBeGreaterThan(0);
    expect(atPause).toBeLessThan(planned.shares.length);
    await sleep(4000);
    expect((await unshareWrites(sim)).received, 'no unshare reaches CC while paused').toBe(atPause);

    const status = await runCli(['campaign', 'status', id], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^campaign ${id} paused since \\S+: \\d+/${planned.shares.length} final`));
    expect(status.stdout).toMatch(/paused since \S+ \(\d+s ago.*\): no new unshare starts/);
    expect(status.stdout).not.toMatch(/ETA|items\/s/);
    expect((await statusJson(env, id)).pausedAt).toEqual(expect.any(String));
    const again = await runCli(['campaign', 'pause', id], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^campaign ${id} is already paused \\(since \\S+\\)\\n$`));

    // A worker restart does not lift it: the pause lives in Redis, not in the worker.
    expect((await worker.stop('SIGTERM')).code).toBe(0);
    worker = startWorker(env);
    await sleep(6000);
    expect((await unshareWrites(sim)).received, 'no unshare after the worker restart').toBe(atPause);
    expect((await statusJson(env, id)).pausedAt).toEqual(expect.any(String));

    const resumed = await runCli(['campaign', 'resume', id, '--detach'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^pause lifted \(paused since \S+\): [1-9]\d* parked item\(s\) back in the queue/m);
    expect(resumed.stdout).toMatch(/^requeued 0 item\(s\) with no job left/m);
    await slowUnshares(sim, 0);
    await expectOneOutcomePerItem(sim, env, id, dir, planned);
    expect((await unshareWrites(sim)).received).toBeGreaterThan(atPause);

    // A finished campaign has nothing to pause: one line, exit 2.
    const late = await runCli(['campaign', 'pause', id], { env });
    expect(late.code).toBe(2);
    expect(late.stderr).toBe(`cf-shares: campaign ${id} is done: every item is final, there is nothing to pause\n`);
  }, 150_000);

  it('holds across a Redis restart from its append-only file', async () => {
    const port = await freePort();
    const redisDir = await mkdtemp(join(tmpdir(), 'cf-shares-pause-aof-'));
    cleanups.push(() => rm(redisDir, { recursive: true, force: true }));
    let server = await startRedis(port, redisDir);
    cleanups.push(async () => server.kill('SIGKILL'));
    const { sim, env, dir } = await fresh('pause-aof', `redis://127.0.0.1:${port}`);
    const planned = await truthOf(sim);
    await slowUnshares(sim, 1500);
    const id = await startDetached(env, ['--rate', '50']);
    let worker: CliProcess = startWorker(env);
    cleanups.push(() => worker.stop('SIGKILL'));
    const atPause = await pauseMidCampaign(sim, env, id);

    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('exit', resolve));
    await sleep(1000);
    server = await startRedis(port, redisDir);
    const alive = (): boolean => worker.child.exitCode === null && worker.child.signalCode === null;
    if (!alive()) worker = startWorker(env);
    await sleep(6000);
    if (!alive()) worker = startWorker(env);
    await sleep(3000);
    expect((await unshareWrites(sim)).received, 'no unshare after the Redis restart').toBe(atPause);
    const status = await statusJson(env, id);
    expect(status.status).toBe('running');
    expect(status.pausedAt).toEqual(expect.any(String));

    const resumed = await runCli(['campaign', 'resume', id, '--detach'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^pause lifted/m);
    await slowUnshares(sim, 0);
    await expectOneOutcomePerItem(sim, env, id, dir, planned);
  }, 150_000);

  it("a worker that loses an item's job lock (a Redis restart, a lapsed lock) records nothing for it; the item runs again", async () => {
    const { sim, env, dir, prefix } = await fresh('pause-lock');
    const planned = await truthOf(sim);
    const id = await startDetached(env, ['--rate', '50']);
    const paused = await runCli(['campaign', 'pause', id], { env });
    expect(paused.code, paused.stderr).toBe(0);
    // Every job lock of this prefix is taken away as soon as it appears: a paused item's move back to the delayed set
    // then meets BullMQ's "Missing lock", as after a Redis restart that outlasted the lock.
    let stealing = true;
    let stolen = 0;
    const thief = (async () => {
      while (stealing) {
        const locks = await redis.keys(`{${prefix}}:*:lock`);
        if (locks.length > 0) stolen += await redis.del(...locks);
        await sleep(1);
      }
    })();
    const worker = startWorker({ ...env, CF_SHARES_LOCK_MS: '1500' });
    cleanups.push(() => worker.stop('SIGKILL'));
    await sleep(5000);
    stealing = false;
    await thief;
    expect(stolen, 'locks taken away').toBeGreaterThan(0);
    const status = await statusJson(env, id);
    expect(status.finished, 'no item recorded while paused, whatever BullMQ said about its job').toBe(0);
    expect((await unshareWrites(sim)).received).toBe(0);

    const resumed = await runCli(['campaign', 'resume', id, '--detach'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectOneOutcomePerItem(sim, env, id, dir, planned);
  }, 150_000);
});
