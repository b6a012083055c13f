import type { Logger } from '../../log.js';
import { createRedisConnection } from '../../core/redis-connection.js';
import { closeAll } from '../../core/close-all.js';
import { createMetrics, type CfSharesMetrics } from './cf-shares-metrics.js';
import { serveMetrics } from './serve-metrics.js';

/** Metrics of a worker process: the registry its clients count into, served on its own port. */
export interface RunningMetrics {
  readonly metrics: CfSharesMetrics;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `worker --metrics-port`: one Redis connection for the gauges (apart from the workers', so a scrape never waits
 * behind a blocking BullMQ command) and the `/metrics` server.
 */
export async function startMetrics(options: {
  redisUrl: string;
  prefix: string;
  host: string;
  port: number;
  log: Logger;
  extraApis?: readonly string[];
}): Promise<RunningMetrics> {
  const redis = createRedisConnection(options.redisUrl, { maxRetriesPerRequest: 3 });
  redis.on('error', (error: Error) =>
    options.log.warn({ err: { message: error.message } }, 'metrics redis connection error'),
  );
  const metrics = createMetrics({
    redis,
    prefix: options.prefix,
    ...(options.extraApis !== undefined && { extraApis: options.extraApis }),
  });
  let server;
  try {
    server = await serveMetrics(metrics, options);
  } catch (error) {
    await closeAll([() => metrics.close(), () => redis.quit()]).catch(() => undefined);
    throw error;
  }
  const running = server;
  return {
    metrics,
    url: running.url,
    close: () => closeAll([() => running.close(), () => metrics.close(), () => redis.quit()]),
  };
}
