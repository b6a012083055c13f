import { usableEndpoint, type Finding } from '../../audit/findings.js';
import type { FoundationSnapshot, ServiceEndpoint } from '../../audit/snapshot.js';
import type { Report, ReportPlace, ReportShare } from './report-model.js';
import { bindingsByPlace } from '../../audit/bindings-by-place.js';
import { buildBrokerShares } from './build-broker-shares.js';

/**
 * Builds report.json from a snapshot, its findings and the endpoints the findings were computed with (without them
 * every share reads as checked by inference only). Shares are ordered by instance name, guid, then target.
 */
export function buildReport(
  snapshot: FoundationSnapshot,
  findings: readonly Finding[],
  requests: number,
  endpoints: ReadonlyMap<string, ServiceEndpoint> = new Map(),
): Report {
  const spaceByGuid = new Map(snapshot.spaces.map((space) => [space.guid, space]));
  const orgName = new Map(snapshot.orgs.map((org) => [org.guid, org.name]));
  const planByGuid = new Map(snapshot.plans.map((plan) => [plan.guid, plan]));
  const offeringName = new Map(snapshot.offerings.map((offering) => [offering.guid, offering.name]));
  const instanceByGuid = new Map(snapshot.sharedInstances.map((instance) => [instance.guid, instance]));
  const place = (spaceGuid: string): ReportPlace => {
    const space = spaceByGuid.get(spaceGuid);
    return {
      org_guid: space?.orgGuid ?? '',
      org: space ? (orgName.get(space.orgGuid) ?? null) : null,
      space_guid: spaceGuid,
      space: space?.name ?? null,
    };
  };
  const keysPerInstance = new Map<string, number>();
  for (const key of snapshot.keys)
    keysPerInstance.set(key.instanceGuid, (keysPerInstance.get(key.instanceGuid) ?? 0) + 1);
  const bindings = bindingsByPlace(snapshot);

  const shares: ReportShare[] = snapshot.shares.map(({ instanceGuid, targetSpaceGuid }) => {
    const instance = instanceByGuid.get(instanceGuid);
    const plan = instance?.planGuid ? planByGuid.get(instance.planGuid) : undefined;
    const bound = bindings.at(instanceGuid, targetSpaceGuid);
    const apps = new Map(bound.map((binding) => [binding.appGuid, binding.appName]));
    return {
      instance: {
        guid: instanceGuid,
        name: instance?.name ?? instanceGuid,
        offering: plan ? (offeringName.get(plan.offeringGuid) ?? null) : null,
        // The guid too, so that selectors and readers can tell two offerings of one name (two brokers) apart.
        offering_guid: plan?.offeringGuid || null,
        plan: plan?.name ?? null,
        plan_guid: instance?.planGuid ?? null,
      },
      source: place(instance?.spaceGuid ?? ''),
      target: place(targetSpaceGuid),
      bound_apps: [...apps]
        .map(([guid, name]) => ({ guid, name }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.guid.localeCompare(b.guid)),
      binding_count: bound.length,
      key_count: keysPerInstance.get(instanceGuid) ?? 0,
      endpoint_source: usableEndpoint(endpoints, instanceGuid)?.source ?? null,
    };
  });
  shares.sort(
    (a, b) =>
      a.instance.name.localeCompare(b.instance.name) ||
      a.instance.guid.localeCompare(b.instance.guid) ||
      a.target.space_guid.localeCompare(b.target.space_guid),
  );

  const findingCounts: Report['summary']['findings'] = {};
  for (const finding of findings) findingCounts[finding.kind] = (findingCounts[finding.kind] ?? 0) + 1;
  const sharedGuids = new Set(snapshot.shares.map((share) => share.instanceGuid));
  const bySource: Report['summary']['shares_with_known_endpoint_by_source'] = { endpoints_file: 0, credentials: 0 };
  for (const share of shares) if (share.endpoint_source) bySource[share.endpoint_source] += 1;

  const brokerShares = buildBrokerShares(snapshot, place);
  return {
    schema: 'cf-shares/report@1',
    generated_at: snapshot.generatedAt,
    api: snapshot.api,
    sharing_flag: { enabled: snapshot.sharingFlagEnabled },
    summary: {
      instances: snapshot.instanceCounts.all,
      managed_instances: snapshot.instanceCounts.managed,
      shared_instances: sharedGuids.size,
      shares: shares.length,
      bound_apps_in_target_spaces: shares.reduce((sum, share) => sum + share.bound_apps.length, 0),
      keys_on_shared_instances: snapshot.keys.filter((key) => sharedGuids.has(key.instanceGuid)).length,
      requests,
      shares_with_known_endpoint: bySource.endpoints_file + bySource.credentials,
      shares_with_known_endpoint_by_source: bySource,
      findings: findingCounts,
      ...(brokerShares && { broker_share_proxies: brokerShares.proxies.length }),
      ...(snapshot.credentials && {
        credential_comparison: {
          compared: snapshot.credentials.compared,
          not_compared: Object.values(snapshot.credentials.notCompared).reduce((sum, n) => sum + (n ?? 0), 0),
          not_compared_by_reason: { ...snapshot.credentials.notCompared },
          details_requests: snapshot.credentials.detailsRequests,
        },
      }),
    },
    shares,
    ...(brokerShares && { broker_shares: brokerShares }),
    findings: [...findings],
  };
}
