import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { campaignBed, expectOneOutcomePerItem, truthOf } from '../helpers/campaign-bed.js';
import {
  slowUnshares,
  startCli,
  startDetached,
  startWorker,
  statusJson,
  unshareWrites,
  waitFor,
} from '../helpers/campaign-processes.js';

/**
 * Real signals to real processes: Ctrl-C (SIGINT) and SIGTERM in the middle of a foreground `unshare-all` and of
 * `campaign status --follow` end with one line and exit 130, leaving the campaign resumable; a worker killed with
 * SIGKILL is told apart from a working one by `campaign status`, and `campaign resume` says what waits on its lock.
 */

const { redis, fresh, track } = campaignBed();

/** Lines of a process's stderr that cf-shares itself wrote as a message (not progress lines). */
const messages = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('cf-shares:'));

describe.each(['SIGINT', 'SIGTERM'] as const)('%s to a foreground unshare-all', (signal) => {
  it('prints one line with the id, what is left and the commands, exits 130, and the campaign resumes to the end', async () => {
    const { sim, env, dir } = await fresh(`signal-${signal.toLowerCase()}`);
    const planned = await truthOf(sim);
    await slowUnshares(sim, 1500);
    const run = track(
      startCli(
        ['unshare-all', '--yes', '--disable-flag', '--rate', '50', '--retry-delay', '1', '--max-attempts', '4'],
        env,
      ),
    );
    const id = await waitFor('the campaign id', async () => /^campaign: (\S+)$/m.exec(run.stdout())?.[1], 60_000);
    await waitFor('unshares in flight', async () => (await unshareWrites(sim)).open > 0);
    run.child.kill(signal);
    const exit = await run.exited;
    expect(exit, run.stderr()).toEqual({ code: 130, signal: null });

    const stderr = run.stderr();
    expect(messages(stderr), stderr).toHaveLength(1);
    const line = stderr.trimEnd().split('\n').at(-1)!;
    const match = new RegExp(
      `^cf-shares: interrupted: campaign ${id} has (\\d+) of ${planned.shares.length} item\\(s\\) not final; ` +
        `.*'cf-shares campaign status ${id} --follow'.*'cf-shares campaign resume ${id}'$`,
    ).exec(line);
    expect(match, line).not.toBeNull();
    const left = Number(match![1]);
    expect(left).toBeGreaterThan(0);
    // What the line says is left is what Redis says: the items in flight finished, nothing else was recorded.
    const status = await statusJson(env, id);
    expect(status).toMatchObject({ status: 'running', finished: planned.shares.length - left });
    expect((await unshareWrites(sim)).open).toBe(0);

    await slowUnshares(sim, 0);
    if (signal === 'SIGINT') {
      const resumed = await runCli(['campaign', 'resume', id, '--detach'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/^requeued \d+ item\(s\) with no job left/m);
      track(startWorker(env));
    } else {
      const resumed = await runCli(['campaign', 'resume', id], { env, timeoutMs: 90_000 });
      expect([0, 3], resumed.stderr).toContain(resumed.code);
    }
    await expectOneOutcomePerItem(sim, env, id, dir, planned);
  }, 150_000);
});

describe('SIGINT to campaign status --follow', () => {
  it('prints one line and exits 130; the campaign is untouched', async () => {
    const { env } = await fresh('follow-int');
    const id = await startDetached(env);
    const follower = track(startCli(['campaign', 'status', id, '--follow'], env));
    // No worker runs it: the follower says so, and that is the moment to interrupt it.
    await waitFor('the follower to say it waits', async () => follower.stderr().includes('waiting for a worker'));
    follower.child.kill('SIGINT');
    expect(await follower.exited).toEqual({ code: 130, signal: null });
    const lines = messages(follower.stderr());
    expect(lines, follower.stderr()).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^cf-shares: interrupted: campaign ${id} has (\\d+) of \\1 item\\(s\\) not final; .*'cf-shares campaign status ${id} --follow'.*'cf-shares campaign resume ${id}'$`,
      ),
    );
    expect((await statusJson(env, id)).finished).toBe(0);
  }, 60_000);
});

describe('a worker killed with SIGKILL mid-campaign', () => {
  it('status says no worker is alive; resume says what it requeued and what waits on a lock, then finishes', async () => {
    const { sim, env, dir } = await fresh('kill-liveness');
    const planned = await truthOf(sim);
    await slowUnshares(sim, 3000);
    const id = await startDetached(env, ['--rate', '50']);
    const lockEnv = { ...env, CF_SHARES_LOCK_MS: '10000' };
    const worker = track(startWorker(lockEnv));
    await waitFor('unshares in flight', async () => (await unshareWrites(sim)).open > 0, 60_000);

    const working = await runCli(['campaign', 'status', id], { env });
    expect(working.stdout).toMatch(/^running, 1 worker\(s\), \d+ items\/min$/m);

    worker.child.kill('SIGKILL');
    await worker.exited;
    const dead = await runCli(['campaign', 'status', id], { env: lockEnv });
    expect(dead.code, dead.stderr).toBe(0);
    expect(dead.stdout).toMatch(
      /^running, no worker alive for this foundation's campaign queue \((last item finished \d+s ago|no item finished yet)\): waiting for a worker of .*'cf-shares campaign resume /m,
    );
    expect(dead.stdout).toMatch(
      /[1-9]\d* item\(s\) held by a worker that is gone come back when their lock expires \(in \d+ s\)/,
    );
    expect(dead.stdout).not.toMatch(/ETA|items\/s/);
    expect(dead.stdout).toMatch(/not progressing/);

    await slowUnshares(sim, 0);
    const resume = track(startCli(['campaign', 'resume', id], lockEnv));
    // Before any lock expires, resume has already said what it did and what it waits for: no silence.
    const said = await waitFor('resume to say what it waits for', async () =>
      /^working it in this process/m.test(resume.stdout()) ? resume.stdout() : undefined,
    );
    expect(said).toMatch(
      /^requeued 0 item\(s\) with no job left; items still queued or running keep their jobs \([1-9]\d* active\)$/m,
    );
    expect(said).toMatch(
      /^[1-9]\d* item\(s\) held by a worker that is gone come back when their lock expires \(in \d+ s\) and a worker's stalled-job check \(every 10 s\) requeues them$/m,
    );
    const end = await resume.exited;
    expect([0, 3], resume.stderr()).toContain(end.code);
    await expectOneOutcomePerItem(sim, env, id, dir, planned);
  }, 150_000);
});

describe('SIGINT to unshare-all while it plans', () => {
  it('starts no campaign: one line, exit 130, nothing written to CC or Redis', async () => {
    const { sim, env, prefix } = await fresh('plan-int');
    const listRoute = 'GET /v3/service_instances';
    await fetch(`${sim.api}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 3000, routes: [listRoute] }),
    });
    await fetch(`${sim.api}/_sim/requests/reset`, { method: 'POST' });
    const run = track(startCli(['unshare-all', '--yes', '--disable-flag'], env));
    // The crawl has asked for the instances (counted on arrival, answered 3 s later): the plan is being made.
    await waitFor('the plan crawl', async () => {
      const counts = (await (await fetch(`${sim.api}/_sim/requests`)).json()) as { byRoute: Record<string, number> };
      return (counts.byRoute[listRoute] ?? 0) > 0;
    });
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toEqual({ code: 130, signal: null });
    expect(messages(run.stderr())).toEqual(['cf-shares: interrupted before the campaign started: nothing was changed']);
    const { writes } = (await (await fetch(`${sim.api}/_sim/writes`)).json()) as { writes: unknown[] };
    expect(writes).toEqual([]);
    expect(await redis.keys(`*${prefix}*campaigns*`)).toEqual([]);
  }, 60_000);
});
