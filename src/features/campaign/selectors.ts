import type { ReportShare } from '../report/report-model.js';

/** What narrows a campaign; each list matches names or guids, and an empty or absent list matches everything. */
export interface CampaignSelectors {
  readonly sourceOrg?: readonly string[];
  readonly sourceSpace?: readonly string[];
  readonly targetOrg?: readonly string[];
  readonly targetSpace?: readonly string[];
  readonly offering?: readonly string[];
  readonly plan?: readonly string[];
  readonly instance?: readonly string[];
}

const matches = (wanted: readonly string[] | undefined, ...values: Array<string | null | undefined>): boolean =>
  wanted === undefined ||
  wanted.length === 0 ||
  values.some((value) => value !== null && value !== undefined && wanted.includes(value));

/**
 * Whether a share is in scope. Selectors of different kinds are ANDed, values of one kind ORed. A space given by
 * name matches that name in any org: pair it with an org selector to pin it down.
 */
export function shareSelected(share: ReportShare, selectors: CampaignSelectors): boolean {
  return (
    matches(selectors.sourceOrg, share.source.org_guid, share.source.org) &&
    matches(selectors.sourceSpace, share.source.space_guid, share.source.space) &&
    matches(selectors.targetOrg, share.target.org_guid, share.target.org) &&
    matches(selectors.targetSpace, share.target.space_guid, share.target.space) &&
    matches(selectors.offering, share.instance.offering_guid, share.instance.offering) &&
    matches(selectors.plan, share.instance.plan_guid, share.instance.plan) &&
    matches(selectors.instance, share.instance.guid, share.instance.name)
  );
}

/** True when no selector narrows anything: the campaign covers every share on the foundation. */
export function selectsEverything(selectors: CampaignSelectors): boolean {
  return Object.values(selectors).every((values) => values === undefined || values.length === 0);
}
