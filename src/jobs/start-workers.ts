import { Queue, Worker, type Processor, type WorkerOptions } from 'bullmq';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { Logger } from '../log.js';
import { connectClient } from './connect-client.js';
import { reportProcessor } from './report-job.js';
import { QueueName, bullPrefix } from './queue-names.js';
import { createRedisConnection } from './redis-connection.js';
import { closeAll } from './close-all.js';
import { CampaignStore } from '../campaign/campaign-store.js';
import { unshareProcessor } from '../campaign/unshare-processor.js';
import { finalizeCampaign } from '../campaign/finalize-campaign.js';
import { campaignBackoff } from '../campaign/campaign-backoff.js';

/** Running workers of one process. */
export interface RunningWorkers {
  close(): Promise<void>;
}

export interface StartWorkersOptions {
  /** Also write scheduled reports here. */
  reportsDir?: string;
  /** The command that started these workers reports failures itself. */
  inProcess?: boolean;
  /** Unshare items worked at once by this process. @defaultValue 4 */
  unshareConcurrency?: number;
  /**
   * How long a job's lock lasts without renewal; a worker killed mid-job has its jobs picked up by another after
   * about this long. @defaultValue 30000 (BullMQ's), or CF_SHARES_LOCK_MS
   */
  lockMs?: number;
}

/**
 * Starts a worker for every queue, logged in with this process's own credentials. Used by `cf-shares worker` and
 * by commands that run an in-process worker while they wait.
 */
export async function startWorkers(connection: ConnectionOptions, log: Logger, options: StartWorkersOptions = {}): Promise<RunningWorkers> {
  const client = await connectClient(connection, log);
  const bullRedis = createRedisConnection(connection.redisUrl);
  const dataRedis = createRedisConnection(connection.redisUrl, { maxRetriesPerRequest: 3 });
  for (const redis of [bullRedis, dataRedis]) redis.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'redis connection error'));
  const prefix = bullPrefix(connection.prefix);
  const store = new CampaignStore(dataRedis, connection.prefix);
  const campaignQueue = new Queue(QueueName.campaign, { connection: bullRedis, prefix });
  let unshareWorker: Worker | undefined;

  const processors: Array<[string, Processor, Partial<WorkerOptions>]> = [
    [QueueName.report, reportProcessor(client, connection.api, dataRedis, connection.prefix, log, options.reportsDir), {}],
    [
      QueueName.unshare,
      unshareProcessor({
        client,
        store,
        log,
        worker: () => unshareWorker,
        onFinal: async (campaignId) => {
          const meta = await store.meta(campaignId);
          // The deterministic job id makes this idempotent when two workers finish the last items at once.
          if (meta && (await store.finishedCount(campaignId)) >= meta.total) {
            await campaignQueue.add('finalize', { campaignId }, { jobId: `finalize-${campaignId}`, attempts: 5, backoff: { type: 'exponential', delay: 2000 } });
          }
        },
      }),
      { concurrency: options.unshareConcurrency ?? 4, settings: { backoffStrategy: campaignBackoff } },
    ],
    [QueueName.campaign, async (job) => finalizeCampaign(client, store, (job.data as { campaignId: string }).campaignId), {}],
  ];
  const lockDuration = options.lockMs ?? (Number(process.env.CF_SHARES_LOCK_MS) || 30_000);
  const workers = processors.map(([name, processor, extra]) => {
    const worker = new Worker(name, processor, { connection: bullRedis, prefix, concurrency: 1, lockDuration, stalledInterval: lockDuration, ...extra });
    // An in-process worker's command reports the failure itself, as its last line; a standalone worker must log it.
    worker.on('failed', (job, error) => log[options.inProcess ? 'debug' : 'warn']({ queue: name, jobId: job?.id, err: { message: error.message } }, 'job failed'));
    worker.on('error', (error) => log.error({ queue: name, err: { message: error.message } }, 'worker error'));
    if (name === QueueName.unshare) unshareWorker = worker;
    return worker;
  });
  const close = () =>
    closeAll([...workers.map((worker) => () => worker.close()), () => campaignQueue.close(), () => client.close(), () => bullRedis.quit(), () => dataRedis.quit()]);
  try {
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  log.info({ queues: processors.map(([name]) => name), prefix: connection.prefix }, 'worker ready');
  return { close };
}
