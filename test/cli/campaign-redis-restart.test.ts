import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedis } from '../helpers/redis-server.js';
import { runCli, startSimProcess, cliEnv, REPO_ROOT, type SimProcess } from '../helpers/run-cli.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('a campaign survives a Redis restart', () => {
  it('completes with one outcome per item after Redis is killed and started again from its append-only file', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'cf-shares-aof-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    let redis = await startRedis(port, dir);
    cleanups.push(async () => redis.kill('SIGKILL'));
    const sim: SimProcess = await startSimProcess(['--seed', '33', '--spaces', '16', '--instances', '90']);
    cleanups.push(() => sim.stop());
    const planned = (await (await fetch(`${sim.api}/_sim/truth`)).json()) as { shares: unknown[] };
    const env = {
      CF_API: sim.api,
      CF_USERNAME: sim.username,
      CF_PASSWORD: sim.password,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      CF_SHARES_PREFIX: 'aof',
    };

    const started = await runCli(
      [
        'unshare-all',
        '--yes',
        '--disable-flag',
        '--detach',
        '--rate',
        '10',
        '--retry-delay',
        '1',
        '--max-attempts',
        '4',
      ],
      { env },
    );
    expect(started.code, started.stderr).toBe(0);
    const id = /^campaign: (\S+)$/m.exec(started.stdout)![1]!;
    const startWorker = (): ChildProcess =>
      spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--log-level', 'warn'], {
        cwd: REPO_ROOT,
        env: cliEnv({ ...env, CF_SHARES_LOCK_MS: '1500' }),
        stdio: 'ignore',
      });
    let worker = startWorker();
    cleanups.push(async () => worker.kill('SIGKILL'));
    await new Promise((r) => setTimeout(r, 2500));

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    await new Promise((r) => setTimeout(r, 1000));
    redis = await startRedis(port, dir);
    if (worker.exitCode !== null || worker.signalCode !== null) worker = startWorker();

    const deadline = Date.now() + 80_000;
    let status = { status: '', finished: 0, total: 0 };
    while (Date.now() < deadline) {
      const result = await runCli(['campaign', 'status', id, '--json'], { env });
      if (result.code === 0) status = JSON.parse(result.stdout);
      if (status.status === 'done') break;
      if (worker.exitCode !== null || worker.signalCode !== null) worker = startWorker();
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(status).toMatchObject({ status: 'done', total: planned.shares.length, finished: planned.shares.length });
    const out = join(dir, 'report');
    expect((await runCli(['campaign', 'report', id, '--out', out], { env })).code).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'campaign.json'), 'utf8')) as {
      items: Array<{ outcome: string; instance_guid: string; target_space_guid: string }>;
    };
    const remaining = new Set(
      (
        (await (await fetch(`${sim.api}/_sim/truth`)).json()) as {
          shares: Array<{ instance_guid: string; target_space_guid: string }>;
        }
      ).shares.map((s) => `${s.instance_guid} ${s.target_space_guid}`),
    );
    expect(
      new Set(
        report.items.filter((i) => i.outcome === 'blocked').map((i) => `${i.instance_guid} ${i.target_space_guid}`),
      ),
    ).toEqual(remaining);
    expect(report.items.every((i) => ['unshared', 'already_unshared', 'blocked'].includes(i.outcome))).toBe(true);
  }, 120_000);
});
