import { Queue, type JobState } from 'bullmq';
import type { RedisClient } from '../../core/redis-connection.js';
import { QueueName, foundationPrefix, queueNameFor } from '../../core/queue-names.js';
import { JOB_RETENTION } from '../../core/enqueue-job.js';
import type { CampaignItem, CampaignMeta } from './campaign-model.js';
import type { CampaignStore } from './campaign-store.js';
import type { UnshareJobData } from './unshare-processor.js';

/** Job data of a campaign's finalisation. */
export interface FinalizeJobData {
  readonly campaignId: string;
  readonly api: string;
}

/** The two queues of one foundation's campaigns: one job per item, and one finalisation per campaign. */
export interface CampaignQueues {
  readonly unshare: Queue<UnshareJobData>;
  readonly finalize: Queue<FinalizeJobData>;
  /** The connection the queues use, for what BullMQ does not read itself (a job's lock). */
  readonly redis: RedisClient;
  close(): Promise<void>;
}

export function campaignQueues(redis: RedisClient, prefix: string, api: string): CampaignQueues {
  const options = { connection: redis, prefix: foundationPrefix(prefix, api, redis) };
  const unshare = new Queue<UnshareJobData>(queueNameFor(QueueName.unshare, api), options);
  const finalize = new Queue<FinalizeJobData>(queueNameFor(QueueName.campaign, api), options);
  return {
    unshare,
    finalize,
    redis,
    close: async () => {
      await Promise.all([unshare.close(), finalize.close()]);
    },
  };
}

/** States in which a job will still run without anyone's help. */
export const LIVE_STATES: readonly (JobState | 'unknown')[] = [
  'waiting',
  'delayed',
  'active',
  'prioritized',
  'waiting-children',
];

/** Puts items on the unshare queue with ids derived from campaign, instance and space, so a re-add is a no-op. */
export async function enqueueItems(
  queue: Queue<UnshareJobData>,
  meta: CampaignMeta,
  items: readonly CampaignItem[],
): Promise<void> {
  for (let start = 0; start < items.length; start += 1000) {
    await queue.addBulk(
      items.slice(start, start + 1000).map((item) => ({
        name: 'unshare',
        data: { campaignId: meta.id, itemId: item.id, api: meta.api },
        opts: {
          jobId: item.id,
          attempts: meta.options.maxAttempts,
          backoff: { type: 'campaign', delay: meta.options.retryDelaySeconds * 1000 },
          ...JOB_RETENTION,
        },
      })),
    );
  }
}

/** Queues the campaign's verification pass once; the fixed job id makes concurrent calls one job. */
export async function enqueueFinalize(
  queue: Queue<FinalizeJobData>,
  meta: Pick<CampaignMeta, 'id' | 'api'>,
): Promise<void> {
  const jobId = `finalize-${meta.id}`;
  const existing = await queue.getJob(jobId);
  // A finalisation that failed for good (CC down for its attempts) must not block a later one.
  if (existing && (await existing.getState()) === 'failed') await existing.remove();
  await queue.add(
    'finalize',
    { campaignId: meta.id, api: meta.api },
    { jobId, attempts: 8, backoff: { type: 'exponential', delay: 2000 }, ...JOB_RETENTION },
  );
}

/**
 * Queues the verification pass of a campaign that is not done and whose every item has an outcome: the one check
 * behind an item's last outcome, a requeue that found nothing to requeue, and a cancel. Says whether it queued.
 */
export async function finalizeWhenAllFinal(
  queue: Queue<FinalizeJobData>,
  store: CampaignStore,
  meta: CampaignMeta,
): Promise<boolean> {
  if (meta.status === 'done' || (await store.finishedCount(meta.id)) < meta.total) return false;
  await enqueueFinalize(queue, meta);
  return true;
}

/** Items with no outcome, each with the state of its job (`missing` when there is none). */
export async function unfinishedItems(
  queue: Queue<UnshareJobData>,
  store: CampaignStore,
  meta: CampaignMeta,
): Promise<Array<{ item: CampaignItem; state: JobState | 'unknown' | 'missing' }>> {
  const outcomes = await store.outcomes(meta.id);
  const open = (await store.items(meta.id)).filter((item) => !outcomes[item.id]);
  return Promise.all(
    open.map(async (item) => ({
      item,
      state: await queue.getJobState(item.id).then((state) => (state === 'unknown' ? 'missing' : state)),
    })),
  );
}

/**
 * Requeues every item without a final outcome whose job is gone (a crash between attempts, jobs removed by hand, a
 * Redis restored from an older snapshot). Items still waiting, delayed or active are left alone; a failed job with
 * no outcome is recorded `failed` by the workers' reconciler, not retried here.
 */
