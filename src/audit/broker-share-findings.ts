import { brokerShareRows } from './broker-shares.js';
import type { Finding } from './findings.js';
import type { FoundationSnapshot } from './snapshot.js';

export type BrokerShareFindingKind =
  | 'broker_share_cross_org'
  | 'broker_share_original_missing'
  | 'broker_share_remote_region'
  | 'broker_share_parameters_unreadable'
  | 'broker_share_over_quota';

/**
 * Findings about broker-level shares, by proxy guid, then the over-quota originals by guid. `where` names a space as
 * `org/space`. Each says only what CC showed: a proxy's parameters name an original; whether the broker still grants
 * that proxy access is not visible through CC.
 */
export function brokerShareFindings(snapshot: FoundationSnapshot, where: (spaceGuid: string) => string): Finding[] {
  const shares = snapshot.brokerShares;
  if (!shares) return [];
  const planByGuid = new Map(snapshot.plans.map((plan) => [plan.guid, plan]));
  const orgOf = new Map(snapshot.spaces.map((space) => [space.guid, space.orgGuid]));
  const rows = brokerShareRows(shares, (guid) => (guid === null ? undefined : planByGuid.get(guid)?.name));
  const findings: Finding[] = [];
  const overQuota = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const { proxy, original } = row;
    const label = `proxy '${proxy.name}' (${where(proxy.spaceGuid)})`;
    const about = { instance_guid: proxy.guid };
    if (row.where === 'local' && original) {
      if (orgOf.get(original.spaceGuid) !== orgOf.get(proxy.spaceGuid))
        findings.push({
          kind: 'broker_share_cross_org',
          severity: 'medium',
          ...about,
          original_guid: original.guid,
          message: `${label} uses '${original.name}' of ${where(original.spaceGuid)} across orgs, shared by its broker outside Cloud Controller's sharing.`,
        });
      if (row.quota !== null && row.proxiesOfOriginal > row.quota) overQuota.set(original.guid, row);
    } else if (row.where === 'missing') {
      findings.push({
        kind: 'broker_share_original_missing',
        severity: 'medium',
        ...about,
        original_guid: proxy.origin!.serviceGuid,
        message: `${label} names original ${proxy.origin!.serviceGuid}, which is not in this foundation and no other region is named: the original is gone and the proxy is stale.`,
      });
    } else if (row.where === 'remote_region') {
      findings.push({
        kind: 'broker_share_remote_region',
        severity: 'info',
        ...about,
        original_guid: proxy.origin!.serviceGuid,
        message:
          `${label} names original ${proxy.origin!.serviceGuid} in region ${proxy.origin!.landscape}: audit and unshare it there.` +
          (shares.landscape === undefined
            ? ` This foundation's region was not given (--landscape): if it is ${proxy.origin!.landscape}, the original is gone and the proxy is stale.`
            : ''),
      });
    } else if (proxy.parametersError) {
      const answer = proxy.parametersError;
      findings.push({
        kind: 'broker_share_parameters_unreadable',
        severity: 'info',
        ...about,
        answer: { status: answer.status, code: answer.code, title: answer.title },
        message: `The parameters of ${label} could not be read (CC answered ${answer.status}${answer.title ? ` ${answer.title}` : ''}${answer.detail ? `: ${answer.detail}` : ''}): its original is unknown.`,
      });
    }
  }
  for (const row of [...overQuota.values()].sort((a, b) => a.original!.guid.localeCompare(b.original!.guid))) {
    const original = row.original!;
    const plan = original.planGuid ? planByGuid.get(original.planGuid)?.name : undefined;
    findings.push({
      kind: 'broker_share_over_quota',
      severity: 'low',
      instance_guid: original.guid,
      message: `'${original.name}' (${where(original.spaceGuid)}) is named by ${row.proxiesOfOriginal} proxies, more than the ${row.quota} its plan '${plan}' allows: a sign of drift between the broker and CC.`,
    });
  }
  return findings;
}
