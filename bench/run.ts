/**
 * `npm run bench`: speed and request-count figures, printed with ratios. Goals live here, never in timed tests.
 *   BENCH_SCALE=small npm run bench    for a quick run (10k instances)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchGenerate } from '../src/sim/bench-generate.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const small = process.env.BENCH_SCALE === 'small';
const size = small
  ? { instances: 10_000, spaces: 1_000, orgs: 20, bindings: 20_000, keys: 2_000, sharedRatio: 0.0556 }
  : { instances: 100_000, spaces: 10_000, orgs: 200, bindings: 200_000, keys: 20_000, sharedRatio: 0.0556 };
const latencyMs = 2;

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

interface SimReady { api: string; client_id: string; client_secret: string }

function startSim(): Promise<{ ready: SimReady; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const args = ['src/cli.ts', 'sim', '--json', '--instances', String(size.instances), '--spaces', String(size.spaces), '--orgs', String(size.orgs),
      '--bindings', String(size.bindings), '--keys', String(size.keys), '--shared-ratio', String(size.sharedRatio), '--latency-ms', String(latencyMs)];
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ ready: JSON.parse(out.split('\n')[0]!) as SimReady, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`sim exited ${code}`)));
  });
}

const pad = (label: string): string => label.padEnd(34);

console.log(`cf-shares benchmark (${small ? 'small' : 'full'} scale: ${size.instances} instances, ${size.spaces} spaces, ${size.bindings} bindings; ${latencyMs} ms added latency)\n`);

const gen = await benchGenerate({ instances: size.instances, spaces: size.spaces, orgs: size.orgs, bindings: size.bindings, keys: size.keys, sharedRatio: size.sharedRatio });
console.log('Simulator');
console.log(`${pad('  generate foundation')}${gen.generateMs} ms  (${gen.counts.instances} instances, ${gen.counts.shares} shares)`);
console.log(`${pad('  serve a 5000-instance page')}${gen.pageMs} ms  (${(gen.pageBytes / 1e6).toFixed(1)} MB)`);
console.log(`${pad('  same, filtered by 100 spaces')}${gen.spaceFilteredPageMs} ms\n`);

const sim = await startSim();
try {
  const truth = (await (await fetch(`${sim.ready.api}/_sim/truth`)).json()) as { lower_bound_requests: number; counts: { shares: number; shared_instances: number } };
  const results: Record<string, { shares: number; requests: number; wallMs: number; peakRssMb: number }> = {};
  for (const strategy of ['batched', 'naive']) {
    results[strategy] = JSON.parse(await run(['bench/crawl-once.ts', strategy, sim.ready.api, sim.ready.client_id, sim.ready.client_secret])) as (typeof results)[string];
  }
  const ours = results.batched!;
  const naive = results.naive!;
  console.log(`Share crawl (${truth.counts.shared_instances} shared instances, ${truth.counts.shares} shares; lower bound ${truth.lower_bound_requests} requests)`);
  console.log(`${pad('')}${'batched'.padStart(10)}${'naive'.padStart(10)}${'naive/batched'.padStart(15)}`);
  const row = (label: string, a: number, b: number): void => console.log(`${pad(`  ${label}`)}${String(a).padStart(10)}${String(b).padStart(10)}${(b / a).toFixed(2).padStart(15)}`);
  row('shares found', ours.shares, naive.shares);
  row('requests', ours.requests, naive.requests);
  row('wall time (ms)', ours.wallMs, naive.wallMs);
  row('peak RSS (MB)', ours.peakRssMb, naive.peakRssMb);
  console.log(`${pad('  requests / lower bound')}${(ours.requests / truth.lower_bound_requests).toFixed(2).padStart(10)}${(naive.requests / truth.lower_bound_requests).toFixed(2).padStart(10)}`);
  if (ours.shares !== truth.counts.shares) console.log(`  WARNING: batched crawl found ${ours.shares} of ${truth.counts.shares} shares`);
} finally {
  sim.stop();
}
