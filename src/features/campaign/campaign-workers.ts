import { Queue, type Worker } from 'bullmq';
import type { RedisClient } from '../../core/redis-connection.js';
import type { CfClient } from '../../client/index.js';
import type { Logger } from '../../log.js';
import { QueueName, foundationPrefix, queueNameFor } from '../../core/queue-names.js';
import { DEFAULTS } from '../../core/defaults.js';
import type { QueueProcessor } from '../../core/worker-host.js';
import { CampaignStore } from './campaign-store.js';
import { unshareProcessor } from './unshare-processor.js';
import { finalizeCampaign } from './finalize-campaign.js';
import { campaignBackoff } from './campaign-backoff.js';
import { finalizeWhenAllFinal, reconcileFailedJobs, type FinalizeJobData } from './campaign-queue.js';

/**
 * How often an item's job may stall (its worker died or lost Redis mid-item) before the item is failed. Unsharing
 * is idempotent, so a stall costs nothing but time; a job that keeps killing its workers must still end.
 */
const ITEM_MAX_STALLS = Number(process.env.CF_SHARES_MAX_STALLS) || 10;

/**
 * How long one attempt of `--delete-bindings-first` waits for a binding's delete job before handing the item back
 * as blocked: CC may poll an asynchronous broker for hours (cc-api.md §13), far longer than a job should hold a slot.
 */
const UNBIND_WAIT_MS = Number(process.env.CF_SHARES_UNBIND_WAIT_MS) || 60_000;

/**
 * How long one attempt of a broker-level item polls its update's job before handing the item back (the job keeps
 * running; the next attempt follows the same job): an asynchronous broker may take long.
 */
const BROKER_JOB_WAIT_MS = Number(process.env.CF_SHARES_BROKER_JOB_WAIT_MS) || 60_000;

/** Only an admin may unshare for others (cc-api.md §1.2): a read-only identity would fail every item with 403. */
export function campaignRefusal(client: CfClient): string | undefined {
  const identity = client.identity;
  if (identity?.kind === 'admin') return undefined;
  return `${identity?.userName ?? identity?.clientId ?? 'this identity'} is ${identity?.kind ?? 'unknown'}: campaign work needs cloud_controller.admin`;
}

export interface CampaignWorkersOptions {
  readonly client: CfClient;
  readonly api: string;
  /** For the queues the processors add to (finalisation) and pause (rate limits). */
  readonly bullRedis: RedisClient;
  /** For the campaign store and the shared write window. */
  readonly dataRedis: RedisClient;
  /** The cf-shares prefix (not BullMQ's). */
  readonly prefix: string;
  readonly log: Logger;
  /** @defaultValue `DEFAULTS.unshareConcurrency` */
  readonly unshareConcurrency?: number;
  /** @defaultValue `DEFAULTS.reconcileMs` */
  readonly reconcileMs?: number;
  /**
   * Called after each finalisation job (the campaign is done or cancelled by then), for other features' work at a
   * campaign's end (the notify feature's alert). Runs again if the job is retried: it must be idempotent.
   */
  readonly onFinished?: (campaignId: string, store: CampaignStore) => Promise<void>;
}

/** The campaign feature's share of a worker process: its two queues, and the reconciler of failed item jobs. */
export interface CampaignWorkers {
  readonly queues: readonly QueueProcessor[];
  /** Hooks the reconciler to the unshare worker's failures and to a timer. */
  attach(workers: ReadonlyMap<string, Worker>): void;
  /** Records items left failed without an outcome (a previous worker's leftovers); call once the workers are ready. */
  reconcile(): void;
  close(): Promise<void>;
}

/** Builds the unshare and finalisation processors of one foundation's campaigns. */
export function campaignWorkers(options: CampaignWorkersOptions): CampaignWorkers {
  const { client, api, log } = options;
  const prefix = foundationPrefix(options.prefix, api, options.bullRedis);
  const store = new CampaignStore(options.dataRedis, options.prefix);
  const unshareName = queueNameFor(QueueName.unshare, api);
  const finalizeQueue = new Queue<FinalizeJobData>(queueNameFor(QueueName.campaign, api), {
    connection: options.bullRedis,
    prefix,
  });
  const unshareQueue = new Queue(unshareName, { connection: options.bullRedis, prefix });
  const onFinal = async (campaignId: string): Promise<void> => {
    const meta = await store.meta(campaignId);
    if (meta) await finalizeWhenAllFinal(finalizeQueue, store, meta);
  };

  // Items whose jobs ended in the failed set without an outcome get one: at start (a previous worker's leftovers),
  // on every failure, and on a timer (a job failed by another worker's stall check emits nothing here).
  let reconciling: Promise<unknown> = Promise.resolve();
  const reconcile = (): void => {
    reconciling = reconciling
      .then(() => reconcileFailedJobs(unshareQueue, store, onFinal))
      .then(
        (recorded) =>
          recorded > 0 && log.warn({ recorded }, 'items whose jobs failed without an outcome were recorded failed'),
      )
      .catch((error: Error) => log.warn({ err: { message: error.message } }, 'reconciling failed jobs did not finish'));
  };
  let timer: NodeJS.Timeout | undefined;

  return {
    queues: [
      {
        queueName: unshareName,
        processor: unshareProcessor({
          client,
          api,
          store,
          redis: options.dataRedis,
          log,
          queue: () => unshareQueue,
          onFinal,
          unbindWaitMs: UNBIND_WAIT_MS,
          brokerJobWaitMs: BROKER_JOB_WAIT_MS,
        }),
        options: {
          concurrency: options.unshareConcurrency ?? DEFAULTS.unshareConcurrency,
          maxStalledCount: ITEM_MAX_STALLS,
          settings: { backoffStrategy: campaignBackoff },
        },
      },
      {
        queueName: queueNameFor(QueueName.campaign, api),
        processor: async (job) => {
          const { campaignId } = job.data as FinalizeJobData;
          await finalizeCampaign(client, store, campaignId);
          await options.onFinished?.(campaignId, store);
        },
      },
    ],
    attach(workers) {
      timer = setInterval(reconcile, options.reconcileMs ?? DEFAULTS.reconcileMs);
      timer.unref();
      workers.get(unshareName)?.on('failed', reconcile);
    },
    reconcile,
    close: async () => {
      if (timer) clearInterval(timer);
      await reconciling;
      await finalizeQueue.close();
      await unshareQueue.close();
    },
  };
}
