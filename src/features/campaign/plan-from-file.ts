import type { CfClient } from '../../client/index.js';
import type { Logger } from '../../log.js';
import { buildPlan, summarizePlan } from './build-plan.js';
import type { PlanItem } from './campaign-model.js';
import { crawlForPlan, keysOfItems, newCampaignId, preflight, type CampaignPlan } from './plan-campaign.js';
import { planItemsOf, type PlanFile } from './plan-file.js';
import { comparePlan, describeDrift, type PlanDrift } from './plan-drift.js';

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
  const checked = await preflight(client, options);
  const campaignId = newCampaignId();
  const { report, snapshot } = await crawlForPlan(client, api, options.log, options.inspectCredentials);
  // Every share on the foundation now: a planned share must be found even if it no longer matches the selectors.
  const current = buildPlan(campaignId, report, snapshot, {}, false).items;
  const drift = comparePlan(file.shares, current);
  const now = new Map(current.map((item) => [item.id, item]));
  const items: PlanItem[] = planItemsOf(file, campaignId).map((item) => now.get(item.id) ?? item);
  const plan: CampaignPlan = {
    campaignId,
    items,
    summary: summarizePlan(items, {
      credentialsInspected: snapshot.credentials !== undefined,
      skippedSharesWithCredentialsNotUnique: 0,
    }),
    ...checked,
    keys: keysOfItems(snapshot, items),
    planHash: file.plan_hash,
    ...(drift.destructive.length > 0 && { planDrift: drift.destructive.map(describeDrift) }),
  };
  return { plan, drift };
}
