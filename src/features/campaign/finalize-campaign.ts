import pLimit from 'p-limit';
import type { CfClient } from '../../client/index.js';
import { isNotFound } from '../../client/index.js';
import type { CampaignStore } from './campaign-store.js';
import { isBrokerItem, type PlanItem } from './campaign-model.js';

/**
 * Once every item is final: re-reads the shared spaces of every planned instance and records any planned CC share
 * that is still there (a blocked item, or a share made again by someone), then marks the campaign done.
 */
export async function finalizeCampaign(client: CfClient, store: CampaignStore, campaignId: string): Promise<void> {
  const meta = await store.meta(campaignId);
  if (!meta || meta.status === 'done') return;
  if (meta.status !== 'cancelled') await store.setStatus(campaignId, 'verifying');
  // Broker-level items were verified one by one after their update's job (the original read again); CC's shared
  // spaces say nothing of them.
  const items = (await store.items(campaignId)).filter((item): item is PlanItem => !isBrokerItem(item));
  const byInstance = new Map<string, PlanItem[]>();
  for (const item of items) byInstance.set(item.instance.guid, [...(byInstance.get(item.instance.guid) ?? []), item]);
  const limit = pLimit(8);
  const still = (
    await Promise.all(
      [...byInstance].map(([instanceGuid, planned]) =>
        limit(async () => {
          let shared: Set<string>;
          try {
            shared = new Set(
              (await client.serviceInstances.listSharedSpaces(instanceGuid)).data.map((space) => space.guid),
            );
          } catch (error) {
            if (isNotFound(error)) return [];
            throw error;
          }
          return planned
            .filter((item) => shared.has(item.target.space_guid))
            .map((item) => ({ itemId: item.id, instance_guid: instanceGuid, space_guid: item.target.space_guid }));
        }),
      ),
    )
  ).flat();
  await store.setVerification(campaignId, still);
  await store.setStatus(campaignId, meta.status === 'cancelled' ? 'cancelled' : 'done');
}
