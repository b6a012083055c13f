import { randomBytes } from 'node:crypto';
import type { CfClient } from '../../client/index.js';
import type { Logger } from '../../log.js';
import { UsageError } from '../../usage-error.js';
import { timeId } from '../../core/time-id.js';
import { crawlFoundation } from '../../crawl/crawl-foundation.js';
import { computeFindings } from '../../audit/findings.js';
import { buildReport } from '../report/build-report.js';
import type { PlanItem } from './campaign-model.js';
import { buildPlan, type PlanSummary } from './build-plan.js';
import type { CampaignSelectors } from './selectors.js';

export interface PlanCampaignOptions {
  readonly selectors: CampaignSelectors;
  readonly onlyUnbound: boolean;
  /** Only show the plan: a non-admin may look, and the sharing flag may stay on. */
  readonly dryRun: boolean;
  /** Disable the sharing flag first if it is on (otherwise an enabled flag refuses a real run). */
  readonly disableFlag: boolean;
  readonly log: Logger;
}

/** A campaign's plan before it is recorded: what the person confirms. */
export interface CampaignPlan {
  readonly campaignId: string;
  readonly items: PlanItem[];
  readonly summary: PlanSummary;
  /** Whether the service_instance_sharing flag was on at the preflight. */
  readonly flagEnabled: boolean;
  /** Who plans it, as recorded in the campaign. */
  readonly createdBy: string;
}

/**
 * Preflight and plan of `unshare-all`: checks the identity (only an admin may unshare for others) and the sharing
 * flag, crawls the foundation and plans every share in scope. Refuses an empty plan.
 */
export async function planCampaign(client: CfClient, api: string, options: PlanCampaignOptions): Promise<CampaignPlan> {
  const identity = client.identity;
  if (identity?.kind !== 'admin' && !options.dryRun) {
    throw new UsageError(
      `${identity?.userName ?? identity?.clientId ?? 'this identity'} is ${identity?.kind ?? 'unknown'}: unsharing needs cloud_controller.admin (use --dry-run to only see the plan)`,
    );
  }
  // Preflight: with the flag on, developers could share again while the campaign runs.
  const flag = await client.featureFlags.get('service_instance_sharing');
  if (flag.enabled && !options.disableFlag && !options.dryRun) {
    throw new UsageError(
      'the service_instance_sharing feature flag is enabled, so new shares could appear mid-campaign: disable it first, or pass --disable-flag',
    );
  }

  const campaignId = timeId(new Date(), randomBytes(2).toString('hex'));
  const { snapshot, requests } = await crawlFoundation(client, api, { log: options.log });
  const report = buildReport(snapshot, computeFindings(snapshot), requests);
  const { items, summary } = buildPlan(campaignId, report, snapshot, options.selectors, options.onlyUnbound);
  if (items.length === 0)
    throw new UsageError(
      report.shares.length === 0
        ? 'there are no shares on this foundation: nothing to do'
        : `the selectors match none of the ${report.shares.length} shares on this foundation`,
    );
  return {
    campaignId,
    items,
    summary,
    flagEnabled: flag.enabled,
    createdBy: identity?.userName ?? identity?.clientId ?? 'unknown',
  };
}
