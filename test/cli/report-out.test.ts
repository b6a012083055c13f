import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';

const suite = cliSuite('report-out', () => startSimProcess(['--seed', '4', '--spaces', '10', '--instances', '60']));
/** Nothing listens there: a command that touched Redis would fail with exit 1 and a Redis line, not exit 2. */
const NO_REDIS = 'redis://127.0.0.1:1';
const env = (prefix: string, redis = REDIS_URL) => ({
  CF_API: suite.sim.api,
  CF_CLIENT_ID: suite.sim.clientId,
  CF_CLIENT_SECRET: suite.sim.clientSecret,
  REDIS_URL: redis,
  CF_SHARES_PREFIX: prefix,
});
const requests = async (): Promise<number> =>
  ((await (await fetch(`${suite.sim.api}/_sim/requests`)).json()) as { total: number }).total;
const resetRequests = () => fetch(`${suite.sim.api}/_sim/requests/reset`, { method: 'POST' });

/** A read-only bind mount of a fresh folder (root writes through chmod 555, not through a read-only mount). */
let readOnly: string | undefined;
beforeAll(async () => {
  const dir = join(suite.dir, 'read-only');
  await mkdir(dir);
  try {
    execFileSync('mount', ['--bind', '-o', 'ro', dir, dir], { stdio: 'ignore' });
    readOnly = dir;
  } catch {
    readOnly = undefined; // no mount privilege here: that case is skipped
  }
});
afterAll(() => {
  if (readOnly) execFileSync('umount', [readOnly], { stdio: 'ignore' });
});

const commands: Array<[string, (out: string) => string[]]> = [
  ['report', (out) => ['report', '--out', out]],
  ['export', (out) => ['export', '--out', out]],
  ['reports get', (out) => ['reports', 'get', '20261101T020000Z-1', '--out', out]],
];

describe.each(commands)('cf-shares %s with an --out that cannot take files', (_name, argv) => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['/proc/x (procfs: Node’s recursive mkdir spins forever there)', () => '/proc/x', /it is on procfs/],
    ['a path under a regular file', () => join(suite.dir, 'a-file', 'x'), /'[^']*a-file' is a file, not a folder/],
    ['a regular file', () => join(suite.dir, 'a-file'), /'[^']*a-file' is a file, not a folder/],
  ];
  it.each(cases)('refuses %s: exit 2, one line, before Redis or any request to CC', async (_case, outOf, reason) => {
    await writeFile(join(suite.dir, 'a-file'), 'not a folder');
    await resetRequests();
    const out = outOf();
    const result = await runCli(argv(out), { env: env(suite.prefix('out'), NO_REDIS), timeoutMs: 30_000 });
    expect(result.signal, 'killed by the timeout: it hung').toBeNull();
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^cf-shares: cannot write to --out ${out.replace(/[/.]/g, '\\$&')}: .+\\n$`),
    );
    expect(result.stderr).toMatch(reason);
    expect(await requests()).toBe(0);
  });

  it('refuses a folder on a read-only file system (a read-only bind mount; skipped without mount privilege)', async (ctx) => {
    if (!readOnly) return ctx.skip();
    await resetRequests();
    const out = join(readOnly, 'reports');
    const result = await runCli(argv(out), { env: env(suite.prefix('out'), NO_REDIS), timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toBe(`cf-shares: cannot write to --out ${out}: read-only file system\n`);
    expect(await requests()).toBe(0);
  });
});

describe('cf-shares report --out', () => {
  it('creates a missing folder and leaves no probe file behind', async () => {
    const out = join(suite.dir, 'new', 'deep', 'folder');
    const result = await runCli(['report', '--out', out, '--json'], { env: env(suite.prefix('mk')) });
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'broker-shares.csv',
      'diff.json',
      'findings.csv',
      'keys.csv',
      'report.html',
      'report.json',
      'report.md',
      'shares.csv',
    ]);
  });

  it('when writing fails after the report is stored (disk full), says it is stored and how to fetch it; exit 1', async () => {
    const prefix = suite.prefix('full');
    const out = join(suite.dir, 'full');
    await mkdir(out);
    // /dev/full answers every write with ENOSPC: a disk that fills up after the folder passed its probe.
    await symlink('/dev/full', join(out, 'report.md'));
    const result = await runCli(['report', '--out', out], { env: env(prefix) });
    expect(result.code).toBe(1);
    const line = result.stderr.trim().split('\n').at(-1)!;
    const id =
      /^cf-shares: report (\S+) is stored in Redis, but writing it to (\S+) failed \(ENOSPC[^)]*\): cf-shares reports get (\S+) --out DIR fetches it$/.exec(
        line,
      );
    expect(id, line).not.toBeNull();
    expect(id![2]).toBe(out);
    expect(id![3]).toBe(id![1]);
    const fetched = await runCli(['reports', 'get', id![1]!, '--out', join(suite.dir, 'fetched')], {
      env: { REDIS_URL, CF_SHARES_PREFIX: prefix },
    });
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(await readFile(join(suite.dir, 'fetched', 'report.md'), 'utf8')).toMatch(/^# Service instance sharing/);
    await rm(out, { recursive: true });
  });
});

describe('cf-shares report --detach', () => {
  it('prints the job id and the next commands: a worker, reports list, reports get', async () => {
    const prefix = suite.prefix('detach');
    const result = await runCli(['report', '--detach'], { env: env(prefix) });
    expect(result.code, result.stderr).toBe(0);
    const api = new URL(suite.sim.api).href.replace(/\/$/, '');
    const [first, ...rest] = result.stdout.trimEnd().split('\n');
    expect(first).toMatch(/^job: (\d+)$/);
    const job = first!.slice('job: '.length);
    expect(rest.join('\n')).toBe(
      [
        `queued: a worker of ${api} runs it; start one if none is running: cf-shares worker (logged in to that API)`,
        `follow:  cf-shares reports list   (the report is listed once done, with an id ending in -${job})`,
        `fetch:   cf-shares reports get <id> --out DIR`,
      ].join('\n'),
    );
  });
});
