import type { FoundationSnapshot } from '../../audit/snapshot.js';
import type { Report } from '../report/report-model.js';
import { itemId, type PlanItem } from './campaign-model.js';
import { shareSelected, type CampaignSelectors } from './selectors.js';
import { bindingsByPlace } from '../../audit/bindings-by-place.js';

/** What the person confirming a campaign is shown. */
export interface PlanSummary {
  readonly items: number;
  readonly instances: number;
  readonly targetSpaces: number;
  readonly bindingsToDelete: number;
  readonly appsAffected: number;
}

/**
 * The campaign's plan from a fresh crawl: every share in scope, with the app bindings in its target space that
 * unsharing will delete (cc-api.md §1.2). Pure, so the plan shown is the plan recorded.
 */
export function buildPlan(
  campaignId: string,
  report: Report,
  snapshot: FoundationSnapshot,
  selectors: CampaignSelectors,
  onlyUnbound: boolean,
): { items: PlanItem[]; summary: PlanSummary } {
  const bindingsAt = bindingsByPlace(snapshot);
  const items: PlanItem[] = [];
  for (const share of report.shares) {
    if (!shareSelected(share, selectors)) continue;
    const bindings = bindingsAt
      .at(share.instance.guid, share.target.space_guid)
      .map((binding) => ({ guid: binding.guid, app_guid: binding.appGuid, app: binding.appName }));
    if (onlyUnbound && bindings.length > 0) continue;
    items.push({
      id: itemId(campaignId, share.instance.guid, share.target.space_guid),
      instance: {
        guid: share.instance.guid,
        name: share.instance.name,
        offering: share.instance.offering,
        plan: share.instance.plan,
      },
      source: { org: share.source.org, space: share.source.space, space_guid: share.source.space_guid },
      target: {
        org: share.target.org,
        space: share.target.space,
        space_guid: share.target.space_guid,
        org_guid: share.target.org_guid,
      },
      bindings,
    });
  }
  return { items, summary: summarizePlan(items) };
}

/** The counts of a plan's items, as the person confirming it reads them. */
export function summarizePlan(items: readonly PlanItem[]): PlanSummary {
  return {
    items: items.length,
    instances: new Set(items.map((item) => item.instance.guid)).size,
    targetSpaces: new Set(items.map((item) => item.target.space_guid)).size,
    bindingsToDelete: items.reduce((sum, item) => sum + item.bindings.length, 0),
    appsAffected: new Set(items.flatMap((item) => item.bindings.map((binding) => binding.app_guid))).size,
  };
}
