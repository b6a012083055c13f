import type { RedisClient } from '../../core/redis-connection.js';
import type { CfClient } from '../../client/index.js';
import type { Logger } from '../../log.js';
import { registerFoundation } from '../../core/foundation-registry.js';
import { isBrokerItem, type CampaignMeta, type CampaignOptions } from './campaign-model.js';
import { CampaignStore } from './campaign-store.js';
import { campaignQueues, cancelCampaign, enqueueItems } from './campaign-queue.js';
import { auditedWrite } from './audited-write.js';
import type { CampaignPlan } from './plan-campaign.js';

/**
 * Records a confirmed plan as a campaign, disables the sharing flag if the plan found it on (an audited write, so
 * the campaign's trail shows it), and queues one job per item for the foundation's workers.
 */
export async function startCampaign(
  client: CfClient,
  redis: RedisClient,
  target: { readonly api: string; readonly prefix: string },
  plan: CampaignPlan,
  options: CampaignOptions,
  log: Logger,
  /** Webhooks to tell when the campaign ends (features/notify queues the alert). @defaultValue [] */
  notifyUrls: readonly string[] = [],
): Promise<{ meta: CampaignMeta; store: CampaignStore }> {
  const store = new CampaignStore(redis, target.prefix);
  const meta: CampaignMeta = {
    id: plan.campaignId,
    api: target.api,
    createdAt: new Date().toISOString(),
    createdBy: plan.createdBy,
    total: plan.items.length,
    status: 'running',
    options,
    ...(plan.planHash !== undefined && { planHash: plan.planHash }),
    ...(plan.planDrift !== undefined && { planDrift: plan.planDrift }),
    ...(plan.broker && {
      broker: {
        items: plan.items.filter(isBrokerItem).length,
        originals: plan.broker.summary.originals,
        proxies: plan.broker.summary.proxies,
        perProxy: plan.broker.perProxy,
      },
    }),
  };
  const queues = campaignQueues(redis, target.prefix, target.api);
  try {
    await store.create(meta, plan.items);
    // Before any item is queued, so the finalisation of even a tiny campaign finds them.
    await store.setNotifyUrls(meta.id, notifyUrls);
    await registerFoundation(redis, target.prefix, target.api);
    if (plan.flagEnabled) {
      const path = '/v3/feature_flags/service_instance_sharing';
      try {
        const patched = await client.featureFlags.patch(
          'service_instance_sharing',
          { enabled: false },
          { hooks: auditedWrite(store, meta.id, { identity: meta.createdBy, method: 'PATCH', path }) },
        );
        log.info({ enabled: patched.enabled }, 'sharing flag disabled');
      } catch (error) {
        // The campaign exists (the PATCH is in its audit trail) but must not run with sharing still on: cancelled,
        // so `campaign resume` refuses it and no item is sent. The error says why.
        await cancelCampaign(queues, store, meta);
        throw error;
      }
    }
    await enqueueItems(queues.unshare, meta, plan.items);
  } finally {
    await queues.close();
  }
  return { meta, store };
}
