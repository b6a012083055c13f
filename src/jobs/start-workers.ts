import { Worker } from 'bullmq';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { Logger } from '../log.js';
import { connectClient } from './connect-client.js';
import { crawlProcessor } from './crawl-job.js';
import { QueueName, bullPrefix } from './queue-names.js';
import { createRedisConnection } from './redis-connection.js';
import { closeAll } from './close-all.js';

/** Running workers of one process. */
export interface RunningWorkers {
  close(): Promise<void>;
}

/**
 * Starts a worker for every queue, logged in with this process's own credentials. Used by `cf-shares worker` and
 * by commands that run an in-process worker while they wait.
 */
export async function startWorkers(connection: ConnectionOptions, log: Logger): Promise<RunningWorkers> {
  const client = await connectClient(connection, log);
  const redis = createRedisConnection(connection.redisUrl);
  redis.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'redis connection error'));
  const crawl = new Worker(QueueName.crawl, crawlProcessor(client, connection.api, log), {
    connection: redis,
    prefix: bullPrefix(connection.prefix),
    concurrency: 1,
  });
  crawl.on('failed', (job, error) => log.error({ jobId: job?.id, err: { message: error.message } }, 'crawl job failed'));
  crawl.on('error', (error) => log.error({ err: { message: error.message } }, 'worker error'));
  await crawl.waitUntilReady();
  log.info({ queues: [QueueName.crawl], prefix: connection.prefix }, 'worker ready');
  return {
    close: () => closeAll([() => crawl.close(), () => client.close(), () => redis.quit()]),
  };
}
