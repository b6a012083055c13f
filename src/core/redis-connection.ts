import { Redis, type RedisOptions } from 'ioredis';
import { redactUserinfo } from '../config/connection-options.js';

/** Thrown when Redis cannot be reached at start-up: one line that names the server, never its password. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * A connection for BullMQ. Workers block on Redis, so ioredis must not give up on a command
 * (`maxRetriesPerRequest: null`, which BullMQ requires for workers).
 */
export function createRedisConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true, ...options });
}

/**
 * Connects once with a short timeout and no retries, so a command with a wrong --redis fails in seconds with a
 * clear line instead of hanging on reconnects.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // ioredis rejects connect() with a bare "Connection is closed."; the socket's own error says why.
  let socketError: Error | undefined;
  let connected = false;
  probe.on('error', (error: Error) => {
    socketError ??= error;
  });
  probe.on('connect', () => {
    connected = true;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (caught) {
    throw new RedisUnavailableError(
      `cannot reach Redis at ${redactUserinfo(url)}: ${unreachableReason(socketError ?? caught, connected)}`,
    );
  } finally {
    probe.disconnect();
  }
}

/** Why a probe failed, for a person; ioredis' own texts ("Protocol error ... Please report this.") are not. */
function unreachableReason(error: unknown, connected: boolean): string {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return 'Redis refused the credentials in the URL';
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
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (['CfApiError', 'NetworkError', 'UaaError', 'MalformedResponseError'].includes(error.name)) return false;
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|LOADING|READONLY|CLUSTERDOWN|TRYAGAIN/.test(
    error.message,
  );
}

/** Waits until Redis answers PING again (ioredis reconnects by itself), however long that takes. */
export async function waitForRedis(redis: Redis, intervalMs = 500): Promise<void> {
  for (;;) {
    try {
      if ((await redis.ping()) === 'PONG') return;
    } catch {
      // still down
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
