/**
 * `npm run bench:startup`: how long `cf-shares --version` and `--help` take and how much memory it peaks at, run from the
 * compiled package (dist/, what an installed cf-shares runs) and from the TypeScript sources through tsx (the old
 * default). Median of several runs each; peak RSS as the kernel reports it (/usr/bin/time -f %M).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './sim-process.js';

const RUNS = Number(process.env.BENCH_RUNS) || 9;

function measure(env: Record<string, string>, arg: string): { ms: number; rssMb: number } {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(ROOT, 'bin', 'cf-shares.js'), arg], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8',
    });
    times.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`cf-shares --version failed: ${result.stderr}`);
    rss.push(Number(result.stderr.trim().split('\n').at(-1)) / 1024);
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { ms: median(times), rssMb: median(rss) };
}

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}
console.log(`cf-shares start-up (median of ${RUNS} runs, Node ${process.versions.node})\n`);
for (const [arg, goal] of [
  ['--version', ' (goal <= 300 ms)'],
  ['--help', ' (loads the CLI and every command)'],
] as const) {
  const compiled = measure({}, arg);
  const source = measure({ CF_SHARES_FROM_SOURCE: '1' }, arg);
  console.log(`  ${arg}`);
  console.log(
    `    compiled (dist/, installed package) ${compiled.ms.toFixed(0).padStart(5)} ms ${compiled.rssMb.toFixed(0).padStart(4)} MB peak RSS${goal}`,
  );
  console.log(
    `    sources through tsx                 ${source.ms.toFixed(0).padStart(5)} ms ${source.rssMb.toFixed(0).padStart(4)} MB peak RSS`,
  );
  console.log(
    `    ratio source / compiled             ${(source.ms / compiled.ms).toFixed(2)}x time, ${(source.rssMb / compiled.rssMb).toFixed(2)}x memory`,
  );
}
