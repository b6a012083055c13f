import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, cliEnv, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';

// `cf-shares ... | head -3`: the reader goes away before we are done writing. That is not our failure: no stack
// trace, no "Unhandled 'error' event", exit 0 for a command that did its work.

const suite = cliSuite('closed-stdout', () => startSimProcess(['--seed', '5', '--spaces', '12', '--instances', '80']));

/** Runs the CLI with its stdout closed by the reader before anything is written, as `| true` or `| head` does. */
function runWithClosedStdout(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout', () => {
  it('unshare-all --dry-run ends quietly, exit 0', async () => {
    const result = await runWithClosedStdout(['unshare-all', '--dry-run'], {
      CF_API: suite.sim.api,
      CF_USERNAME: suite.sim.username,
      CF_PASSWORD: suite.sim.password,
      REDIS_URL,
      CF_SHARES_PREFIX: suite.prefix('closed'),
    });
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(result.code).toBe(0);
  });

  it('reports list ends quietly, exit 0', async () => {
    const result = await runWithClosedStdout(['reports', 'list'], {
      REDIS_URL,
      CF_SHARES_PREFIX: suite.prefix('closed'),
    });
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(result.code).toBe(0);
  });
});
