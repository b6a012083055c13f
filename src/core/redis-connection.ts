import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { parseRedisTarget, redisLocation, type RedisTarget } from '../config/redis-url.js';

/**
 * A connection to one Redis or to a Redis Cluster. Both speak the same commands; a cluster only refuses commands and
 * transactions whose keys span hash slots, which is why every multi-key operation of cf-shares stays inside one
 * hash tag (see `queue-names.ts`).
 */
export type RedisClient = Redis | Cluster;

/** Thrown when Redis cannot be reached at start-up: one line that names the server, never its password. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * The one factory of Redis connections, for BullMQ and for cf-shares' own keys: a `redis+cluster://` URL gives
 * ioredis' Cluster client, any other URL a plain client. Workers block on Redis, so ioredis must not give up on a
 * command (`maxRetriesPerRequest: null`, which BullMQ requires for workers); `options` may lower that for data
 * commands.
 */
export function createRedisConnection(url: string, options: RedisOptions = {}): RedisClient {
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true, ...options };
  const target = parseRedisTarget(url);
  if (target.kind === 'single') return new Redis(url, base);
  const { lazyConnect, enableReadyCheck, enableOfflineQueue, retryStrategy: _retry, ...redisOptions } = base;
  return new Cluster([...target.nodes], {
    lazyConnect,
    enableReadyCheck,
    ...(enableOfflineQueue !== undefined && { enableOfflineQueue }),
    redisOptions: { ...redisOptions, ...clusterAuth(target) },
  });
}

/** Credentials and TLS of a cluster URL, for every node the client connects to. */
function clusterAuth(target: Extract<RedisTarget, { kind: 'cluster' }>): ClusterOptions['redisOptions'] {
  return {
    ...(target.username !== undefined && { username: target.username }),
    ...(target.password !== undefined && { password: target.password }),
    ...(target.tls && { tls: {} }),
  };
}

/**
 * Connects once with a short timeout and no retries, so a command with a wrong --redis fails in seconds with a
 * clear line instead of hanging on reconnects. A cluster URL must reach a Redis in cluster mode whose slots are all
 * served: its seed nodes are asked one by one (the Cluster client hides why a node failed), then the cluster.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const target = parseRedisTarget(url);
  const fail = (reason: string): RedisUnavailableError =>
    new RedisUnavailableError(`cannot reach Redis at ${redisLocation(url)}: ${reason}`);
  const probeOptions: RedisOptions = {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  };
  if (target.kind === 'single') {
    const reason = await probe(new Redis(url, probeOptions), async () => undefined);
    if (reason !== undefined) throw fail(reason);
    return;
  }
  let firstReason: string | undefined;
  let answered = false;
  for (const node of target.nodes) {
    const reason = await probe(new Redis({ ...probeOptions, ...node, ...clusterAuth(target) }), async (redis) => {
      const info = String(await redis.call('CLUSTER', 'INFO'));
      return /cluster_state:ok/.test(info)
        ? undefined
        : 'the cluster is not serving every slot (cluster_state is not ok)';
    });
    if (reason === undefined) {
      answered = true;
      break;
    }
    firstReason ??= reason;
  }
  if (!answered) throw fail(firstReason ?? 'no answer');
  const cluster = new Cluster([...target.nodes], {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: () => null,
    slotsRefreshTimeout: timeoutMs,
    redisOptions: { connectTimeout: timeoutMs, maxRetriesPerRequest: 0, ...clusterAuth(target) },
  });
  cluster.on('error', () => undefined);
  try {
    await withTimeout(
      cluster.connect().then(() => cluster.ping()),
      timeoutMs * 2,
    );
  } catch (caught) {
    throw fail(unreachableReason(nodeError(caught), false, true));
  } finally {
    cluster.disconnect();
  }
}

/**
 * Connects one client, pings it and runs `check`; returns why it failed, for a person, or undefined when it
 * answered. ioredis rejects connect() with a bare "Connection is closed."; the socket's own error says why.
 */
async function probe(redis: Redis, check: (redis: Redis) => Promise<string | undefined>): Promise<string | undefined> {
  let socketError: unknown;
  let connected = false;
  redis.on('error', (error: Error) => {
    socketError ??= error;
  });
  redis.on('connect', () => {
    connected = true;
  });
  try {
    await redis.connect();
    await redis.ping();
    return await check(redis);
  } catch (caught) {
    return unreachableReason(socketError ?? caught, connected, true);
  } finally {
    redis.disconnect();
  }
}

/** A cluster's "all nodes failed" error carries the last node's own error, which says why. */
function nodeError(error: unknown): unknown {
  const inner = (error as { lastNodeError?: unknown } | undefined)?.lastNodeError;
  return inner instanceof Error ? inner : error;
}

/** A cluster client whose nodes never answer keeps trying slots without rejecting: a bound keeps the probe short. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Why a probe failed, for a person; ioredis' own texts ("Protocol error ... Please report this.") are not. */
function unreachableReason(error: unknown, connected: boolean, cluster: boolean): string {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return 'Redis refused the credentials in the URL';
  }
  if (cluster && /cluster support disabled/i.test(message)) {
    return 'Redis there is not in cluster mode (use redis:// for a single Redis)';
  }
  if (connected || /Protocol error/i.test(message)) {
    // Something listens and answers, but not in Redis' protocol: another service's port, or TLS (rediss://).
    return `something listens there but does not answer as Redis (is this the Redis port? TLS needs rediss://)${code === undefined ? '' : ` [${code}]`}`;
  }
  if (code === 'ECONNREFUSED')
    return 'connection refused (is Redis running there? check --redis / REDIS_URL) [ECONNREFUSED]';
  if (code === 'ENOTFOUND') return 'host not found (check --redis / REDIS_URL) [ENOTFOUND]';
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return 'no answer in time [ETIMEDOUT]';
  return code ?? (message.split('\n')[0] || 'no answer');
}

/**
 * Whether an error is Redis being unreachable (a restart, a failover, a dropped connection) rather than anything a
 * job did: such errors never cost an item an attempt. CC errors are typed by the client and never match.
 */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'ClusterAllFailedError') return true;
  if (['CfApiError', 'NetworkError', 'UaaError', 'MalformedResponseError'].includes(error.name)) return false;
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|LOADING|READONLY|CLUSTERDOWN|TRYAGAIN|Failed to refresh slots cache/.test(
    error.message,
  );
}

/** Waits until Redis answers PING again (ioredis reconnects by itself), however long that takes. */
export async function waitForRedis(redis: RedisClient, intervalMs = 500): Promise<void> {
  for (;;) {
    try {
      if ((await redis.ping()) === 'PONG') return;
    } catch {
      // still down
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
