import type { FoundationSnapshot } from '../../audit/snapshot.js';
import type { Report } from '../report/report-model.js';
import { itemId, type PlanItem } from './campaign-model.js';
import { shareSelected, type CampaignSelectors } from './selectors.js';
import { bindingsByPlace } from '../../audit/bindings-by-place.js';
import { credentialReuse, distinctApps, placeKey } from '../../audit/credential-uniqueness.js';

/** What the person confirming a campaign is shown. */
export interface PlanSummary {
  readonly items: number;
  readonly instances: number;
  readonly targetSpaces: number;
  readonly bindingsToDelete: number;
  readonly appsAffected: number;
  /** Whether the planning crawl compared the bindings' credentials (`--inspect-credentials`). */
  readonly credentialsInspected: boolean;
  /** Planned shares whose target bindings hold credentials that other spaces hold too. */
  readonly sharesWithCredentialsNotUnique: number;
  /** Apps of those target spaces that unsharing leaves with working credentials. */
  readonly appsKeepingAccess: number;
  /** With `--only-unbound`: shares left out for their bound apps whose credentials are not unique either. */
  readonly skippedSharesWithCredentialsNotUnique: number;
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
  const reuse = credentialReuse(snapshot);
  const items: PlanItem[] = [];
  let skippedWithReuse = 0;
  for (const share of report.shares) {
    if (!shareSelected(share, selectors)) continue;
    const bindings = bindingsAt
      .at(share.instance.guid, share.target.space_guid)
      .map((binding) => ({ guid: binding.guid, app_guid: binding.appGuid, app: binding.appName }));
    const reused = reuse.notUnique.get(placeKey(share.instance.guid, share.target.space_guid));
    if (onlyUnbound && bindings.length > 0) {
      // Left for a later phase; the plan still says that unsharing it then will not cut access either.
      if (reused) skippedWithReuse += 1;
      continue;
    }
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
      ...(reused && {
        credentials_not_unique: {
          apps: distinctApps(reused.bindings),
          binding_guids: reused.bindings.map((binding) => binding.guid),
        },
      }),
    });
  }
  return {
    items,
    summary: summarizePlan(items, {
      credentialsInspected: snapshot.credentials !== undefined,
      skippedSharesWithCredentialsNotUnique: skippedWithReuse,
    }),
  };
}

/** The counts of a plan's items, as the person confirming it reads them. */
export function summarizePlan(
  items: readonly PlanItem[],
  credentials: Pick<PlanSummary, 'credentialsInspected' | 'skippedSharesWithCredentialsNotUnique'> = {
    credentialsInspected: false,
    skippedSharesWithCredentialsNotUnique: 0,
  },
): PlanSummary {
  const reused = items.filter((item) => item.credentials_not_unique);
  return {
    ...credentials,
    sharesWithCredentialsNotUnique: reused.length,
    appsKeepingAccess: new Set(
      reused.flatMap((item) =>
        item.bindings
          .filter((binding) => item.credentials_not_unique!.binding_guids.includes(binding.guid))
          .map((binding) => binding.app_guid),
      ),
    ).size,
    items: items.length,
    instances: new Set(items.map((item) => item.instance.guid)).size,
    targetSpaces: new Set(items.map((item) => item.target.space_guid)).size,
    bindingsToDelete: items.reduce((sum, item) => sum + item.bindings.length, 0),
    appsAffected: new Set(items.flatMap((item) => item.bindings.map((binding) => binding.app_guid))).size,
  };
}
