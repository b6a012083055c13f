import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, cliEnv, runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { ReportStore } from '../../src/features/report/report-store.js';

const suite = cliSuite('report-ids', () => startSimProcess(['--seed', '8', '--spaces', '10', '--instances', '50']));
const FILE_SAFE = /^[A-Za-z0-9._-]+$/;

describe('report ids are safe as file names', () => {
  it('a scheduled report gets a file-safe id: its folder, reports list and reports get agree', async () => {
    const prefix = suite.prefix('sched');
    const env = { REDIS_URL, CF_SHARES_PREFIX: prefix };
    const api = new URL(suite.sim.api).href.replace(/\/$/, '');
    const added = await runCli(
      ['schedule', 'add', 'every-2s', '--cron', '*/2 * * * * *', '--api', suite.sim.api, '--', 'report', '--keep', '5'],
      { env },
    );
    expect(added.code, added.stderr).toBe(0);
    // schedule list shows what follows `--` and the foundation.
    const listed = await runCli(['schedule', 'list'], { env });
    const [header, , row] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+FOUNDATION\s+CRON\s+TZ\s+NEXT RUN\s+RUNS \(after --\)$/);
    expect(row).toMatch(new RegExp(`^every-2s\\s+${api.replace(/[.:/]/g, '\\$&')}\\s+.*\\sreport --keep 5$`));
    const json = JSON.parse((await runCli(['schedule', 'list', '--json'], { env })).stdout);
    expect(json).toMatchObject({ name: 'every-2s', api, args: ['report', '--keep', '5'] });

    const reportsDir = join(suite.dir, 'reports');
    const worker = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--reports-dir', reportsDir], {
      cwd: REPO_ROOT,
      env: cliEnv({
        ...env,
        CF_API: suite.sim.api,
        CF_CLIENT_ID: suite.sim.clientId,
        CF_CLIENT_SECRET: suite.sim.clientSecret,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    worker.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    let runs: string[] = [];
    try {
      const deadline = Date.now() + 40_000;
      while (Date.now() < deadline) {
        runs = await readdir(join(reportsDir, 'every-2s')).catch(() => []);
        if (runs.length > 0 && (await readdir(join(reportsDir, 'every-2s', runs[0]!))).includes('report.html')) break;
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await runCli(['schedule', 'remove', 'every-2s'], { env });
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    expect(runs.length, log).toBeGreaterThan(0);
    const id = runs[0]!;
    // The scheduled job's id is `repeat:<scheduler>:<ms>`; the report id keeps its words, not its colons.
    expect(id).toMatch(FILE_SAFE);
    expect(id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}-repeat-/);
    const ids = (await runCli(['reports', 'list', '--json'], { env })).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).id as string);
    expect(ids).toContain(id);
    for (const listedId of ids) expect(listedId).toMatch(FILE_SAFE);
    const out = join(suite.dir, 'got');
    const got = await runCli(['reports', 'get', id, '--out', out], { env });
    expect(got.code, got.stderr).toBe(0);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toBe(
      await readFile(join(reportsDir, 'every-2s', id, 'report.md'), 'utf8'),
    );
  });

  it('a report stored with a colon in its id (before this change) is listed and fetched by either spelling', async () => {
    const prefix = suite.prefix('legacy');
    const env = { REDIS_URL, CF_SHARES_PREFIX: prefix };
    const legacy = '20261101T020000Z-repeat:nightly:1793505600000';
    await new ReportStore(suite.redis, prefix).save(
      {
        id: legacy,
        api: 'https://api.example',
        generatedAt: '2026-11-01T02:00:00.000Z',
        shares: 1,
        findings: 0,
        requests: 9,
      },
      { 'report.md': '# old\n' },
    );
    const listed = await runCli(['reports', 'list', '--json'], { env });
    expect(JSON.parse(listed.stdout.trim()).id).toBe(legacy);
    for (const [name, spelling] of [
      ['as stored', legacy],
      ['file-safe', '20261101T020000Z-repeat-nightly-1793505600000'],
    ]) {
      const out = join(suite.dir, `legacy-${name}`);
      const got = await runCli(['reports', 'get', spelling!, '--out', out], { env });
      expect(got.code, `${name}: ${got.stderr}`).toBe(0);
      expect(await readFile(join(out, 'report.md'), 'utf8')).toBe('# old\n');
    }
  });
});