export async function requeueUnfinished(
  queues: CampaignQueues,
  store: CampaignStore,
  meta: CampaignMeta,
): Promise<number> {
  const again: CampaignItem[] = [];
  for (const { item, state } of await unfinishedItems(queues.unshare, store, meta)) {
    if (LIVE_STATES.includes(state as JobState)) continue;
    if (state !== 'missing') await (await queues.unshare.getJob(item.id))?.remove();
    again.push(item);
  }
  await enqueueItems(queues.unshare, meta, again);
  if (again.length === 0) await finalizeWhenAllFinal(queues.finalize, store, meta);
  return again.length;
}

/** What `campaign cancel` did: items it ended, and items a worker must settle first. */
export interface CancelResult {
  /** Items that had sent nothing, ended `cancelled` here. */
  cancelled: number;
  /**
   * Items whose earlier attempt sent a write (a binding's DELETE, the unshare) and that have no outcome yet: whether it
   * took effect is for a read of the shared spaces to say, so they go to a worker at once instead of being recorded
   * as never run.
   */
  settling: number;
  /** Items a worker holds (or held, until the stalled-job check hands them on): that worker's run records them. */
  inFlight: number;
}

/**
 * Stops a campaign: no new attempts. An item that sent nothing ends `cancelled`; an item that did is handed to a
 * worker, which reads its shares and records what happened; an attempt in flight finishes.
 */
export async function cancelCampaign(
  queues: CampaignQueues,
  store: CampaignStore,
  meta: CampaignMeta,
): Promise<CancelResult> {
  await store.setStatus(meta.id, 'cancelled');
  const result: CancelResult = { cancelled: 0, settling: 0, inFlight: 0 };
  for (const { item, state } of await unfinishedItems(queues.unshare, store, meta)) {
    if (state === 'active') {
      result.inFlight += 1;
      continue;
    }
    if (await store.lastWrite(meta.id, item.id)) {
      if (state === 'delayed') await (await queues.unshare.getJob(item.id))?.promote().catch(() => undefined);
      else if (state === 'missing') await enqueueItems(queues.unshare, meta, [item]);
      result.settling += 1;
      continue;
    }
    if (state !== 'missing') {
      // A job a worker took meanwhile is locked and stays: that worker reads the status and records the item.
      const job = await queues.unshare.getJob(item.id);
      if (
        job &&
        !(await job.remove().then(
          () => true,
          () => false,
        ))
      )
        continue;
    }
    if (
      await store.finish(meta.id, item.id, {
        outcome: 'cancelled',
        attempts: 0,
        at: new Date().toISOString(),
        reason: 'campaign cancelled; no write was sent for this item',
      })
    )
      result.cancelled += 1;
  }
  await finalizeWhenAllFinal(queues.finalize, store, meta);
  return result;
}

/**
 * Gives an outcome to every item whose job ended in BullMQ's failed set without one: attempts spent on errors the
 * processor did not decide, a job that kept stalling (its worker died each time), an unrecoverable error. Without
 * this, such items would have no outcome and a campaign would wait forever.
 */
export async function reconcileFailedJobs(
  queue: Queue<UnshareJobData>,
  store: CampaignStore,
  onFinal: (campaignId: string) => Promise<void>,
): Promise<number> {
  let recorded = 0;
  const touched = new Set<string>();
  for (let start = 0; ; start += 500) {
    const jobs = await queue.getFailed(start, start + 499);
    for (const job of jobs) {
      const data = job?.data as UnshareJobData | undefined;
      if (!data?.campaignId || !data.itemId) continue;
      if (await store.outcome(data.campaignId, data.itemId)) continue;
      const finished = await store.finish(data.campaignId, data.itemId, {
        outcome: 'failed',
        attempts: job.attemptsMade,
        at: new Date().toISOString(),
        reason: `job failed without an outcome: ${job.failedReason || 'no reason given'}${await unansweredUnshare(store, data)}`,
      });
      if (finished) {
        recorded += 1;
        touched.add(data.campaignId);
      }
    }
    if (jobs.length < 500) break;
  }
  for (const campaignId of touched) await onFinal(campaignId);
  return recorded;
}

/**
 * What a failed record must not hide: an unshare of the item that went out with no answer (a worker that died while
 * CC carried it out, time after time). No read is made here, so the record says that, and the campaign's verification
 * reads every share at its end.
 */
async function unansweredUnshare(store: CampaignStore, data: UnshareJobData): Promise<string> {
  const sent = await store.unansweredUnshare(data.campaignId, data.itemId);
  if (!sent) return '';
  return `; its unshare ${sent.method} ${sent.path} (request id ${sent.id}, ${sent.at}) went out and its answer is unknown, so whether it took effect was not checked`;
}
