import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.js';

/** A Redis Cluster of the test's own on loopback, and how to reach and stop it. */
export interface RedisClusterHandle {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`, as `--redis` takes it. */
  readonly url: string;
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

const run = (command: string, args: string[]): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });

/** Asks one node until `check` holds of its answer, or throws after `timeoutMs`. */
async function until(port: number, what: string, ask: (redis: Redis) => Promise<boolean>, timeoutMs = 20_000) {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const ok = await redis
        .connect()
        .catch(() => undefined)
        .then(() => ask(redis))
        .catch(() => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`redis node ${port}: ${what}`);
      if (redis.status !== 'ready') redis.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts `masters` redis-server processes in cluster mode on free loopback ports (no persistence: the test's data
 * lives only as long as the cluster), joins them with `redis-cli --cluster create` (no replicas), and resolves once
 * every node says `cluster_state:ok`. The cluster bus gets a free port of its own (`--cluster-port`), since
 * port + 10000 may be taken or out of range.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-shares-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    const port = async (): Promise<number> => {
      for (;;) {
        const candidate = await freePort();
        if (!taken.has(candidate)) {
          taken.add(candidate);
          return candidate;
        }
      }
    };
    for (let i = 0; i < masters; i++) {
      const [node, bus] = [await port(), await port()];
      ports.push(node);
      // The option names are those of redis.conf; redis-server 7 takes them as flags.
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(node),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(bus),
          '--cluster-config-file',
          join(dir, `nodes-${node}.conf`),
          '--cluster-node-timeout',
          '5000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    for (const node of ports) await until(node, 'did not start', async (redis) => (await redis.ping()) === 'PONG');
    const created = await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((node) => `127.0.0.1:${node}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed: ${created.output}`);
    for (const node of ports)
      await until(node, 'cluster not ok', async (redis) =>
        /cluster_state:ok/.test(String(await redis.call('CLUSTER', 'INFO'))),
      );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis+cluster://${ports.map((node) => `127.0.0.1:${node}`).join(',')}`, ports, stop };
}
