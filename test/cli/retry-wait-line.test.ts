import { describe, expect, it } from 'vitest';
import { runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';

// A foreground command that waits on CC says so on stderr, one line per wait, instead of looking hung while the log
// (warn level by default) stays quiet.

const suite = cliSuite('retry-wait', () => startSimProcess(['--seed', '3', '--spaces', '12', '--instances', '60']));

describe('waiting on retries', () => {
  it('report under a CC rate limit prints what it waits for and why, then finishes', async () => {
    const faults = await fetch(`${suite.sim.api}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimit: { limit: 8, windowSeconds: 2, exemptAdmins: false } }),
    });
    expect(faults.status).toBeLessThan(300);
    try {
      const result = await runCli(['report', '--out', suite.dir], {
        env: {
          CF_API: suite.sim.api,
          CF_USERNAME: suite.sim.username,
          CF_PASSWORD: suite.sim.password,
          REDIS_URL,
          CF_SHARES_PREFIX: suite.prefix('retry-wait'),
        },
        timeoutMs: 120_000,
      });
      expect(result.code, result.stderr).toBe(0);
      const waits = result.stderr.split('\n').filter((line) => line.startsWith('cf-shares: waiting '));
      expect(waits.length).toBeGreaterThan(0);
      expect(waits[0]).toMatch(
        /^cf-shares: waiting \d+ s \(as CC asked\) before retry 1 of 5: GET \/v3\/\S+ got 429 Too Many Requests$/,
      );
      expect(result.stderr).not.toContain(suite.sim.password);
    } finally {
      await fetch(`${suite.sim.api}/_sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    }
  });
});
