import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { QueueName, queueNameFor } from '../../src/core/queue-names.js';
import { ReportStore } from '../../src/features/report/report-store.js';
import type { Truth } from '../../src/sim/truth.js';
import { cliEnv, REPO_ROOT, runCli, startSimProcess, type SimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dumpPrefix } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';

/** Two foundations: two simulator processes with different seeds. */
const suite = cliSuite('fleet', async () => {
  const [a, b] = await Promise.all([
    startSimProcess(['--seed', '21', '--spaces', '20', '--instances', '150']),
    startSimProcess(['--seed', '22', '--spaces', '24', '--instances', '180']),
  ]);
  return { a: a!, b: b!, stop: () => Promise.all([a!.stop(), b!.stop()]).then(() => undefined) };
});

const truthOf = async (sim: SimProcess): Promise<Truth> =>
  (await (await fetch(`${sim.api}/_sim/truth`)).json()) as Truth;

/**
 * A fleet file whose credentials come from environment variables (a: a client) and a secret file (b: a user's
 * password, with the newline secret files usually end in), and the environment that goes with it.
 */
async function fleetSetup(name: string): Promise<{ file: string; env: Record<string, string>; secrets: string[] }> {
  const secretFile = join(suite.dir, `${name}-b.secret`);
  await writeFile(secretFile, `${suite.sim.b.password}\n`);
  const file = join(suite.dir, `${name}.yaml`);
  await writeFile(
    file,
    [
      'foundations:',
      '  - name: a',
      `    api: ${suite.sim.a.api}/`,
      '    client_id_env: FLEET_A_CLIENT_ID',
      '    client_secret_env: FLEET_A_CLIENT_SECRET',
      '  - name: b',
      `    api: ${suite.sim.b.api}`,
      '    username_env: FLEET_B_USER',
      `    password_file: ${secretFile}`,
      '',
    ].join('\n'),
  );
  const env = {
    REDIS_URL,
    CF_SHARES_PREFIX: suite.prefix(name),
    CF_SHARES_FOUNDATIONS: file,
    FLEET_A_CLIENT_ID: suite.sim.a.clientId,
    FLEET_A_CLIENT_SECRET: suite.sim.a.clientSecret,
    FLEET_B_USER: suite.sim.b.username,
  };
  return { file, env, secrets: [suite.sim.a.clientSecret, suite.sim.b.password] };
}

/** `cf-shares worker --foundations FILE` as a real process, its log collected. */
function startFleetWorker(file: string, env: Record<string, string>): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--foundations', file, '--log-level', 'debug'], {
    cwd: REPO_ROOT,
    env: cliEnv({ ...env, CF_SHARES_FOUNDATIONS: undefined }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  return { child, log: () => log };
}

async function stopWorker(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

/** The job ids `report --foundation all --detach` printed, by foundation. */
function detachedJobs(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^(\S+) {2}job (\S+) queued for /gm)].map((m) => [m[1]!, m[2]!]));
}

