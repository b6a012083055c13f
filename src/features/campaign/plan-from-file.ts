import type { CfClient } from '../../client/index.js';
import type { Logger } from '../../log.js';
import { buildPlan, summarizePlan } from './build-plan.js';
import { buildBrokerPlan, summarizeBrokerItems } from './build-broker-plan.js';
import { isBrokerItem, type CampaignItem, type PlanItem } from './campaign-model.js';
import { crawlForPlan, keysOfItems, newCampaignId, preflight, type CampaignPlan } from './plan-campaign.js';
import { campaignItemsOf, type PlanFile } from './plan-file.js';
import { compareBrokerPlan, comparePlan, describeDrift, type PlanDrift } from './plan-drift.js';

export interface PlanFromFileOptions {
  readonly dryRun: boolean;
  readonly disableFlag: boolean;
  /** Compare credentials in the fresh crawl (see PlanCampaignOptions). @defaultValue false */
  readonly inspectCredentials?: boolean;
  readonly log: Logger;
}

/**
 * The campaign plan of `unshare-all --from-plan`: the preflight, a fresh crawl, and exactly the plan's shares, no
 * other (shares that appeared since are left alone, even when they match the plan's selectors). Each item carries
 * the bindings CC would delete now, so the ledger names what is really destroyed; a share no longer shared keeps the
 * plan's record and ends `already_unshared` when its job reads the shared spaces. Returns the drift for the caller
 * to show and decide on: this function refuses nothing.
 */
export async function planFromFile(
  client: CfClient,
  api: string,
  file: PlanFile,
  options: PlanFromFileOptions,
): Promise<{ plan: CampaignPlan; drift: PlanDrift }> {
  // The sharing flag is checked for plans with CC shares only (a plan of broker-level shares alone says so).
  const checked = await preflight(client, { ...options, ccShares: file.cc_shares !== false });
  const campaignId = newCampaignId();
  const broker = file.broker_shares;
  const { report, snapshot } = await crawlForPlan(
    client,
    api,
    options.log,
    options.inspectCredentials,
    broker?.proxy_plans ?? undefined,
  );
  // Every share on the foundation now: a planned share must be found even if it no longer matches the selectors.
  const currentShares = buildPlan(campaignId, report, snapshot, {}, false).items;
  const shareDrift = comparePlan(file.shares, currentShares);
  const currentBroker = broker ? buildBrokerPlan(campaignId, report, snapshot, {}, broker.per_proxy) : undefined;
  const brokerDrift = broker ? compareBrokerPlan(broker.items, currentBroker!.items) : undefined;
  const drift: PlanDrift = {
    ...shareDrift,
    destructive: [...shareDrift.destructive, ...(brokerDrift?.destructive ?? [])],
    ...(brokerDrift && { goneBrokerItems: brokerDrift.gone }),
  };
  const now = new Map<string, CampaignItem>(
    [...currentShares, ...(currentBroker?.items ?? [])].map((item) => [item.id, item]),
  );
  const items = campaignItemsOf(file, campaignId).map((item) => now.get(item.id) ?? item);
  const shareItems = items.filter((item): item is PlanItem => !isBrokerItem(item));
  const brokerItems = items.filter(isBrokerItem);
  const plan: CampaignPlan = {
    campaignId,
    items,
    summary: summarizePlan(shareItems, {
      credentialsInspected: snapshot.credentials !== undefined,
      skippedSharesWithCredentialsNotUnique: 0,
    }),
    ...(broker && {
      broker: {
        perProxy: broker.per_proxy,
        skipped: currentBroker!.skipped,
        summary: summarizeBrokerItems(brokerItems),
      },
    }),
    ...checked,
    keys: keysOfItems(snapshot, items),
    planHash: file.plan_hash,
    ...(drift.destructive.length > 0 && { planDrift: drift.destructive.map(describeDrift) }),
  };
  return { plan, drift };
}
