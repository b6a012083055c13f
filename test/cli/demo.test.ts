import { describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';

// The demo starts its own simulator.
const suite = cliSuite('demo', async () => ({}));

describe('cf-shares demo', () => {
  // Seed 2 used to fail on an inferred low asg_gap the truth does not hold (an instance with no binding to read).
  it('passes on a seed where an instance without bindings falls back to inference, and prints asg_gap precision and recall per source', async () => {
    const out = join(suite.dir, 'seed-2');
    const result = await runCli(['demo', '--seed', '2', '--out', out, '--prefix', suite.prefix('demo')], {
      env: { REDIS_URL },
      timeoutMs: 110_000,
    });
    expect(result.stderr).not.toMatch(/^cf-shares:/m);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Not as the truth says');
    // The demo foundation holds a broker of each credential-reusing kind; the inspecting run finds exactly its findings.
    expect(result.stdout).toMatch(
      /^ {2}credentials +--inspect-credentials: ([1-9]\d*) credentials_not_unique\/key_credentials_in_binding found, \1 right, \1 in the truth \(precision 1\.00, recall 1\.00\)$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}findings +(\d+) of \1 \/ (\d+) of \2 \/ (\d+) of \3 certain findings found, 0 unexpected/m,
    );

    const table = result.stdout.slice(result.stdout.indexOf('RUN  ')).split('\n');
    expect(table[0]).toMatch(/^RUN +CHECKED BY +SHARES +GAPS +FOUND +RIGHT +PRECISION +RECALL$/);
    const row = (run: string, source: string) =>
      table.find((line) => new RegExp(`^${run.replace(/[-()]/g, '\\$&')} +${source} `).test(line));
    const [, , shares, gaps, found, right, precision, recall] = row('default (schedules)', 'inferred')!.split(/ {2,}/);
    expect(Number(shares)).toBeGreaterThan(0);
    expect(Number(right)).toBeLessThanOrEqual(Number(found));
    expect(recall).toBe(Number(gaps) === 0 ? '-' : (Math.floor((Number(right) / Number(gaps)) * 100) / 100).toFixed(2));
    expect(precision).toMatch(/^[01]\.\d\d$/);
    expect(row('--endpoints FILE', 'endpoints file')).toMatch(/ 1\.00 +1\.00$/);

    // The default run is the report of record; the other two are written beside it, the endpoints file with them.
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
    const endpoints = JSON.parse(await readFile(`${out}-endpoints-file/endpoints.json`, 'utf8'));
    expect(endpoints.offerings['p.mysql']).toBe('10.0.16.11:3306');
    expect(await readdir(`${out}-inspect-credentials`)).toContain('report.json');
  });
});
