import { randomBytes } from 'node:crypto';
import type { CfClient } from '../../client/index.js';
import type { Logger } from '../../log.js';
import { UsageError } from '../../usage-error.js';
import { timeId } from '../../core/time-id.js';
import { crawlFoundation } from '../../crawl/crawl-foundation.js';
import { computeFindings } from '../../audit/findings.js';
import type { FoundationSnapshot } from '../../audit/snapshot.js';
import { buildReport } from '../report/build-report.js';
import type { Report } from '../report/report-model.js';
import { isBrokerItem, type CampaignItem, type PlanItem } from './campaign-model.js';
import { buildPlan, summarizePlan, type PlanSummary } from './build-plan.js';
import { buildBrokerPlan, type BrokerPlan } from './build-broker-plan.js';
import { proxyPlansOf } from '../../audit/broker-shares.js';
import type { CampaignSelectors } from './selectors.js';

export interface PlanCampaignOptions {
  readonly selectors: CampaignSelectors;
  readonly onlyUnbound: boolean;
  /** Only show the plan: a non-admin may look, and the sharing flag may stay on. */
  readonly dryRun: boolean;
  /** Disable the sharing flag first if it is on (otherwise an enabled flag refuses a real run). */
  readonly disableFlag: boolean;
  /**
   * Compare the credentials of the bindings and keys of the shared instances in the planning crawl, so the plan
   * marks shares whose apps keep access after unsharing. Opt-in: one more request per binding and key.
   * @defaultValue false
   */
  readonly inspectCredentials?: boolean;
  /**
   * Plan CC shares (the default). False with `--broker-shares` alone: no CC share is planned, and the sharing flag,
   * which does not govern broker-level shares, is neither checked nor disabled.
   * @defaultValue true
   */
  readonly ccShares?: boolean;
  /** `--broker-shares`: plan broker-level items too (per original, or per proxy). */
  readonly brokerShares?: BrokerSharesOption;
  readonly log: Logger;
}

/** What `--broker-shares` asks for. */
export interface BrokerSharesOption {
  readonly perProxy: boolean;
  /** `--proxy-plan OFFERING:PLAN` texts, checked already; absent: credstore:proxy. */
  readonly proxyPlans?: readonly string[];
}

/** A service key of a planned instance: unsharing keeps it (cc-api.md §1.2), so the plan says it survives. */
export interface PlanKey {
  readonly guid: string;
  readonly name: string | null;
}

/** A campaign's plan before it is recorded: what the person confirms. */
export interface CampaignPlan {
  readonly campaignId: string;
  /** CC share items first, then broker-level items. */
  readonly items: CampaignItem[];
  /** The counts of the CC share items. */
  readonly summary: PlanSummary;
  /** With `--broker-shares`: how it was planned, the proxies left out and why, and counts. */
  readonly broker?: Omit<BrokerPlan, 'items'>;
  /** Whether the service_instance_sharing flag was on at the preflight. */
  readonly flagEnabled: boolean;
  /** Who plans it, as recorded in the campaign. */
  readonly createdBy: string;
  /** The service keys of each planned instance, by instance guid: for the plan files, never for Redis. */
  readonly keys?: Readonly<Record<string, readonly PlanKey[]>>;
  /** The hash of the plan file this plan executes (`--from-plan`), recorded in the campaign's meta. */
  readonly planHash?: string;
  /** Changes since the plan file that the person accepted with `--allow-drift`, recorded in the campaign's meta. */
  readonly planDrift?: readonly string[];
}

/** What the preflight learnt: who plans, and whether the sharing flag is on. */
export interface Preflight {
  readonly flagEnabled: boolean;
  readonly createdBy: string;
}

/**
 * The preflight of `unshare-all`: checks the identity (only an admin may unshare for others) and the sharing flag.
 * A dry run may look with any identity and with the flag on.
 */
