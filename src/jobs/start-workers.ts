import { Worker, type Processor } from 'bullmq';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { Logger } from '../log.js';
import { connectClient } from './connect-client.js';
import { reportProcessor } from './report-job.js';
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
export async function startWorkers(connection: ConnectionOptions, log: Logger, options: { reportsDir?: string; inProcess?: boolean } = {}): Promise<RunningWorkers> {
  const client = await connectClient(connection, log);
  const bullRedis = createRedisConnection(connection.redisUrl);
  const dataRedis = createRedisConnection(connection.redisUrl, { maxRetriesPerRequest: 3 });
  for (const redis of [bullRedis, dataRedis]) redis.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'redis connection error'));
  const processors: Array<[string, Processor]> = [
    [QueueName.report, reportProcessor(client, connection.api, dataRedis, connection.prefix, log, options.reportsDir)],
  ];
  const workers = processors.map(([name, processor]) => {
    const worker = new Worker(name, processor, { connection: bullRedis, prefix: bullPrefix(connection.prefix), concurrency: 1 });
    // An in-process worker's command reports the failure itself, as its last line; a standalone worker must log it.
    worker.on('failed', (job, error) => log[options.inProcess ? 'debug' : 'error']({ queue: name, jobId: job?.id, err: { message: error.message } }, 'job failed'));
    worker.on('error', (error) => log.error({ queue: name, err: { message: error.message } }, 'worker error'));
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  log.info({ queues: processors.map(([name]) => name), prefix: connection.prefix }, 'worker ready');
  return {
    close: () => closeAll([...workers.map((worker) => () => worker.close()), () => client.close(), () => bullRedis.quit(), () => dataRedis.quit()]),
  };
}
