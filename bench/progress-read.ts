// What one read of a campaign's progress costs Redis, by campaign size: the way followers read it before counters
// (GET meta, HGETALL of every outcome, GET pause) beside the way they read it now (GET meta, the counters' MULTI,
// GET pause). A private redis-server, so INFO commandstats and the output byte counter see only these reads.
// `npm run bench:progress-read`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { CampaignStore } from '../src/features/campaign/campaign-store.js';
import type { CampaignMeta, ItemOutcome, PlanItem } from '../src/features/campaign/campaign-model.js';

const SIZES = [100, 1000, 10_000, 50_000];
const READS = 20;

const port = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = server.address() as { port: number };
    server.close(() => resolve(free));
  });
});
const dir = await mkdtemp(join(tmpdir(), 'cf-shares-progress-bench-'));
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
  stdio: 'ignore',
});
const redis = new Redis(port, '127.0.0.1', { retryStrategy: (times) => (times > 50 ? null : 100) });
redis.on('error', () => undefined); // refused until the server listens; ioredis retries
await redis.ping();

/** Commands, server time and bytes sent to the client by `read`, per read. */
async function measure(read: () => Promise<unknown>): Promise<{ commands: number; usec: number; bytes: number }> {
  await redis.config('RESETSTAT');
  const before = Number(/total_net_output_bytes:(\d+)/.exec(await redis.info('stats'))![1]);
  for (let i = 0; i < READS; i++) await read();
  const stats = await redis.info('commandstats');
  const after = Number(/total_net_output_bytes:(\d+)/.exec(await redis.info('stats'))![1]);
  let commands = 0;
  let usec = 0;
  for (const [, name, calls, spent] of stats.matchAll(/cmdstat_(\w+(?:\|\w+)?):calls=(\d+),usec=(\d+)/g)) {
    if (name === 'info' || name!.startsWith('config')) continue;
    commands += Number(calls);
    usec += Number(spent);
  }
  return { commands: commands / READS, usec: usec / READS, bytes: Math.round((after - before) / READS) };
}

console.log('items   before: commands  µs(server)  bytes   |  after: commands  µs(server)  bytes');
try {
  for (const size of SIZES) {
    const store = new CampaignStore(redis, `bench-${size}`);
    const id = `c${size}`;
    const meta: CampaignMeta = {
      id,
      api: 'https://api.example.com',
      createdAt: new Date().toISOString(),
      createdBy: 'bench',
      total: size,
      status: 'running',
      options: {
        rate: 50,
        maxAttempts: 3,
        retryDelaySeconds: 1,
        onlyUnbound: false,
        deleteBindingsFirst: false,
        selectors: {} as CampaignMeta['options']['selectors'],
      },
    };
    const items: PlanItem[] = Array.from({ length: size }, (_, n) => ({
      id: `${id}-instance-${n}-space-${n}`,
      instance: { guid: `instance-${n}`, name: `db-${n}`, offering: 'postgres', plan: 'small' },
      source: { org: 'org', space: 'src', space_guid: 'src' },
      target: { org: 'org', space: 'dst', space_guid: `space-${n}`, org_guid: 'org' },
      bindings: [],
    }));
    await store.create(meta, items);
    const outcome: ItemOutcome = {
      outcome: 'unshared',
      attempts: 1,
      at: new Date().toISOString(),
      decidedBy: { request: `DELETE /v3/service_instances/x/relationships/shared_spaces/y`, status: 204 },
    };
    // All but one final: a campaign near its end, when a follower has read the most.
    await Promise.all(items.slice(1).map((item) => store.finish(id, item.id, outcome)));
    const before = await measure(async () => {
      await store.meta(id);
      await store.outcomes(id);
      await store.pauseRecord(id);
    });
    const after = await measure(async () => {
      await store.meta(id);
      await store.tally(id);
      await store.pauseRecord(id);
    });
    console.log(
      `${String(size).padStart(6)}  ${String(before.commands).padStart(16)}  ${before.usec.toFixed(0).padStart(10)}  ${String(before.bytes).padStart(8)}  |  ${String(after.commands).padStart(14)}  ${after.usec.toFixed(0).padStart(10)}  ${String(after.bytes).padStart(5)}`,
    );
  }
} finally {
  await redis.quit();
  server.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
}
