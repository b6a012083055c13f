import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName, bullPrefix } from '../jobs/queue-names.js';
import { JOB_RETENTION } from '../jobs/enqueue-job.js';
import type { CampaignMeta, PlanItem } from './campaign-model.js';
import type { CampaignStore } from './campaign-store.js';
import type { UnshareJobData } from './unshare-processor.js';

/** The unshare queue of a prefix. */
export function unshareQueue(redis: Redis, prefix: string): Queue<UnshareJobData> {
  return new Queue<UnshareJobData>(QueueName.unshare, { connection: redis, prefix: bullPrefix(prefix) });
}

/** Puts items on the unshare queue with ids derived from campaign, instance and space, so a re-add is a no-op. */
export async function enqueueItems(queue: Queue<UnshareJobData>, meta: CampaignMeta, items: readonly PlanItem[]): Promise<void> {
  for (let start = 0; start < items.length; start += 1000) {
    await queue.addBulk(
      items.slice(start, start + 1000).map((item) => ({
        name: 'unshare',
        data: { campaignId: meta.id, itemId: item.id },
        opts: { jobId: item.id, attempts: meta.options.maxAttempts, backoff: { type: 'campaign', delay: meta.options.retryDelaySeconds * 1000 }, ...JOB_RETENTION },
      })),
    );
  }
}

/**
 * Requeues every item without a final outcome whose job is gone or failed (a crash between attempts, jobs
 * removed by hand, a Redis restored from an older snapshot). Items still waiting, delayed or active are left alone.
 */
export async function requeueUnfinished(queue: Queue<UnshareJobData>, store: CampaignStore, meta: CampaignMeta): Promise<number> {
  const outcomes = await store.outcomes(meta.id);
  const again: PlanItem[] = [];
  for (const item of await store.items(meta.id)) {
    if (outcomes[item.id]) continue;
    const job = await queue.getJob(item.id);
    const state = job ? await job.getState() : 'missing';
    if (state === 'waiting' || state === 'delayed' || state === 'active' || state === 'prioritized' || state === 'waiting-children') continue;
    if (job) await job.remove();
    again.push(item);
  }
  await enqueueItems(queue, meta, again);
  return again.length;
}

/** Stops a campaign: no new attempts; queued items end `cancelled`, an attempt in flight finishes. */
export async function cancelCampaign(queue: Queue<UnshareJobData>, store: CampaignStore, meta: CampaignMeta): Promise<number> {
  await store.setStatus(meta.id, 'cancelled');
  const outcomes = await store.outcomes(meta.id);
  let cancelled = 0;
  for (const item of await store.items(meta.id)) {
    if (outcomes[item.id]) continue;
    const job = await queue.getJob(item.id);
    const state = job ? await job.getState() : 'missing';
    if (state === 'active') continue;
    if (job) await job.remove().catch(() => undefined);
    if (await store.finish(meta.id, item.id, { outcome: 'cancelled', attempts: 0, at: new Date().toISOString() })) cancelled += 1;
  }
  return cancelled;
}
