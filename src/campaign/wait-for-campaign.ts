import type { CampaignStore } from './campaign-store.js';
import { summarizeCampaign, type CampaignProgress } from './campaign-summary.js';

/** Polls Redis until the campaign is done or cancelled and verified, calling back with progress. */
export async function waitForCampaign(store: CampaignStore, id: string, onProgress: (progress: CampaignProgress) => void, stop?: AbortSignal): Promise<CampaignProgress> {
  for (;;) {
    const meta = await store.meta(id);
    if (!meta) throw new Error(`campaign ${id} vanished from Redis`);
    const progress = summarizeCampaign(meta, await store.outcomes(id));
    onProgress(progress);
    if ((meta.status === 'done' || meta.status === 'cancelled') && (await store.verification(id))) return progress;
    if (stop?.aborted) return progress;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
