import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { ConnectionOptions } from '../config/connection-options.js';
import { foundationPrefix } from './queue-names.js';
import { createRedisConnection } from './redis-connection.js';
import { closeAll } from './close-all.js';

/** A job that was put on a queue. */
export interface EnqueuedJob<Result> {
  readonly jobId: string;
  /** Resolves with the job's result once a worker finishes it; rejects with its final failure. */
  wait(): Promise<Result>;
  /** Calls back with the job's progress objects while it runs. */
  onProgress(listener: (progress: unknown) => void): void;
  /** The job's BullMQ state now (`waiting`, `active`, `completed`, `failed`, … or `unknown` once removed). */
  state(): Promise<string>;
  close(): Promise<void>;
}

/** Keeps finished jobs long enough to be read back, and not forever. */
export const JOB_RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 100 },
  removeOnFail: { age: 30 * 24 * 3600, count: 500 },
};

/**
 * Puts one job on a queue of `connection.api`'s foundation (see `queueNameFor`, `foundationPrefix`), listening for its
 * events before it is added.
 */
export async function enqueueJob<Data, Result>(
  connection: Pick<ConnectionOptions, 'redisUrl' | 'prefix' | 'api'>,
  queueName: string,
  data: Data,
  options: JobsOptions = {},
): Promise<EnqueuedJob<Result>> {
  const queueRedis = createRedisConnection(connection.redisUrl);
  const eventsRedis = createRedisConnection(connection.redisUrl);
  const prefix = foundationPrefix(connection.prefix, connection.api, queueRedis);
  const queue = new Queue(queueName, { connection: queueRedis, prefix });
  // Listen before adding, so a fast worker's completion cannot be missed.
  const events = new QueueEvents(queueName, { connection: eventsRedis, prefix });
  const close = () =>
    closeAll([() => events.close(), () => queue.close(), () => queueRedis.quit(), () => eventsRedis.quit()]);
  let job: Awaited<ReturnType<typeof queue.add>>;
  try {
    await events.waitUntilReady();
    job = await queue.add(queueName, data, {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      ...JOB_RETENTION,
      ...options,
    });
  } catch (error) {
    // Open connections would keep retrying and the process would never exit.
    await close().catch(() => undefined);
    throw error;
  }
  const jobId = job.id!;
  return {
    jobId,
    wait: () => job.waitUntilFinished(events) as Promise<Result>,
    onProgress: (listener) =>
      events.on('progress', ({ jobId: id, data: progress }) => {
        if (id === jobId) listener(progress);
      }),
    state: () => queue.getJobState(jobId),
    close,
  };
}
