/**
 * `npm run bench:fleet`: reports of a fleet of three simulated foundations (30k instances each; BENCH_SCALE=small:
 * 5k) through one Redis, worked by 1 fleet worker process (`cf-shares worker`, serving the whole fleet file) and by 3
 * (`cf-shares worker --foundation NAME`, one foundation each). Prints the wall time of `cf-shares report --foundation
 * all` with each, the ratio, and each worker's peak RSS (VmHWM) at Node's default heap settings. Each simulator adds
 * LATENCY_MS (20, or BENCH_LATENCY_MS) to every request so that CC, not cf-shares, is the bottleneck. For scale, it
 * also times f1's report alone with 1 worker: a fleet worker works its foundations at once (one queue each). A first
 * round with 3 workers warms the simulators and is not counted. Credentials reach the fleet file through environment variables, as in production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startSimProcess, ROOT as root } from './sim-process.js';

const small = process.env.BENCH_SCALE === 'small';
const size = small
  ? { instances: 5_000, spaces: 500, orgs: 10, bindings: 10_000, keys: 1_000 }
  : { instances: 30_000, spaces: 3_000, orgs: 60, bindings: 60_000, keys: 6_000 };
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS) || 20;
const NAMES = ['f1', 'f2', 'f3'];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-fleet-${randomUUID().slice(0, 8)}`;

/** `cf-shares ARGS` from the sources, resolved with its exit code and stdout. */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/cf-shares.js', ...args], { cwd: root, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('exit', (code) => {
      if (code !== 0 && code !== 3) process.stderr.write(`cf-shares ${args[0]} exited ${code}:\n${stderr}\n`);
      resolve({ code, stdout });
    });
  });
}

/** A worker process, resolved once it logs that it is ready. */
function startWorker(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--log-level', 'info', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (!log.includes('worker ready"')) return;
      child.stderr!.off('data', onData);
      child.stderr!.resume();
      resolve(child);
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited ${code} before it was ready: ${log.slice(-2000)}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Peak resident set of a live process (Linux), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024);
}

/** One round: start the workers, time `report --foundation all`, read the workers' peak RSS, stop them. */
async function round(workerArgs: string[][], env: NodeJS.ProcessEnv, out: string, foundation = 'all') {
  const workers = await Promise.all(workerArgs.map((args) => startWorker(args, env)));
  try {
    const started = performance.now();
    const { code, stdout } = await cli(['report', '--foundation', foundation, '--out', out], env);
    const wallMs = Math.round(performance.now() - started);
    if (code !== 0 && code !== 3) throw new Error(`report --foundation ${foundation} exited ${code}`);
    return {
      wallMs,
      lines: stdout.trim().split('\n'),
      rssMb: await Promise.all(workers.map((w) => peakRssMb(w.pid!))),
    };
  } finally {
    await Promise.all(workers.map(stop));
  }
}

console.log(
  `cf-shares fleet benchmark (${small ? 'small' : 'full'} scale: 3 foundations of ${size.instances} instances, ${size.spaces} spaces, ${size.bindings} bindings; ${LATENCY_MS} ms added latency; ${(await import('node:os')).availableParallelism()} CPUs)\n`,
);
const sims = await Promise.all(
  NAMES.map((_, index) =>
    startSimProcess([
      '--seed',
      String(index + 1),
      ...Object.entries(size).flatMap(([flag, value]) => [`--${flag}`, String(value)]),
      '--shared-ratio',
      '0.0556',
      '--latency-ms',
      String(LATENCY_MS),
    ]),
  ),
);
const dir = await mkdtemp(join(tmpdir(), 'cf-shares-fleet-bench-'));
const redis = new Redis(REDIS_URL);
try {
  const fleetFile = join(dir, 'fleet.json');
  await writeFile(
    fleetFile,
    JSON.stringify({
      foundations: NAMES.map((name, index) => ({
        name,
        api: sims[index]!.ready.api,
        client_id_env: `${name.toUpperCase()}_CLIENT_ID`,
        client_secret_env: `${name.toUpperCase()}_CLIENT_SECRET`,
      })),
    }),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CF_SHARES_FROM_SOURCE: '1',
    CF_SHARES_FOUNDATIONS: fleetFile,
    REDIS_URL,
    CF_SHARES_PREFIX: prefix,
    ...Object.fromEntries(
      NAMES.flatMap((name, index) => [
        [`${name.toUpperCase()}_CLIENT_ID`, sims[index]!.ready.client_id],
        [`${name.toUpperCase()}_CLIENT_SECRET`, sims[index]!.ready.client_secret],
      ]),
    ),
  };
  const one = [[]];
  const three = NAMES.map((name) => ['--foundation', name]);
  await round(three, env, join(dir, 'warm-up')); // the simulators' first pages are slower (JIT, caches)
  const alone = await round(one, env, join(dir, 'alone'), NAMES[0]);
  const single = await round(one, env, join(dir, 'one'));
  const spread = await round(three, env, join(dir, 'three'));
  for (const line of single.lines) console.log(`  ${line}`);
  const pad = (label: string): string => label.padEnd(40);
  console.log(`\n${pad('')}${'1 worker'.padStart(10)}${'3 workers'.padStart(12)}`);
  console.log(
    `${pad('  report --foundation all, wall (ms)')}${String(single.wallMs).padStart(10)}${String(spread.wallMs).padStart(12)}`,
  );
  console.log(
    `${pad('  speed-up, 1 worker / 3 workers')}${(single.wallMs / spread.wallMs).toFixed(2).padStart(10)}   (3.00 would be linear)`,
  );
  console.log(
    `${pad('  1 worker: 3 foundations / f1 alone')}${(single.wallMs / alone.wallMs).toFixed(2).padStart(10)}   (f1 alone ${alone.wallMs} ms; 1.00 would be linear)`,
  );
  console.log(`  peak RSS per worker (VmHWM, MB): 1 worker ${single.rssMb[0]}; 3 workers ${spread.rssMb.join(', ')}`);
} finally {
  for (let cursor = '0'; ;) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    if ((cursor = next) === '0') break;
  }
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
  for (const sim of sims) sim.stop();
}
