import type { FoundationSnapshot } from '../../audit/snapshot.js';
import type { Report, ReportBrokerShare } from '../report/report-model.js';
import { brokerItemId, type BrokerItem, type BrokerItemProxy } from './campaign-model.js';
import type { CampaignSelectors } from './selectors.js';

/** Why a proxy is not part of a broker-level campaign, in the words the plan prints. */
export const SKIP_REASONS = {
  remote_region: 'the original is in another region: unshare it in its own region',
  missing: 'the original is gone: the proxy is stale and has nothing to unshare',
  unknown: "the proxy's parameters could not be read: its original is unknown",
} as const;

/** A proxy the campaign leaves alone, and why. */
export interface SkippedProxy {
  readonly proxy: { guid: string; name: string };
  readonly place: { org: string | null; space: string | null; space_guid: string };
  readonly original_guid: string | null;
  readonly origin_landscape: string | null;
  readonly where: keyof typeof SKIP_REASONS;
  readonly reason: string;
}

/** The broker-level part of a plan: the items, the proxies left out, and counts for the person confirming. */
export interface BrokerPlan {
  readonly perProxy: boolean;
  readonly items: BrokerItem[];
  readonly skipped: SkippedProxy[];
  readonly summary: {
    readonly originals: number;
    readonly proxies: number;
    /** Apps bound to the planned proxies: their access goes. */
    readonly appsLosingAccess: number;
    readonly proxyBindings: number;
  };
}

const matches = (wanted: readonly string[] | undefined, ...values: Array<string | null | undefined>): boolean =>
  wanted === undefined ||
  wanted.length === 0 ||
  values.some((value) => value !== null && value !== undefined && wanted.includes(value));

/**
 * The broker-level items of `unshare-all --broker-shares`, from the planning crawl: one per original of this
 * foundation that at least one proxy names (or one per such proxy with `perProxy`). Selectors narrow them: the
 * source ones, offering, plan and instance match the original; the target ones match the proxy (a per-original
 * unshare reaches every proxy, so the caller allows target selectors with `perProxy` only). Proxies whose original
 * is in another region, gone, or unknown are listed as skipped with the reason. Pure.
 */
export function buildBrokerPlan(
  campaignId: string,
  report: Pick<Report, 'broker_shares'>,
  snapshot: Pick<FoundationSnapshot, 'brokerShares'>,
  selectors: CampaignSelectors,
  perProxy: boolean,
): BrokerPlan {
  const rows = report.broker_shares?.proxies ?? [];
  const bindingsOf = new Map<string, BrokerItemProxy['bindings'][number][]>();
  for (const binding of snapshot.brokerShares?.appBindings ?? [])
    bindingsOf.set(binding.instanceGuid, [
      ...(bindingsOf.get(binding.instanceGuid) ?? []),
      { guid: binding.guid, app_guid: binding.appGuid, app: binding.appName },
    ]);
  const originalSelected = (row: ReportBrokerShare): boolean =>
    matches(selectors.sourceOrg, row.original!.place.org_guid, row.original!.place.org) &&
    matches(selectors.sourceSpace, row.original!.place.space_guid, row.original!.place.space) &&
    matches(selectors.offering, row.proxy.offering) &&
    matches(selectors.plan, row.original!.plan) &&
    matches(selectors.instance, row.original_guid, row.original!.name);
  const proxySelected = (row: ReportBrokerShare): boolean =>
    matches(selectors.targetOrg, row.place.org_guid, row.place.org) &&
    matches(selectors.targetSpace, row.place.space_guid, row.place.space);

  const skipped: SkippedProxy[] = [];
  const byOriginal = new Map<string, { row: ReportBrokerShare; proxies: BrokerItemProxy[] }>();
  for (const row of rows) {
    if (row.original_where !== 'local' || !row.original || row.original_guid === null) {
      const where = row.original_where === 'local' ? 'unknown' : row.original_where;
      skipped.push({
        proxy: { guid: row.proxy.guid, name: row.proxy.name },
        place: { org: row.place.org, space: row.place.space, space_guid: row.place.space_guid },
        original_guid: row.original_guid,
        origin_landscape: row.origin_landscape,
        where,
        reason: SKIP_REASONS[where],
      });
      continue;
    }
    if (!originalSelected(row) || !proxySelected(row)) continue;
    const proxy: BrokerItemProxy = {
      guid: row.proxy.guid,
      name: row.proxy.name,
      org: row.place.org,
      space: row.place.space,
      space_guid: row.place.space_guid,
      org_guid: row.place.org_guid,
      bindings: (bindingsOf.get(row.proxy.guid) ?? []).sort((a, b) => a.guid.localeCompare(b.guid)),
    };
    const entry = byOriginal.get(row.original_guid) ?? { row, proxies: [] };
    entry.proxies.push(proxy);
    byOriginal.set(row.original_guid, entry);
  }

  const items: BrokerItem[] = [];
  for (const [originalGuid, { row, proxies }] of [...byOriginal].sort(([a], [b]) => a.localeCompare(b))) {
    const original = row.original!;
    const base = {
      kind: 'broker' as const,
      instance: { guid: originalGuid, name: original.name, offering: row.proxy.offering, plan: original.plan },
      source: { org: original.place.org, space: original.place.space, space_guid: original.place.space_guid },
    };
    if (perProxy)
      for (const proxy of proxies)
        items.push({
          ...base,
          id: brokerItemId(campaignId, originalGuid, proxy.guid),
          proxies: [proxy],
          unshare: { landscape: '*', proxyServiceGuid: proxy.guid },
        });
    else items.push({ ...base, id: brokerItemId(campaignId, originalGuid), proxies, unshare: { landscape: '*' } });
  }
  return { perProxy, items, skipped, summary: summarizeBrokerItems(items) };
}

/** The counts of broker-level items. */
export function summarizeBrokerItems(items: readonly BrokerItem[]): BrokerPlan['summary'] {
  const proxies = items.flatMap((item) => item.proxies);
  return {
    originals: new Set(items.map((item) => item.instance.guid)).size,
    proxies: new Set(proxies.map((proxy) => proxy.guid)).size,
    appsLosingAccess: new Set(proxies.flatMap((proxy) => proxy.bindings.map((binding) => binding.app_guid))).size,
    proxyBindings: proxies.reduce((sum, proxy) => sum + proxy.bindings.length, 0),
  };
}
