import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { runCli, startSimProcess, cliEnv, REPO_ROOT, type SimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dropPrefix, dumpPrefix, uniquePrefix } from '../helpers/redis-prefix.js';

interface Truth {
  shares: Array<{ instance_guid: string; target_space_guid: string; source_org_guid: string; target_org_guid: string }>;
  shared_instance_guids: string[];
}

let sim: SimProcess;
let truth: Truth;
let redis: Redis;
const prefixes: string[] = [];

const env = (prefix: string, extra: Record<string, string> = {}) => ({
  CF_API: sim.api,
  CF_USERNAME: sim.username,
  CF_PASSWORD: sim.password,
  REDIS_URL,
  CF_SHARES_PREFIX: prefix,
  ...extra,
});

beforeAll(async () => {
  sim = await startSimProcess(['--seed', '7', '--spaces', '40', '--instances', '300']);
  truth = (await (await fetch(`${sim.api}/_sim/truth`)).json()) as Truth;
  redis = new Redis(REDIS_URL);
});

afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await dropPrefix(redis, prefix);
});

afterAll(async () => {
  await sim?.stop();
  redis?.disconnect();
});

describe('cf-shares crawl', () => {
  it('finds exactly the shares the simulator holds, through a job on Redis', async () => {
    const prefix = uniquePrefix('crawl');
    prefixes.push(prefix);
    const result = await runCli(['crawl', '--json'], { env: env(prefix) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, number | string | boolean>;
    expect(summary.shares).toBe(truth.shares.length);
    expect(summary.sharedInstances).toBe(truth.shared_instance_guids.length);
    expect(summary.crossOrgShares).toBe(truth.shares.filter((s) => s.source_org_guid !== s.target_org_guid).length);
    expect(summary.sharingFlagEnabled).toBe(true);
    expect(truth.shares.length).toBeGreaterThan(10);
  });

  it('with --detach leaves the job to a separate worker process, which runs it and stops cleanly on SIGTERM', async () => {
    const prefix = uniquePrefix('detach');
    prefixes.push(prefix);
    const enqueued = await runCli(['crawl', '--detach'], { env: env(prefix) });
    expect(enqueued.code).toBe(0);
    const jobId = /^job: (\S+)$/m.exec(enqueued.stdout)?.[1];
    expect(jobId).toBeDefined();

    const queue = new Queue('crawl', { connection: { url: REDIS_URL }, prefix: `{${prefix}}` });
    try {
      expect(await queue.getJobState(jobId!)).toBe('waiting');
      const worker = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--log-level', 'info'], { cwd: REPO_ROOT, env: cliEnv(env(prefix)), stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      worker.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      const deadline = Date.now() + 30_000;
      while ((await queue.getJobState(jobId!)) !== 'completed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const job = await queue.getJob(jobId!);
      expect(job?.returnvalue.shares).toBe(truth.shares.length);
      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toContain('"msg":"stopped"');
    } finally {
      await queue.close();
    }
  });

  it('keeps secrets out of output, logs and Redis, even with failing requests and trace logging', async () => {
    const prefix = uniquePrefix('secrets');
    prefixes.push(prefix);
    await fetch(`${sim.api}/_sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 0.2 }) });
    try {
      const result = await runCli(['crawl', '--json', '--log-level', 'trace'], { env: env(prefix) });
      expect(result.code).toBe(0);
      const everything = `${result.stdout}\n${result.stderr}\n${await dumpPrefix(redis, prefix)}`;
      expect(result.stderr).toMatch(/retry/i);
      expect(everything).not.toContain(sim.password);
      expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+/); // no JWT, access or refresh
      expect(everything.toLowerCase()).not.toContain('bearer ');
    } finally {
      await fetch(`${sim.api}/_sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    }
  });
});

describe('bad input gets one line and the right exit code', () => {
  it.each([
    ['no API', ['crawl'], {}, 2, /^cf-shares: no Cloud Controller API given/],
    ['unknown flag', ['crawl', '--nope'], {}, 2, /^cf-shares: Unknown argument: nope/],
    ['bad redis URL', ['crawl', '--api', 'http://127.0.0.1:9', '--username', 'u', '--password', 'p', '--redis', 'http://x'], {}, 2, /--redis\/REDIS_URL must start with redis:\/\//],
    ['Redis down', ['crawl', '--redis', 'redis://127.0.0.1:1'], { withSim: true }, 1, /^cf-shares: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED/],
    ['wrong password', ['crawl'], { withSim: true, password: 'not-the-password' }, 1, /^cf-shares: UAA rejected the login of user "admin"/],
  ])('%s', async (_name, args, options: { withSim?: boolean; password?: string }, code, line) => {
    const prefix = uniquePrefix('bad');
    prefixes.push(prefix);
    const extra = options.withSim ? { ...env(prefix), ...(options.password && { CF_PASSWORD: options.password }) } : { REDIS_URL, CF_SHARES_PREFIX: prefix };
    const result = await runCli(args, { env: extra });
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(line);
    if (options.password) expect(result.stderr).not.toContain(options.password);
  });
});
