import { brokerShareRows } from '../../audit/broker-shares.js';
import type { FoundationSnapshot } from '../../audit/snapshot.js';
import type { Report, ReportBrokerShare, ReportPlace } from './report-model.js';

/** report.json's `broker_shares`, one entry per proxy by proxy guid; undefined when the crawl found none. */
export function buildBrokerShares(
  snapshot: FoundationSnapshot,
  place: (spaceGuid: string) => ReportPlace,
): Report['broker_shares'] {
  const shares = snapshot.brokerShares;
  if (!shares) return undefined;
  const planByGuid = new Map(snapshot.plans.map((plan) => [plan.guid, plan]));
  const offeringName = new Map(snapshot.offerings.map((offering) => [offering.guid, offering.name]));
  const planName = (guid: string | null): string | undefined =>
    guid === null ? undefined : planByGuid.get(guid)?.name;
  const keys = new Map<string, number>();
  for (const key of shares.keys) keys.set(key.instanceGuid, (keys.get(key.instanceGuid) ?? 0) + 1);
  const bindings = new Map<string, (typeof shares.appBindings)[number][]>();
  for (const binding of shares.appBindings)
    bindings.set(binding.instanceGuid, [...(bindings.get(binding.instanceGuid) ?? []), binding]);
  const rows = brokerShareRows(shares, planName);
  const proxies = rows.map(({ proxy, where, original, proxiesOfOriginal, quota }): ReportBrokerShare => {
    const plan = proxy.planGuid ? planByGuid.get(proxy.planGuid) : undefined;
    const bound = bindings.get(proxy.guid) ?? [];
    const apps = new Map(bound.map((binding) => [binding.appGuid, binding.appName]));
    return {
      proxy: {
        guid: proxy.guid,
        name: proxy.name,
        offering: plan ? (offeringName.get(plan.offeringGuid) ?? null) : null,
        plan: plan?.name ?? null,
      },
      place: place(proxy.spaceGuid),
      original_guid: proxy.origin?.serviceGuid ?? null,
      origin_landscape: proxy.origin?.landscape ?? null,
      original_where: where,
      original: original && {
        name: original.name,
        place: place(original.spaceGuid),
        plan: planName(original.planGuid) ?? null,
        proxies: proxiesOfOriginal,
        quota,
      },
      parameters_error: proxy.parametersError && { ...proxy.parametersError },
      bound_apps: [...apps]
        .map(([guid, name]) => ({ guid, name }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.guid.localeCompare(b.guid)),
      binding_count: bound.length,
      key_count: keys.get(proxy.guid) ?? 0,
    };
  });
  const named = new Set(rows.filter((row) => row.original).map((row) => row.original!.guid));
  const originals = shares.originals.map((original) => ({
    guid: original.guid,
    name: original.name,
    plan: planName(original.planGuid) ?? null,
    place: place(original.spaceGuid),
  }));
  return {
    proxy_plans: [...shares.proxyPlans],
    landscape: shares.landscape ?? null,
    proxies,
    originals_named: named.size,
    originals,
  };
}
