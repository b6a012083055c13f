import type { RedisClient } from '../../core/redis-connection.js';
import type { Logger } from '../../log.js';
import { DEFAULTS } from '../../core/defaults.js';
import { notifyOrigin } from '../../config/notify-urls.js';
import type { CampaignStore } from '../campaign/campaign-store.js';
import { buildCampaignNotification } from './campaign-notification.js';
import { notificationId, type NotifyJobData } from './notify-model.js';
import { enqueueNotifications } from './enqueue-notification.js';

/**
 * The notify feature's part of a campaign's finalisation: once the campaign is done or cancelled, one notify job per
 * URL given to `unshare-all --notify`, with ids from the campaign id and the URL's hash (a retried finalisation adds
 * the same ids, which BullMQ ignores). Then the URLs are forgotten, so the notify jobs hold the only copy.
 */
export function notifyCampaignHook(redis: RedisClient, prefix: string, log: Logger) {
  return async (campaignId: string, store: CampaignStore): Promise<void> => {
    const urls = await store.notifyUrls(campaignId);
    if (urls.length === 0) return;
    const meta = await store.meta(campaignId);
    if (!meta || (meta.status !== 'done' && meta.status !== 'cancelled')) return;
    const [items, outcomes, verification] = await Promise.all([
      store.items(campaignId),
      store.outcomes(campaignId),
      store.verification(campaignId),
    ]);
    const jobs: NotifyJobData[] = urls.map((url) => {
      const id = notificationId(`campaign-${campaignId}`, url);
      return {
        url,
        notificationId: id,
        payload: buildCampaignNotification({
          notificationId: id,
          meta,
          items,
          outcomes,
          stillShared: verification?.still_shared.length ?? 0,
          namedLimit: DEFAULTS.notifyNamedFindings,
        }),
      };
    });
    await enqueueNotifications(redis, prefix, meta.api, jobs);
    await store.clearNotifyUrls(campaignId);
    log.info(
      { campaignId, notifications: jobs.map((j) => ({ id: j.notificationId, origin: notifyOrigin(j.url) })) },
      'notifications queued',
    );
  };
}
