import type { RedisClient } from '../../core/redis-connection.js';
import { brokerStatusLine, type CampaignMeta } from './campaign-model.js';
import type { CampaignStore } from './campaign-store.js';
import { campaignQueues } from './campaign-queue.js';
import { progressLine, summarizeCampaign, type CampaignProgress } from './campaign-summary.js';
import { campaignLiveness, isProgressing, livenessLine, type CampaignLiveness } from './campaign-liveness.js';
import { waitingFor } from './campaign-actions.js';

/** What `campaign status` shows: progress, whether anything moves the campaign, and what it waits for. */
export interface CampaignStatusView {
  readonly progress: CampaignProgress;
  /** Null once the campaign is done or cancelled. */
  readonly liveness: CampaignLiveness | null;
  /** Why it waits, when no worker serves its foundation. */
  readonly waiting: string | undefined;
  /** The lines a person reads. */
  readonly lines: readonly string[];
}

/** Reads a campaign's status: outcomes, a pause, live workers, items held by a dead worker, the recent rate. */
export async function campaignStatus(
  redis: RedisClient,
  prefix: string,
  store: CampaignStore,
  id: string,
): Promise<CampaignStatusView> {
  const meta: CampaignMeta = (await store.meta(id))!;
  const tally = await store.tally(id);
  const paused = await store.pauseRecord(id);
  const queues = campaignQueues(redis, prefix, meta.api);
  let liveness: CampaignLiveness | null = null;
  try {
    if (meta.status === 'running') liveness = await campaignLiveness(queues, store, meta, paused);
  } finally {
    await queues.close();
  }
  const progress = summarizeCampaign(meta, tally, Date.now(), {
    paused,
    progressing: liveness === null || isProgressing(liveness),
  });
  const waiting = await waitingFor(redis, prefix, meta);
  const live = liveness && livenessLine(meta, liveness);
  const lines = [
    progressLine(progress),
    ...(meta.broker ? [brokerStatusLine(meta.broker)] : []),
    ...(live ? [live] : waiting ? [waiting] : []),
  ];
  return { progress, liveness, waiting, lines };
}
