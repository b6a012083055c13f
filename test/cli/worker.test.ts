import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { QueueName, queueNameFor } from '../../src/core/queue-names.js';
import { runCli, startSimProcess, cliEnv, REPO_ROOT } from '../helpers/run-cli.js';
import { REDIS_URL, dumpPrefix } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';

interface Truth {
  shares: unknown[];
}

const suite = cliSuite('worker', () => startSimProcess(['--seed', '7', '--spaces', '40', '--instances', '300']));
let truth: Truth;

const env = (prefix: string, extra: Record<string, string> = {}) => ({
  CF_API: suite.sim.api,
  CF_USERNAME: suite.sim.username,
  CF_PASSWORD: suite.sim.password,
  REDIS_URL,
  CF_SHARES_PREFIX: prefix,
  ...extra,
});

beforeAll(async () => {
  truth = (await (await fetch(`${suite.sim.api}/_sim/truth`)).json()) as Truth;
});

describe('cf-shares worker', () => {
  it('runs a job enqueued with --detach by another process, and stops cleanly on SIGTERM', async () => {
    const prefix = suite.prefix('detach');
    const enqueued = await runCli(['report', '--detach'], { env: env(prefix) });
    expect(enqueued.code).toBe(0);
    const jobId = /^job: (\S+)$/m.exec(enqueued.stdout)?.[1];
    expect(jobId).toBeDefined();

    const queue = new Queue(queueNameFor(QueueName.report, suite.sim.api), {
      connection: { url: REDIS_URL },
      prefix: `{${prefix}}`,
    });
    try {
      expect(await queue.getJobState(jobId!)).toBe('waiting');
      // A job nobody can serve waits, and the listing says for whom.
      const listed = await runCli(['reports', 'list'], { env: env(prefix) });
      expect(listed.stdout).toContain(
        `1 queued, 0 running report job(s): waiting for a worker of ${new URL(suite.sim.api).href.replace(/\/$/, '')}`,
      );
      const worker = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--log-level', 'info'], {
        cwd: REPO_ROOT,
        env: cliEnv(env(prefix)),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      worker.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      const deadline = Date.now() + 30_000;
      while ((await queue.getJobState(jobId!)) !== 'completed' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      const job = await queue.getJob(jobId!);
      expect(job?.returnvalue.summary.shares).toBe(truth.shares.length);

      // The report is reachable from any machine sharing the Redis.
      const fetched = await runCli(
        ['reports', 'get', job!.returnvalue.reportId, '--out', join(suite.dir, 'from-worker')],
        { env: env(prefix) },
      );
      // Seven stored files and report.html, rendered from them as they are written (it is not stored).
      expect(fetched.stdout).toBe(`8 files written to ${join(suite.dir, 'from-worker')}\n`);
      expect(await readFile(join(suite.dir, 'from-worker', 'report.html'), 'utf8')).toContain('<!doctype html>');

      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toContain('"msg":"stopped"');
    } finally {
      await queue.close();
    }
  });

  it('keeps secrets out of output, logs and Redis, even with failing requests and trace logging', async () => {
    const prefix = suite.prefix('secrets');
    await fetch(`${suite.sim.api}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0.2 }),
    });
    try {
      const result = await runCli(
        ['report', '--json', '--inspect-credentials', '--out', join(suite.dir, 'secrets'), '--log-level', 'trace'],
        { env: env(prefix) },
      );
      expect(result.code).toBe(0);
      const everything = `${result.stdout}\n${result.stderr}\n${await dumpPrefix(suite.redis, prefix)}`;
      expect(result.stderr).toMatch(/retrying/);
      expect(everything).not.toContain(suite.sim.password);
      expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+/); // no JWT, access or refresh
      expect(everything.toLowerCase()).not.toContain('bearer ');
      // Binding credentials were read for endpoints; none of their secrets may be kept.
      expect(everything).not.toMatch(/"password"\s*:\s*"(?!\[Redacted\])/);
    } finally {
      await fetch(`${suite.sim.api}/_sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    }
  });
});

describe('bad input gets one line and the right exit code', () => {
  it.each([
    ['no API', ['report'], {}, 2, /^cf-shares: no Cloud Controller API given/],
    ['unknown flag', ['report', '--nope'], {}, 2, /^cf-shares: Unknown argument: nope/],
    ['unknown command', ['reprot'], {}, 2, /^cf-shares: unknown command 'reprot'. Did you mean report\?/],
    [
      'bad redis URL',
      ['report', '--api', 'http://127.0.0.1:9', '--username', 'u', '--password', 'p', '--redis', 'http://x'],
      {},
      2,
      /--redis\/REDIS_URL must start with redis:\/\//,
    ],
    [
      'Redis down',
      ['report', '--redis', 'redis://127.0.0.1:1'],
      { withSim: true },
      1,
      /^cf-shares: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connection refused .*\[ECONNREFUSED\]\n$/,
    ],
    [
      'wrong password',
      ['report'],
      { withSim: true, password: 'not-the-password' },
      1,
      /^cf-shares: UAA rejected the login of user "admin"/,
    ],
    [
      'API down',
      ['report', '--api', 'http://127.0.0.1:1'],
      { withSim: true },
      1,
      /^cf-shares: cannot reach http:\/\/127\.0\.0\.1:1/,
    ],
  ])('%s', async (_name, args, options: { withSim?: boolean; password?: string }, code, line) => {
    const prefix = suite.prefix('bad');
    const extra = options.withSim
      ? { ...env(prefix), ...(options.password && { CF_PASSWORD: options.password }) }
      : { REDIS_URL, CF_SHARES_PREFIX: prefix };
    const result = await runCli(args, { env: extra });
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(line);
    if (options.password) expect(result.stderr).not.toContain(options.password);
  });
});
