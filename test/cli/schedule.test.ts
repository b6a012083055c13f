import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runCli, startSimProcess, cliEnv, REPO_ROOT, type SimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis-prefix.js';

let sim: SimProcess;
let redis: Redis;
let dir: string;
const prefix = uniquePrefix('schedule');

beforeAll(async () => {
  sim = await startSimProcess(['--seed', '3', '--spaces', '12', '--instances', '80']);
  redis = new Redis(REDIS_URL);
  dir = await mkdtemp(join(tmpdir(), 'cf-shares-schedule-'));
});
afterAll(async () => {
  await sim?.stop();
  await dropPrefix(redis, prefix);
  redis?.disconnect();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = { REDIS_URL, CF_SHARES_PREFIX: prefix };

describe('cf-shares schedule', () => {
  it('stores a schedule that a worker runs, writing each report to its --reports-dir, until removed', async () => {
    // Six fields: every two seconds, so the test sees a tick without waiting for a minute.
    // A schedule names its foundation (no credentials: the workers of that foundation have them).
    const unnamed = await runCli(
      ['schedule', 'add', 'tick', '--cron', '*/2 * * * * *', '--', 'export', '--since', '1d'],
      { env },
    );
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(/name the foundation the schedule is for/);
    const added = await runCli(
      ['schedule', 'add', 'tick', '--cron', '*/2 * * * * *', '--api', sim.api, '--', 'export', '--since', '1d'],
      { env },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const listed = await runCli(['schedule', 'list', '--json'], { env });
    expect(JSON.parse(listed.stdout.trim())).toMatchObject({
      name: 'tick',
      api: new URL(sim.api).href.replace(/\/$/, ''),
      kind: 'export',
      cron: '*/2 * * * * *',
      tz: null,
    });

    const worker = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--reports-dir', dir], {
      cwd: REPO_ROOT,
      env: cliEnv({ ...env, CF_API: sim.api, CF_CLIENT_ID: sim.clientId, CF_CLIENT_SECRET: sim.clientSecret }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const deadline = Date.now() + 40_000;
      let runs: string[] = [];
      while (Date.now() < deadline) {
        runs = await readdir(join(dir, 'tick')).catch(() => []);
        if (runs.length > 0 && (await readdir(join(dir, 'tick', runs[0]!))).includes('manifest.json')) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(runs.length, stderr).toBeGreaterThan(0);
      const manifest = JSON.parse(await readFile(join(dir, 'tick', runs[0]!, 'manifest.json'), 'utf8'));
      expect(Date.parse(manifest.window.until) - Date.parse(manifest.window.since)).toBe(86_400_000);
    } finally {
      const removed = await runCli(['schedule', 'remove', 'tick'], { env });
      expect(removed.stdout).toBe('schedule tick removed\n');
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    expect((await runCli(['schedule', 'list'], { env })).stdout).toBe('no schedules under this prefix\n');
  });

  it.each([
    [
      'a bad cron',
      ['schedule', 'add', 'x', '--cron', '61 * * * *', '--', 'report'],
      /^cf-shares: --cron '61 \* \* \* \*' is not a valid cron expression/,
    ],
    [
      'an unknown time zone',
      ['schedule', 'add', 'x', '--cron', '0 2 * * *', '--tz', 'Mars/Base', '--', 'report'],
      /^cf-shares: --tz 'Mars\/Base' is not a known time zone/,
    ],
    ['nothing to run', ['schedule', 'add', 'x', '--cron', '0 2 * * *'], /^cf-shares: after '--' name what to run/],
    [
      'an option schedules cannot use',
      ['schedule', 'add', 'x', '--cron', '0 2 * * *', '--', 'report', '--fail-on', 'high'],
      /not --fail-on high/,
    ],
    ['an unknown schedule', ['schedule', 'remove', 'nope'], /^cf-shares: no schedule named 'nope'/],
  ])('refuses %s with exit 2', async (_name, args, line) => {
    const result = await runCli(args, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(line);
  });
});
