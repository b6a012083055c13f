import { userInfo } from 'node:os';
import { UsageError } from '../../usage-error.js';
import type { CampaignMeta, PauseRecord } from './campaign-model.js';
import type { CampaignStore } from './campaign-store.js';
import { requeueUnfinished, type CampaignQueues } from './campaign-queue.js';
import { campaignLiveness, orphanLine, type CampaignLiveness } from './campaign-liveness.js';
import { DEFAULTS } from '../../core/defaults.js';

/** What `campaign pause` did. */
export interface PauseResult {
  readonly record: PauseRecord;
  /** The campaign was paused before this call. */
  readonly already: boolean;
  /** Items of the campaign in a worker's hands now: they finish; nothing new starts. */
  readonly inFlight: number;
}

/** Who pauses: the OS user, for `campaign status` (never a credential). */
const whoAmI = (): string | undefined => {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
};

/**
 * Pauses a campaign: the pause is a record in Redis that every unshare processor reads before it starts an item, so
 * it reaches every worker of every machine and outlives restarts. The foundation's queue is not paused (BullMQ's
 * Queue.pause is global, and other campaigns share the queue). A campaign whose items are all final has nothing
 * left to pause: a usage error.
 */
export async function pauseCampaign(
  queues: CampaignQueues,
  store: CampaignStore,
  meta: CampaignMeta,
): Promise<PauseResult> {
  if (meta.status !== 'running')
    throw new UsageError(`campaign ${meta.id} is ${meta.status}: every item is final, there is nothing to pause`);
  const by = whoAmI();
  const { record, already } = await store.pause(meta.id, { at: new Date().toISOString(), ...(by && { by }) });
  const liveness = await campaignLiveness(queues, store, meta, record);
  return { record, already, inFlight: liveness.active - liveness.orphaned };
}

/** What `campaign resume` did. */
export interface ResumeResult {
  /** The pause it lifted, if the campaign was paused. */
  readonly lifted: PauseRecord | undefined;
  /** Parked jobs (moved back by a pause) put back in the queue at once. */
  readonly promoted: number;
  /** Items without a job that got a new one. */
  readonly requeued: number;
  /** Liveness after the requeue: live workers, and items held by a worker that is gone. */
  readonly liveness: CampaignLiveness;
}

/**
 * Resumes a campaign: lifts a pause (and puts the jobs it parked back in the queue at once), requeues items whose
 * job is gone, and says what still waits: items held by a dead worker's lock, and whether any worker is alive.
 */
export async function resumeCampaign(
  queues: CampaignQueues,
  store: CampaignStore,
  meta: CampaignMeta,
): Promise<ResumeResult> {
  const lifted = await store.unpause(meta.id);
  let promoted = 0;
  for (const itemId of await store.takeParked(meta.id)) {
    const job = await queues.unshare.getJob(itemId);
    if (!job || (await job.getState()) !== 'delayed') continue;
    // Another resume or the job's own recheck may promote it first: that is the same result.
    if (
      await job.promote().then(
        () => true,
        () => false,
      )
    )
      promoted += 1;
  }
  const requeued = await requeueUnfinished(queues, store, meta);
  const liveness = await campaignLiveness(queues, store, meta, undefined);
  return { lifted, promoted, requeued, liveness };
}

/** The lines `campaign resume` prints before it follows (or, with --detach, returns). */
export function resumeLines(meta: CampaignMeta, result: ResumeResult, options: { detach: boolean }): string[] {
  const { liveness } = result;
  const lines = [`campaign: ${meta.id}`];
  if (result.lifted)
    lines.push(
      `pause lifted (paused since ${result.lifted.at}): ${result.promoted} parked item(s) back in the queue at once`,
    );
  lines.push(
    `requeued ${result.requeued} item(s) with no job left; items still queued or running keep their jobs` +
      (liveness.active > 0 ? ` (${liveness.active} active)` : ''),
  );
  if (liveness.orphaned > 0) lines.push(orphanLine(liveness, Number(process.env.CF_SHARES_LOCK_MS) || DEFAULTS.lockMs));
  if (meta.status !== 'running') return lines;
  if (!options.detach) lines.push(`working it in this process with any other worker of ${meta.api}, until it is done`);
  else if (liveness.workers === 0)
    lines.push(
      `no worker of ${meta.api} is alive: the items wait for one (start 'cf-shares worker' logged in to it as an admin)`,
    );
  else lines.push(`${liveness.workers} worker(s) of ${meta.api} will work it`);
  return lines;
}