/** Waits until a job of a foundation's report queue is completed or failed, and returns the job. */
async function finished(prefix: string, api: string, jobId: string) {
  const queue = new Queue(queueNameFor(QueueName.report, api), {
    connection: { url: REDIS_URL },
    prefix: `{${prefix}}`,
  });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') return (await queue.getJob(jobId))!;
      if (Date.now() > deadline) throw new Error(`job ${jobId} of ${api} still ${state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await queue.close();
  }
}

const edges = (shares: Array<{ instance: { guid: string }; target: { space_guid: string } }>) =>
  shares.map((s) => `${s.instance.guid} ${s.target.space_guid}`).sort();

describe('fleet file on the command line', () => {
  it.each([
    ['an inline secret', '    client_secret: hunter2-inline\n', "'client_secret' would put a credential in the file"],
    ['an unknown key', '    region: eu\n', "unknown key 'region'"],
  ])('refuses %s with one line and exit 2', async (_, extra, expected) => {
    const file = join(suite.dir, `bad-${extra.length}.yaml`);
    await writeFile(file, `foundations:\n  - name: a\n    api: ${suite.sim.a.api}\n${extra}`);
    const result = await runCli(['report', '--foundations', file, '--foundation', 'a'], {
      env: { REDIS_URL, CF_SHARES_PREFIX: suite.prefix('bad') },
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(expected);
    expect(result.stderr).not.toContain('hunter2-inline');
  });

  it('names the environment variable a foundation needs and is not set', async () => {
    const { env } = await fleetSetup('missing-var');
    const result = await runCli(['reports', 'list'], { env });
    expect(result.code).toBe(0); // listings need no credentials
    const missing = await runCli(['report', '--foundation', 'a', '--detach'], {
      env: { ...env, FLEET_A_CLIENT_SECRET: undefined },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'cf-shares: foundation a: client_secret_env names FLEET_A_CLIENT_SECRET, which is not set in the environment\n',
    );
  });
});

describe('schedules of a fleet', () => {
  it('adds a schedule to every foundation with --foundation all, and lists one foundation with --foundation', async () => {
    const { env } = await fleetSetup('schedules');
    const added = await runCli(
      ['schedule', 'add', 'nightly', '--cron', '0 2 * * *', '--foundation', 'all', '--', 'report'],
      {
        env,
      },
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`schedule nightly for ${suite.sim.a.api}: report at '0 2 * * *'`);
    expect(added.stdout).toContain(`schedule nightly for ${suite.sim.b.api}: report at '0 2 * * *'`);
    const listed = await runCli(['schedule', 'list', '--foundation', 'b', '--json'], { env });
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).api),
    ).toEqual([suite.sim.b.api]);
    const removed = await runCli(['schedule', 'remove', 'nightly', '--foundation', 'a'], { env });
    expect(removed.code, removed.stderr).toBe(0);
    const left = await runCli(['schedule', 'list', '--json'], { env });
    expect(
      left.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).api),
    ).toEqual([suite.sim.b.api]);
  });
});

describe('one worker for a fleet', () => {
  it('runs a report of every foundation, each against its own simulator, and the fleet view shows both; no secret leaks', async () => {
    const { file, env, secrets } = await fleetSetup('fleet');
    const prefix = env.CF_SHARES_PREFIX!;
    const worker = startFleetWorker(file, env);
    const printed: string[] = [];
    const run = async (args: string[]) => {
      const result = await runCli([...args, '--log-level', 'debug'], { env });
      printed.push(result.stdout, result.stderr);
      return result;
    };
    try {
      const enqueued = await run(['report', '--foundation', 'all', '--detach']);
      expect(enqueued.code, enqueued.stderr).toBe(0);
      const jobs = detachedJobs(enqueued.stdout);
      expect(Object.keys(jobs)).toEqual(['a', 'b']);
      const store = new ReportStore(suite.redis, prefix);
      for (const [name, sim] of [
        ['a', suite.sim.a],
        ['b', suite.sim.b],
      ] as const) {
        const job = await finished(prefix, sim.api, jobs[name]!);
        expect(job.failedReason, worker.log()).toBeUndefined();
        const truth = await truthOf(sim);
        expect(job.returnvalue.api).toBe(sim.api);
        expect(job.returnvalue.summary.shares).toBe(truth.counts.shares);
        // The stored report of each foundation is that simulator's, share by share.
        const report = JSON.parse((await store.files(job.returnvalue.reportId))!['report.json']!);
        expect(report.api).toBe(sim.api);
        expect(edges(report.shares)).toEqual(
          truth.shares.map((s) => `${s.instance_guid} ${s.target_space_guid}`).sort(),
        );
      }

      const view = await run(['fleet', '--json']);
      expect(view.code).toBe(0);
      const { rows } = JSON.parse(view.stdout);
      expect(rows.map((r: { foundation: string }) => r.foundation)).toEqual(['a', 'b']);
      for (const [row, sim] of [
        [rows[0], suite.sim.a],
        [rows[1], suite.sim.b],
      ] as const) {
        const truth = await truthOf(sim);
        expect(row).toMatchObject({
          api: sim.api,
          status: 'ok',
          stale: false,
          shares: truth.counts.shares,
          shared_instances: truth.counts.shared_instances,
          added: truth.counts.shares, // a first report: every share is new
          removed: 0,
        });
        expect(row.report_id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}-\d+$/);
        expect(Object.keys(row.findings)).toEqual(['high', 'medium', 'low', 'info']);
      }

      // The table, fleet.json and fleet.csv say the same.
      const out = join(suite.dir, 'fleet-out');
      const table = await run(['fleet', '--out', out]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`^a +${rows[0].report_at} +\\S+ +${rows[0].shares} +`, 'm'));
      expect(table.stdout).toMatch(new RegExp(`^b +${rows[1].report_at} +\\S+ +${rows[1].shares} +`, 'm'));
      const written = JSON.parse(await readFile(join(out, 'fleet.json'), 'utf8'));
      const withoutAge = (r: Record<string, unknown>) => ({ ...r, age_seconds: undefined });
      expect(written.rows.map(withoutAge)).toEqual(rows.map(withoutAge));
      const csv = (await readFile(join(out, 'fleet.csv'), 'utf8')).trim().split('\r\n');
      expect(csv[0]).toBe(
        'foundation,api,status,report_id,report_at,age_seconds,stale,shares,shared_instances,added,removed,high,medium,low,info,broker_proxies,broker_originals_elsewhere',
      );
      expect(csv[1]).toContain(`a,${suite.sim.a.api},ok,${rows[0].report_id},`);

      // --fail-on as report does it: exit 3 when a foundation has a finding that bad.
      const gate = await run(['fleet', '--fail-on', 'info']);
      expect(gate.code).toBe(rows.some((r: { findings: { info: number } }) => r.findings.info > 0) ? 3 : 0);

      // Listings per foundation.
      const listed = await run(['reports', 'list', '--foundation', 'a', '--json']);
      const ids = listed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string; api: string });
      expect(ids.map((r) => r.api)).toEqual([suite.sim.a.api]);
      const other = await run([
        'reports',
        'get',
        rows[1].report_id,
        '--foundation',
        'a',
        '--out',
        join(suite.dir, 'x'),
      ]);
      expect(other.code).toBe(2);
      expect(other.stderr).toContain(`no stored report '${rows[1].report_id}' of ${suite.sim.a.api}`);
      const got = await run([
        'reports',
        'get',
        rows[1].report_id,
        '--foundation',
        'b',
        '--out',
        join(suite.dir, 'got'),
      ]);
      expect(got.code).toBe(0);

      // Secrets: not printed, not logged (debug), not in Redis, not in any file written.
      expect(await stopWorker(worker.child)).toBe(0);
      expect(worker.log()).toContain('"msg":"fleet worker ready"');
      const files = [];
      for (const dir of [out, join(suite.dir, 'got')])
        for (const name of await readdir(dir)) files.push(await readFile(join(dir, name), 'utf8'));
      const everything = [...printed, worker.log(), await dumpPrefix(suite.redis, prefix), ...files].join('\n');
      for (const secret of secrets) expect(everything).not.toContain(secret);
      expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    } finally {
      await stopWorker(worker.child);
    }
  });

  it('exports every foundation, plans and lists campaigns per foundation, and views stored foundations without a file', async () => {
    const { env } = await fleetSetup('export');
    const out = join(suite.dir, 'export-all');
    const exported = await runCli(['export', '--foundation', 'all', '--out', out, '--since', '2d'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^a {2}export \S+: \d+ shares of \d+ instances .*, audit events since /m);
    expect(exported.stdout).toMatch(/^b {2}export \S+: /m);
    for (const [name, sim] of [
      ['a', suite.sim.a],
      ['b', suite.sim.b],
    ] as const) {
      const manifest = JSON.parse(await readFile(join(out, name, 'manifest.json'), 'utf8'));
      expect(manifest.api).toBe(sim.api);
    }

    const planOut = join(suite.dir, 'plan-b');
    const plan = await runCli(['unshare-all', '--foundation', 'b', '--dry-run', '--out', planOut], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(planOut, 'plan.json'), 'utf8')).api).toBe(suite.sim.b.api);
    const campaigns = await runCli(['campaign', 'list', '--foundation', 'a'], { env });
    expect(campaigns.stdout).toBe(`no campaigns under this prefix for ${suite.sim.a.api}\n`);

    // No fleet file: every foundation with a stored report, named by its API's host.
    const view = await runCli(['fleet', '--json'], { env: { ...env, CF_SHARES_FOUNDATIONS: undefined } });
    expect(view.code, view.stderr).toBe(0);
    const hosts = JSON.parse(view.stdout).rows.map((r: { foundation: string }) => r.foundation);
    expect(hosts).toEqual([new URL(suite.sim.a.api).host, new URL(suite.sim.b.api).host].sort());
  });

  it('goes on when one foundation is down: the other gets its report, the failed one says why', async () => {
    const { file, env } = await fleetSetup('down');
    const prefix = env.CF_SHARES_PREFIX!;
    // Queued while both are up (the command logs in before it queues), then b goes down before any worker runs.
    const enqueued = await runCli(['report', '--foundation', 'all', '--detach'], { env });
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const jobs = detachedJobs(enqueued.stdout);
    await suite.sim.b.stop();

    const worker = startFleetWorker(file, env);
    try {
      const a = await finished(prefix, suite.sim.a.api, jobs.a!);
      expect(a.returnvalue.summary.shares).toBe((await truthOf(suite.sim.a)).counts.shares);
      const b = await finished(prefix, suite.sim.b.api, jobs.b!);
      expect(b.failedReason).toMatch(
        new RegExp(`^cannot log in to foundation b \\(${suite.sim.b.api}\\): cannot reach ${suite.sim.b.api}`),
      );
    } finally {
      expect(await stopWorker(worker.child)).toBe(0);
    }

    // In the foreground: a's line, b's reason, and the worst exit code (1: a foundation got no report).
    const result = await runCli(['report', '--foundation', 'all', '--out', join(suite.dir, 'down-out')], { env });
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^a {2}report \S+: \d+ shares of \d+ instances/);
    expect(lines[1]).toMatch(new RegExp(`^b {2}failed: cannot reach ${suite.sim.b.api}`));
    expect(await readdir(join(suite.dir, 'down-out', 'a'))).toContain('report.json');

    // The fleet view: b has no report yet, and a gate on it fails (exit 3) naming why.
    const view = await runCli(['fleet', '--json'], { env });
    const { rows } = JSON.parse(view.stdout);
    expect(rows[1]).toMatchObject({ foundation: 'b', status: 'no report yet', report_id: null, shares: null });
    const gate = await runCli(['fleet', '--fail-on', 'high', '--foundation', 'b'], { env });
    expect(gate.code).toBe(3);
    expect(gate.stderr).toBe('cf-shares: --fail-on high: b: no report yet\n');
    expect(gate.stdout).toMatch(/^b .* no report yet /m);
  });
});
