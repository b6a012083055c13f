import { Queue, QueueEvents } from 'bullmq';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { CrawlJobData, CrawlJobResult } from './crawl-job.js';
import { QueueName, bullPrefix } from './queue-names.js';
import { createRedisConnection } from './redis-connection.js';
import { closeAll } from './close-all.js';

/** A crawl job that was put on the queue. */
export interface EnqueuedCrawl {
  readonly jobId: string;
  /** Resolves with the job's result once a worker finishes it; rejects with its failure. */
  wait(): Promise<CrawlJobResult>;
  close(): Promise<void>;
}

/** Keeps finished crawl jobs long enough to be read back, and not forever. */
const RETENTION = { removeOnComplete: { age: 7 * 24 * 3600, count: 100 }, removeOnFail: { age: 30 * 24 * 3600, count: 500 } };

/** Puts one crawl job on the queue of `connection.prefix`. */
export async function enqueueCrawl(connection: ConnectionOptions): Promise<EnqueuedCrawl> {
  const prefix = bullPrefix(connection.prefix);
  const queueRedis = createRedisConnection(connection.redisUrl);
  const eventsRedis = createRedisConnection(connection.redisUrl);
  const queue = new Queue<CrawlJobData, CrawlJobResult>(QueueName.crawl, { connection: queueRedis, prefix });
  // Listen before adding, so a fast worker's completion cannot be missed.
  const events = new QueueEvents(QueueName.crawl, { connection: eventsRedis, prefix });
  await events.waitUntilReady();
  const job = await queue.add('crawl', { requestedAt: new Date().toISOString() }, { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, ...RETENTION });
  return {
    jobId: job.id!,
    wait: () => job.waitUntilFinished(events),
    close: () => closeAll([() => events.close(), () => queue.close(), () => queueRedis.quit(), () => eventsRedis.quit()]),
  };
}