export async function preflight(
  client: CfClient,
  options: Pick<PlanCampaignOptions, 'dryRun' | 'disableFlag' | 'ccShares'>,
): Promise<Preflight> {
  const identity = client.identity;
  if (identity?.kind !== 'admin' && !options.dryRun) {
    throw new UsageError(
      `${identity?.userName ?? identity?.clientId ?? 'this identity'} is ${identity?.kind ?? 'unknown'}: unsharing needs cloud_controller.admin (use --dry-run to only see the plan)`,
    );
  }
  const createdBy = identity?.userName ?? identity?.clientId ?? 'unknown';
  // The flag governs CC's shares only: a campaign of broker-level shares alone neither needs it off nor turns it off.
  if (options.ccShares === false) return { flagEnabled: false, createdBy };
  // Preflight: with the flag on, developers could share again while the campaign runs.
  const flag = await client.featureFlags.get('service_instance_sharing');
  if (flag.enabled && !options.disableFlag && !options.dryRun) {
    throw new UsageError(
      'the service_instance_sharing feature flag is enabled, so new shares could appear mid-campaign: disable it first, or pass --disable-flag',
    );
  }
  return { flagEnabled: flag.enabled, createdBy };
}

/** A fresh crawl reduced to what plans read: the report's shares and the snapshot's bindings and keys. */
export async function crawlForPlan(
  client: CfClient,
  api: string,
  log: Logger,
  inspectCredentials = false,
  proxyPlans?: readonly string[],
): Promise<{ report: Report; snapshot: FoundationSnapshot }> {
  const { snapshot, requests } = await crawlFoundation(client, api, {
    log,
    inspectCredentials,
    ...(proxyPlans !== undefined && { proxyPlans: proxyPlansOf(proxyPlans) }),
  });
  return { snapshot, report: buildReport(snapshot, computeFindings(snapshot), requests) };
}

/** A new campaign id: time first, so ids sort by when they were planned. */
export const newCampaignId = (): string => timeId(new Date(), randomBytes(2).toString('hex'));

/** The service keys of the planned instances, by instance guid (keys survive unsharing: cc-api.md §1.2). */
export function keysOfItems(snapshot: FoundationSnapshot, items: readonly CampaignItem[]): Record<string, PlanKey[]> {
  const planned = new Set(items.filter((item) => !isBrokerItem(item)).map((item) => item.instance.guid));
  const keys: Record<string, PlanKey[]> = {};
  for (const key of snapshot.keys)
    if (planned.has(key.instanceGuid)) (keys[key.instanceGuid] ??= []).push({ guid: key.guid, name: key.name });
  return keys;
}

/**
 * Preflight and plan of `unshare-all`: checks the identity and the sharing flag, crawls the foundation and plans
 * every share in scope. Refuses an empty plan.
 */
export async function planCampaign(client: CfClient, api: string, options: PlanCampaignOptions): Promise<CampaignPlan> {
  const checked = await preflight(client, options);
  const campaignId = newCampaignId();
  const ccShares = options.ccShares !== false;
  const { report, snapshot } = await crawlForPlan(
    client,
    api,
    options.log,
    options.inspectCredentials,
    options.brokerShares?.proxyPlans,
  );
  const cc = ccShares
    ? buildPlan(campaignId, report, snapshot, options.selectors, options.onlyUnbound)
    : { items: [] as PlanItem[], summary: summarizePlan([]) };
  const broker = options.brokerShares
    ? buildBrokerPlan(campaignId, report, snapshot, options.selectors, options.brokerShares.perProxy)
    : undefined;
  const items: CampaignItem[] = [...cc.items, ...(broker?.items ?? [])];
  if (items.length === 0) throw new UsageError(emptyPlanText(report, ccShares, broker));
  return {
    campaignId,
    items,
    summary: cc.summary,
    ...(broker && { broker: { perProxy: broker.perProxy, skipped: broker.skipped, summary: broker.summary } }),
    ...checked,
    keys: keysOfItems(snapshot, items),
  };
}

/** Why a plan has no item, in one line. */
function emptyPlanText(report: Report, ccShares: boolean, broker: BrokerPlan | undefined): string {
  const cc =
    report.shares.length === 0
      ? 'there are no shares on this foundation'
      : `the selectors match none of the ${report.shares.length} shares on this foundation`;
  if (!broker) return report.shares.length === 0 ? `${cc}: nothing to do` : cc;
  const proxies = report.broker_shares?.proxies.length ?? 0;
  const brokerText =
    proxies === 0
      ? 'there are no broker-level share proxies on this foundation'
      : broker.skipped.length === proxies
        ? `none of the ${proxies} proxies names an original of this foundation (${broker.skipped.length} skipped: remote, stale or unknown)`
        : `the selectors match none of the ${proxies} proxies' originals`;
  return `${ccShares ? `${cc}; ` : ''}${brokerText}: nothing to do`;
}
