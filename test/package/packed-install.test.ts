import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis-prefix.js';

const run = promisify(execFile);
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** The environment of a person's shell: no tsx hook, no source mode, the package's own node on PATH. */
function userEnv(prefixDir: string): NodeJS.ProcessEnv {
  return {
    PATH: `${join(prefixDir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME,
    REDIS_URL,
  };
}

describe('the packed package', () => {
  it('installs from its tarball and runs --help and a report against the simulator, from outside the repository', async () => {
    const work = await mkdtemp(join(tmpdir(), 'cf-shares-pack-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    // `npm pack` runs prepack, which compiles dist/ from the sources.
    await run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const listing = (await run('tar', ['-tzf', join(work, tarball!)])).stdout.split('\n');
    expect(listing).toContain('package/dist/cli.js');
    expect(listing).toContain('package/dist/cli.d.ts');
    expect(listing).toContain('package/dist/cli.js.map');
    expect(listing).toContain('package/LICENSE');
    expect(listing.some((path) => path.startsWith('package/src/'))).toBe(false);
    expect(listing.some((path) => path.startsWith('package/test/'))).toBe(false);

    const prefixDir = join(work, 'install');
    await run(
      'npm',
      [
        'install',
        '--prefix',
        prefixDir,
        '--omit=dev',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        join(work, tarball!),
      ],
      { cwd: work, maxBuffer: 16 * 1024 * 1024 },
    );
    const installed = JSON.parse(
      await readFile(join(prefixDir, 'node_modules', 'cf-shares', 'package.json'), 'utf8'),
    ) as { version: string };
    // What an installed package must run without: a TypeScript loader or compiler.
    await expect(readFile(join(prefixDir, 'node_modules', 'tsx', 'package.json'))).rejects.toThrow();
    await expect(readFile(join(prefixDir, 'node_modules', 'typescript', 'package.json'))).rejects.toThrow();

    const bin = join(prefixDir, 'node_modules', '.bin', 'cf-shares');
    const help = await run(bin, ['--help'], { cwd: work, env: userEnv(prefixDir) });
    expect(help.stdout).toContain('unshare-all');
    expect((await run(bin, ['--version'], { cwd: work, env: userEnv(prefixDir) })).stdout.trim()).toBe(
      installed.version,
    );

    // The installed package's own simulator, and a whole report against it.
    const sim = spawn(bin, ['sim', '--json', '--seed', '3', '--spaces', '10', '--instances', '50'], {
      cwd: work,
      env: userEnv(prefixDir),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => sim.kill('SIGTERM'));
    const ready = await new Promise<{ api: string; client_id: string; client_secret: string }>((resolve, reject) => {
      let text = '';
      sim.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(JSON.parse(text.slice(0, text.indexOf('\n'))));
      });
      sim.once('exit', (code) => reject(new Error(`sim exited ${code}`)));
    });
    const prefix = uniquePrefix('packed');
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    const out = join(work, 'report');
    const report = await run(bin, ['report', '--out', out], {
      cwd: work,
      env: {
        ...userEnv(prefixDir),
        CF_API: ready.api,
        CF_CLIENT_ID: ready.client_id,
        CF_CLIENT_SECRET: ready.client_secret,
        CF_SHARES_PREFIX: prefix,
      },
    });
    expect(report.stdout).toContain('shares');
    const truth = (await (await fetch(`${ready.api}/_sim/truth`)).json()) as { shares: unknown[] };
    const json = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { summary: { shares: number } };
    expect(json.summary.shares).toBe(truth.shares.length);
    // report.html is rendered by the installed dist/ from the packed assets/ and cytoscape: all of them shipped.
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<meta http-equiv="Content-Security-Policy"');
    expect(html).toContain('The Cytoscape Consortium');
    expect(html).toContain('window.__cfShares');
  }, 240_000);
});
