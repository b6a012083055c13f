// How much Redis holds per stored report, per share: runs `cf-shares report` against simulated foundations of a
// few sizes, then asks Redis (MEMORY USAGE) what the report's keys take. `npm run bench:report-size`.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ROOT, startSimProcess } from './sim-process.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Foundation sizes (instances, spaces) the simulator generates. */
const SIZES: ReadonlyArray<readonly [number, number]> = [
  [250, 30],
  [1000, 100],
  [4000, 400],
];
const KEEP = 30;
const TARGET_SHARES = 10_000;

const redis = new Redis(REDIS_URL);
const rows: Array<{ instances: number; shares: number; bytes: number; perShare: number }> = [];
for (const [instances, spaces] of SIZES) {
  const sim = await startSimProcess(['--seed', '1', '--instances', String(instances), '--spaces', String(spaces)]);
  const prefix = `bench-size-${randomUUID().slice(0, 8)}`;
  try {
    // Twice: the first report's diff.json lists every share as added; nightly reports (the steady state) diff small.
    const report = () =>
      spawnSync(process.execPath, ['bin/cf-shares.js', 'report', '--json', '--out', join(tmpdir(), prefix)], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          CF_SHARES_FROM_SOURCE: '1',
          CF_API: sim.ready.api,
          CF_CLIENT_ID: sim.ready.client_id,
          CF_CLIENT_SECRET: sim.ready.client_secret,
          REDIS_URL,
          CF_SHARES_PREFIX: prefix,
        },
      });
    report();
    const run = report();
    if (run.status !== 0) throw new Error(`report failed: ${run.stderr}`);
    const { reportId, summary } = JSON.parse(run.stdout) as { reportId: string; summary: { shares: number } };
    const base = `{${prefix}}:reports`;
    // The report's own key (its files), plus its share of the index keys: its meta field and two index entries.
    const files = (await redis.memory('USAGE', `${base}:files:${reportId}`, 'SAMPLES', 0)) ?? 0;
    const meta = Buffer.byteLength((await redis.hget(`${base}:meta`, reportId)) ?? '') + reportId.length;
    const bytes = Number(files) + meta + 2 * (reportId.length + 16);
    rows.push({ instances, shares: summary.shares, bytes, perShare: bytes / summary.shares });
    const byFile: string[] = [];
    for (const name of await redis.hkeys(`${base}:files:${reportId}`))
      byFile.push(`${name} ${((await redis.hstrlen(`${base}:files:${reportId}`, name)) / summary.shares).toFixed(0)}`);
    console.log(`${instances} instances: bytes per share by file: ${byFile.join(', ')}`);
  } finally {
    const keys = await redis.keys(`{${prefix}}*`);
    if (keys.length > 0) await redis.del(...keys);
    sim.stop();
  }
}
redis.disconnect();

console.log('instances  shares  bytes/report  bytes/share');
for (const r of rows)
  console.log(
    `${String(r.instances).padStart(9)}  ${String(r.shares).padStart(6)}  ${String(r.bytes).padStart(12)}  ${r.perShare.toFixed(0).padStart(11)}`,
  );
const largest = rows.at(-1)!;
const total = largest.perShare * TARGET_SHARES * KEEP;
console.log(
  `\nat ${largest.perShare.toFixed(0)} bytes/share: one report of ${TARGET_SHARES} shares ≈ ${((largest.perShare * TARGET_SHARES) / 2 ** 20).toFixed(1)} MiB; --keep ${KEEP} ≈ ${(total / 2 ** 20).toFixed(0)} MiB per foundation`,
);
