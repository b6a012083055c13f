import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import { foundationPrefix } from './queue-names.js';

/** How the jobs a command waited for ended: ids by final state, and those still open when the wait ended. */
export interface JobsEnd {
  readonly completed: readonly string[];
  readonly failed: readonly string[];
  readonly pending: readonly string[];
}

/**
 * Waits until each job is completed or failed, or `timeoutMs` passes, polling its state (the jobs were added by a
 * worker, possibly before this process listened for events, so events could be missed). Jobs removed meanwhile
 * count as completed: only finished jobs are removed.
 */
export async function waitForJobs(
  redis: RedisClient,
  prefix: string,
  api: string,
  queueName: string,
  jobIds: readonly string[],
  timeoutMs: number,
  pollMs = 200,
): Promise<JobsEnd> {
  const queue = new Queue(queueName, { connection: redis, prefix: foundationPrefix(prefix, api, redis) });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const states = await Promise.all(jobIds.map(async (id) => [id, await queue.getJobState(id)] as const));
      const pick = (wanted: (state: string) => boolean) => states.filter(([, s]) => wanted(s)).map(([id]) => id);
      const pending = pick((s) => s !== 'completed' && s !== 'failed' && s !== 'unknown');
      if (pending.length === 0 || Date.now() >= deadline)
        return {
          completed: pick((s) => s === 'completed' || s === 'unknown'),
          failed: pick((s) => s === 'failed'),
          pending,
        };
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await queue.close();
  }
}
