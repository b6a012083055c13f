import { Queue } from 'bullmq';
import type { RedisClient } from '../../core/redis-connection.js';
import { DEFAULTS } from '../../core/defaults.js';
import { JOB_RETENTION } from '../../core/enqueue-job.js';
import { QueueName, foundationPrefix, queueNameFor } from '../../core/queue-names.js';
import type { NotifyJobData } from './notify-model.js';

/**
 * Puts notifications on the foundation's `notify` queue, one job per URL, each with its notification id as job id:
 * BullMQ does not add a job whose id exists, so a retried report or finalisation job that enqueues again sends
 * nothing twice. Retries with exponential backoff; which answers are final is the processor's decision.
 */
export async function enqueueNotifications(
  redis: RedisClient,
  prefix: string,
  api: string,
  jobs: readonly NotifyJobData[],
): Promise<void> {
  if (jobs.length === 0) return;
  const name = queueNameFor(QueueName.notify, api);
  // The caller's data connection: a Queue does not block, and closing it leaves a shared connection open.
  const queue = new Queue<NotifyJobData>(name, { connection: redis, prefix: foundationPrefix(prefix, api, redis) });
  try {
    for (const data of jobs)
      await queue.add(name, data, {
        jobId: data.notificationId,
        attempts: DEFAULTS.notifyAttempts,
        backoff: {
          type: 'exponential',
          delay: Number(process.env.CF_SHARES_NOTIFY_BACKOFF_MS) || DEFAULTS.notifyBackoffMs,
        },
        ...JOB_RETENTION,
      });
  } finally {
    await queue.close();
  }
}
