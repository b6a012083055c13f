/**
 * `npm run bench:campaign`: a bulk unshare of ~5k shares at --rate 50 against the simulator. Prints the achieved
 * write rate as a fraction of the cap, the wall time, requests per share, and what the docs' script would leave.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { startSimProcess, ROOT as root } from './sim-process.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RATE = 50;
const small = process.env.BENCH_SCALE === 'small';
const size = small ? { instances: 3000, spaces: 300 } : { instances: 30_000, spaces: 3000 };

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/cf-shares.js', ...args], { cwd: root, env: { ...process.env, ...env, CF_SHARES_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

const sim = await startSimProcess(['--instances', String(size.instances), '--spaces', String(size.spaces), '--orgs', '30', '--shared-ratio', '0.1', '--latency-ms', '2']);
try {
  const api = sim.ready.api;
  const truth = (await (await fetch(`${api}/_sim/truth`)).json()) as { shares: Array<{ instance_guid: string }>; counts: { instances: number } };
  // The docs' script reads ONE page of /v3/service_instances (50, default order) and one v2 page of shared_to each.
  const token = await fetch(`${api}/uaa/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sim.ready.client_id, client_secret: sim.ready.client_secret }),
  });
  const { access_token: accessToken } = (await token.json()) as { access_token: string };
  const firstPage = (await (await fetch(`${api}/v3/service_instances`, { headers: { authorization: `bearer ${accessToken}` } })).json()) as { resources: Array<{ guid: string }> };
  const seen = new Set(firstPage.resources.map((r) => r.guid));
  const perInstance = new Map<string, number>();
  for (const share of truth.shares) perInstance.set(share.instance_guid, (perInstance.get(share.instance_guid) ?? 0) + 1);
  const docsRemoves = [...perInstance].filter(([guid]) => seen.has(guid)).reduce((sum, [, n]) => sum + Math.min(n, 50), 0);

  await fetch(`${api}/_sim/requests/reset`, { method: 'POST' });
  const env = { CF_API: api, CF_CLIENT_ID: sim.ready.client_id, CF_CLIENT_SECRET: sim.ready.client_secret, CF_SHARES_PREFIX: `bench-${randomUUID().slice(0, 8)}`, NODE_OPTIONS: '--max-old-space-size=256' };
  const started = performance.now();
  const result = await run(['unshare-all', '--yes', '--disable-flag', '--rate', String(RATE), '--concurrency', '8', '--retry-delay', '1', '--max-attempts', '2'], env);
  const wallMs = performance.now() - started;
  const counts = (await (await fetch(`${api}/_sim/requests`)).json()) as { total: number; byRoute: Record<string, number> };
  const unshares = counts.byRoute['DELETE /v3/service_instances/:guid/relationships/shared_spaces/:space_guid'] ?? 0;
  const id = /^campaign: (\S+)$/m.exec(result.stdout)?.[1];
  const status = id ? JSON.parse((await run(['campaign', 'status', id, '--json'], env)).stdout) as { ratePerSecond: number; counts: Record<string, number>; total: number } : undefined;
  const after = (await (await fetch(`${api}/_sim/truth`)).json()) as { shares: unknown[] };
  // The write phase, from the audit trail: first to last unshare DELETE.
  const dir = await mkdtemp(join(tmpdir(), 'cf-shares-bench-'));
  let writeRate = 0;
  try {
    if (id) await run(['campaign', 'report', id, '--out', dir], env);
    const trail = (JSON.parse(await readFile(join(dir, 'campaign.json'), 'utf8')) as { audit_trail: Array<{ at: string; method: string; path: string }> }).audit_trail
      .filter((entry) => entry.method === 'DELETE' && entry.path.includes('/shared_spaces/'))
      .map((entry) => Date.parse(entry.at))
      .sort((a, b) => a - b);
    if (trail.length > 1) writeRate = (trail.length - 1) / ((trail.at(-1)! - trail[0]!) / 1000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  console.log(`cf-shares campaign benchmark (${truth.shares.length} shares on ${truth.counts.instances} instances, --rate ${RATE}, 2 ms latency)\n`);
  console.log(`  outcomes                  ${JSON.stringify(status?.counts ?? {})} (exit ${result.code})`);
  console.log(`  wall time                 ${(wallMs / 1000).toFixed(1)} s (plan crawl, confirmation, unshares, verification)`);
  console.log(`  unshare requests          ${unshares} (${(unshares / truth.shares.length).toFixed(2)} per share)`);
  console.log(`  item rate                 ${(status?.ratePerSecond ?? 0).toFixed(1)} items/s over the whole campaign`);
  console.log(`  achieved write rate       ${writeRate.toFixed(1)}/s while unsharing (first to last DELETE in the audit trail)`);
  console.log(`  fraction of the cap       ${(writeRate / RATE).toFixed(2)}`);
  console.log(`  requests per share        ${(counts.total / truth.shares.length).toFixed(2)} (all CC requests incl. plan crawl and verification)`);
  console.log(`  shares left afterwards    ${after.shares.length} (blocked by failing or busy bindings)`);
  console.log(`  docs script would remove  ${docsRemoves} of ${truth.shares.length}, leaving ${truth.shares.length - docsRemoves} (first page of 50 instances only; and it needs v2, off here)`);
} finally {
  sim.stop();
}
