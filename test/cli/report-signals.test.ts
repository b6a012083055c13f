import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { REPO_ROOT, cliEnv, runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { QueueName, bullPrefix, queueNameFor } from '../../src/core/queue-names.js';

const suite = cliSuite('report-signals', () => startSimProcess(['--seed', '6', '--spaces', '12', '--instances', '80']));
/** Each shared-spaces read takes this long, so the crawl is surely in that step when the signal arrives. */
const LATENCY_MS = 3000;
const setFaults = (faults: object) =>
  fetch(`${suite.sim.api}/_sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });

describe('cf-shares report interrupted mid-crawl', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s ends it promptly with one line saying the job was stopped; exit 130',
    async (signal) => {
      const prefix = suite.prefix(signal.toLowerCase());
      await setFaults({
        latencyMs: LATENCY_MS,
        routes: ['GET /v3/service_instances/:guid/relationships/shared_spaces'],
      });
      try {
        const child = spawn(process.execPath, ['bin/cf-shares.js', 'report', '--out', join(suite.dir, signal)], {
          cwd: REPO_ROOT,
          env: cliEnv({
            CF_API: suite.sim.api,
            CF_CLIENT_ID: suite.sim.clientId,
            CF_CLIENT_SECRET: suite.sim.clientSecret,
            REDIS_URL,
            CF_SHARES_PREFIX: prefix,
          }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        // The listings are done and the slow shared-spaces reads have started: the crawl is in the middle.
        await new Promise<void>((resolve) =>
          child.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk.toString();
            if (stderr.includes('progress: instance listings')) resolve();
          }),
        );
        const sent = Date.now();
        child.kill(signal);
        const code = await exited;
        // Promptly: the line comes at once; requests already in flight may finish (at most one latency).
        expect(Date.now() - sent).toBeLessThan(LATENCY_MS + 2000);
        expect(code, stderr).toBe(130);
        const jobId = /^job: (\d+)$/m.exec(stdout)?.[1];
        const lines = stderr.trim().split('\n');
        expect(lines.filter((line) => line.startsWith('cf-shares:'))).toHaveLength(1);
        expect(lines.at(-1)).toMatch(
          new RegExp(
            `^cf-shares: interrupted report job ${jobId} \\(during (instance listings|shared spaces of shared instances) \\d+/\\d+\\): the job was stopped and stored no report \\(see cf-shares reports list\\)$`,
          ),
        );
        // The job is really stopped (failed, with the reason), not left running or to be taken over as stalled.
        const queue = new Queue(queueNameFor(QueueName.report, suite.sim.api), {
          connection: { url: REDIS_URL },
          prefix: bullPrefix(prefix),
        });
        try {
          expect(await queue.getJobState(jobId!)).toBe('failed');
          expect((await queue.getJob(jobId!))?.failedReason).toMatch(/^cancelled during the crawl/);
        } finally {
          await queue.close();
        }
        const listed = await runCli(['reports', 'list', '--json'], { env: { REDIS_URL, CF_SHARES_PREFIX: prefix } });
        expect(listed.stdout).toBe('');
      } finally {
        await setFaults({});
      }
    },
  );
});
