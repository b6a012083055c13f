import { ruleAllowsTcp } from './asg-match.js';
import type { Foundation } from './foundation.js';
import type { Binding, Instance, Offering, SecurityGroup } from './model.js';
import { brokerCredentials, hasCredentials } from './broker-credentials.js';
import { isOriginal, isProxy, offeringAndPlan, originOf, quotaOf } from './broker-share.js';

/** A finding the auditor is expected to report. */
export interface ExpectedFinding {
  kind:
    | 'asg_gap'
    | 'plan_not_visible'
    | 'offering_not_shareable'
    | 'keys_on_shared_instance'
    | 'cross_org_share'
    | 'dashboard_exposed'
    | 'sharing_flag_enabled'
    | 'credentials_not_unique'
    | 'key_credentials_in_binding'
    | BrokerShareFindingKind;
  instance_guid?: string;
  space_guid?: string;
}

/** Findings about broker-level shares (cc-api.md §14, issue 10), with the severity the report gives them. */
export const BROKER_SHARE_FINDING_SEVERITY = {
  broker_share_cross_org: 'medium',
  broker_share_original_missing: 'medium',
  broker_share_remote_region: 'info',
  broker_share_parameters_unreadable: 'info',
  broker_share_over_quota: 'low',
} as const;

export type BrokerShareFindingKind = keyof typeof BROKER_SHARE_FINDING_SEVERITY;

/**
 * Whether `expected_findings` holds the broker-level share findings. Off until the report produces them: the demo's
 * truth check and the report tests compare every expected finding with the report's, so until then they are served
 * in `broker_expected_findings` only and their kinds listed in `unreported_finding_kinds`. Turn this on (and nothing
 * else) once the report makes them.
 */
export const BROKER_FINDINGS_IN_EXPECTED = true;

/** The offering and plan whose proxies the report recognises by default (`--proxy-plan credstore:proxy`). */
export const DEFAULT_PROXY_PLAN = { offering: 'credstore', plan: 'proxy' } as const;

/** One proxy instance of a broker-sharing offering and where its original is. */
export interface BrokerShareTruth {
  proxy_guid: string;
  proxy_name: string;
  proxy_space_guid: string;
  proxy_org_guid: string;
  original_guid: string;
  /** `origin.landscape` of the proxy's parameters, as given. */
  origin_landscape: string | null;
  /** In this foundation; in another region (landscape other than the simulator's); or neither. */
  original: 'local' | 'remote' | 'missing';
  original_space_guid: string | null;
  original_org_guid: string | null;
  original_plan: string | null;
  /** Whether the broker still gives the proxy access (a remote original is taken to have granted it). */
  access: boolean;
  offering: string;
}

/** One original of a broker-sharing offering in this foundation. */
export interface BrokerOriginalTruth {
  guid: string;
  name: string;
  space_guid: string;
  org_guid: string;
  offering: string;
  plan: string;
  /** Proxy instances in this foundation whose parameters name it (with access or not). */
  proxies: number;
  /** Of those, the ones that still have access. */
  proxies_with_access: number;
  /** Most proxies its plan allows. */
  quota: number;
}

/** `GET /_sim/truth`. */
export interface Truth {
  shares: Array<{
    instance_guid: string;
    instance_name: string;
    source_space_guid: string;
    source_org_guid: string;
    target_space_guid: string;
    target_org_guid: string;
    bound_app_guids: string[];
    binding_guids: string[];
  }>;
  shared_instance_guids: string[];
  keys_on_shared_instances: Array<{ instance_guid: string; key_guid: string }>;
  expected_findings: ExpectedFinding[];
  lower_bound_requests: number;
  lower_bound_breakdown: Record<string, number>;
  counts: Record<
    | 'orgs'
    | 'spaces'
    | 'instances'
    | 'managed_instances'
    | 'shared_instances'
    | 'shares'
    | 'app_bindings'
    | 'keys'
    | 'security_groups',
    number
  >;
  scripted_bindings: Array<{
    binding_guid: string;
    unbind: string;
    asyncSeconds: number;
    instance_guid: string;
    space_guid: string;
  }>;
  space_developer_space_guids: string[];
  /** Spaces marked "being deleted" (`PUT /_sim/spaces/:guid/deleting`): unshares from them refuse non-admins. */
  deleting_space_guids: string[];
  /** Shared instances whose broker does not give each binding its own credentials, and how. */
  credential_reuse: Array<{ instance_guid: string; mode: 'per-instance' | 'first-key' }>;
  /** Every proxy instance of a broker-sharing offering (cc-api.md §14). */
  broker_shares: BrokerShareTruth[];
  /** Every original of a broker-sharing offering in this foundation. */
  broker_originals: BrokerOriginalTruth[];
  /** The broker-level share findings an auditor reading `credstore:proxy` parameters must make. */
  broker_expected_findings: ExpectedFinding[];
  /** Finding kinds computed here but kept out of `expected_findings` because the report does not produce them yet. */
  unreported_finding_kinds: string[];
  /** The simulator's own region technical key. */
  landscape: string;
}

const PAGE = 5000;

/**
 * Ground truth of the current state. Findings per share edge carry `space_guid` (asg_gap, plan_not_visible,
 * cross_org_share); per shared instance they do not (offering_not_shareable, keys_on_shared_instance,
 * dashboard_exposed); `sharing_flag_enabled` has neither.
 *
 * lower_bound_requests = one page (per_page=5000) of each collection an auditor must list — organizations, spaces,
 * service_offerings, service_plans, service_instances, service_credential_bindings, security_groups — plus 1 for the
 * sharing feature flag, plus one `relationships/shared_spaces` call per shared instance, plus one
 * `service_plans/:guid/visibility` call per org-restricted plan used by a shared instance, plus one
 * `service_instances/:guid/parameters` call per proxy of the default proxy plan (broker-level shares).
 */
export function computeTruth(f: Foundation, developerSpaces: Iterable<string>, landscape = 'cf-eu10'): Truth {
  const shares: Truth['shares'] = [];
  const findings: ExpectedFinding[] = [];
  const keys: Truth['keys_on_shared_instances'] = [];
  const sharedInstances = f.instances.filter((si) => si.sharedSpaceGuids.length > 0);
  const runningBySpace = new Map<string, SecurityGroup[]>();
  const globalRunning = f.securityGroups.filter((g) => g.globallyRunning);
  const running = (spaceGuid: string): SecurityGroup[] => {
    let groups = runningBySpace.get(spaceGuid);
    if (!groups)
      runningBySpace.set(
        spaceGuid,
        (groups = [
          ...globalRunning,
          ...f.securityGroups.filter((g) => !g.globallyRunning && g.runningSpaceGuids.has(spaceGuid)),
        ]),
      );
    return groups;
  };
  const reach = new Map<string, boolean>();
  const reaches = (spaceGuid: string, o: Offering): boolean => {
    const key = `${spaceGuid}|${o.guid}`;
    let ok = reach.get(key);
    if (ok === undefined)
      reach.set(key, (ok = running(spaceGuid).some((g) => g.rules.some((r) => ruleAllowsTcp(r, o.host, o.port)))));
    return ok;
  };
  const restrictedPlans = new Set<string>();
  for (const si of sharedInstances) {
    const source = f.spaceByGuid.get(si.spaceGuid)!;
    const plan = si.planGuid ? f.planByGuid.get(si.planGuid) : undefined;
    const offering = plan ? f.offeringByGuid.get(plan.offeringGuid) : undefined;
    if (plan?.visibilityType === 'organization') restrictedPlans.add(plan.guid);
    for (const targetGuid of si.sharedSpaceGuids) {
      const target = f.spaceByGuid.get(targetGuid)!;
      const bindings = f.appBindingsIn(si, targetGuid);
      shares.push({
        instance_guid: si.guid,
        instance_name: si.name,
        source_space_guid: source.guid,
        source_org_guid: source.orgGuid,
        target_space_guid: target.guid,
        target_org_guid: target.orgGuid,
        bound_app_guids: [...new Set(bindings.map((b) => b.appGuid!))],
        binding_guids: bindings.map((b) => b.guid),
      });
      if (offering && !reaches(target.guid, offering))
        findings.push({ kind: 'asg_gap', instance_guid: si.guid, space_guid: target.guid });
      if (plan && !f.planVisibleInSpace(plan, target))
        findings.push({ kind: 'plan_not_visible', instance_guid: si.guid, space_guid: target.guid });
      if (target.orgGuid !== source.orgGuid)
        findings.push({ kind: 'cross_org_share', instance_guid: si.guid, space_guid: target.guid });
    }
    if (offering && !offering.shareable) findings.push({ kind: 'offering_not_shareable', instance_guid: si.guid });
    const siKeys = (f.bindingsByInstance.get(si.guid) ?? []).filter((b) => b.type === 'key');
    for (const k of siKeys) keys.push({ instance_guid: si.guid, key_guid: k.guid });
    if (siKeys.length > 0) findings.push({ kind: 'keys_on_shared_instance', instance_guid: si.guid });
    if (si.dashboardUrl) findings.push({ kind: 'dashboard_exposed', instance_guid: si.guid });
  }
  if (f.featureFlags.get('service_instance_sharing')?.enabled) findings.push({ kind: 'sharing_flag_enabled' });
  findings.push(...credentialTruth(f, sharedInstances));
  const broker = brokerShareTruth(f, landscape);
  if (BROKER_FINDINGS_IN_EXPECTED) findings.push(...broker.findings);

  const pages = (n: number): number => Math.max(1, Math.ceil(n / PAGE));
  const breakdown: Record<string, number> = {
    'GET /v3/organizations': pages(f.orgs.length),
    'GET /v3/spaces': pages(f.spaces.length),
    'GET /v3/service_offerings': pages(f.offerings.length),
    'GET /v3/service_plans': pages(f.plans.length),
    'GET /v3/service_instances': pages(f.instances.length),
    'GET /v3/service_credential_bindings': pages(f.bindings.length),
    'GET /v3/security_groups': pages(f.securityGroups.length),
    'GET /v3/feature_flags/:name': 1,
    'GET /v3/service_instances/:guid/relationships/shared_spaces': sharedInstances.length,
    'GET /v3/service_plans/:guid/visibility': restrictedPlans.size,
    // One parameters read per proxy of the default proxy plan (the original it names is only there).
    'GET /v3/service_instances/:guid/parameters': broker.shares.filter(
      (share) => share.offering === DEFAULT_PROXY_PLAN.offering,
    ).length,
  };
  const appBindings = f.bindings.filter((b) => b.type === 'app').length;
  return {
    shares,
    shared_instance_guids: sharedInstances.map((si: Instance) => si.guid),
    keys_on_shared_instances: keys,
    expected_findings: findings,
    lower_bound_requests: Object.values(breakdown).reduce((a, b) => a + b, 0),
    lower_bound_breakdown: breakdown,
    counts: {
      orgs: f.orgs.length,
      spaces: f.spaces.length,
      instances: f.instances.length,
      managed_instances: f.instances.filter((si) => si.type === 'managed').length,
      shared_instances: sharedInstances.length,
      shares: shares.length,
      app_bindings: appBindings,
      keys: f.bindings.length - appBindings,
      security_groups: f.securityGroups.length,
    },
    // Every binding whose broker is scripted (generated or set through PUT /_sim/bindings/:guid/behaviour).
    scripted_bindings: f.bindings
      .filter((b) => b.behaviour.unbind !== 'sync')
      .map((b) => ({
        binding_guid: b.guid,
        unbind: b.behaviour.unbind,
        asyncSeconds: b.behaviour.asyncSeconds,
        instance_guid: b.instanceGuid,
        space_guid: f.bindingSpaceGuid(b) ?? '',
      })),
    space_developer_space_guids: [...developerSpaces],
    deleting_space_guids: [...f.deletingSpaceGuids],
    credential_reuse: sharedInstances.flatMap((si) =>
      si.brokerCredentials === 'per-instance' || si.brokerCredentials === 'first-key'
        ? [{ instance_guid: si.guid, mode: si.brokerCredentials }]
        : [],
    ),
    broker_shares: broker.shares,
    broker_originals: broker.originals,
    broker_expected_findings: broker.findings,
    unreported_finding_kinds: BROKER_FINDINGS_IN_EXPECTED ? [] : Object.keys(BROKER_SHARE_FINDING_SEVERITY),
    landscape,
  };
}

/**
 * Broker-level shares (cc-api.md §14): every proxy and where its original is, every local original with its proxy
 * count and quota, and the findings an auditor must make that recognises `credstore:proxy` (the default) and reads
 * each proxy's parameters. A proxy whose parameters cannot be read now (an operation in progress answers 409, a
 * failed create 404) gives `broker_share_parameters_unreadable` and nothing else, since its original is not known to
 * the auditor; otherwise a local original in another org gives `broker_share_cross_org`, an origin in another region
 * `broker_share_remote_region`, and an origin that is neither here nor elsewhere `broker_share_original_missing`.
 * An original whose readable proxies outnumber its plan's quota gives `broker_share_over_quota`. Proxies of other
 * offerings (`vault-share`, whose broker cannot return parameters) are listed but make no finding.
 */
function brokerShareTruth(
  f: Foundation,
  landscape: string,
): { shares: BrokerShareTruth[]; originals: BrokerOriginalTruth[]; findings: ExpectedFinding[] } {
  const shares: BrokerShareTruth[] = [];
  const findings: ExpectedFinding[] = [];
  const originals: BrokerOriginalTruth[] = [];
  const readableProxies = new Map<string, number>();
  const allProxies = new Map<string, number>();
  const withAccess = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  for (const si of f.instances) {
    if (si.type !== 'managed' || !isProxy(f, si)) continue;
    const origin = originOf(si);
    if (!origin) continue;
    const { offering, plan } = offeringAndPlan(f, si)!;
    const space = f.spaceByGuid.get(si.spaceGuid)!;
    const remote = origin.landscape !== null && origin.landscape !== landscape;
    const candidate = remote ? undefined : f.instanceByGuid.get(origin.serviceGuid);
    const original = candidate && isOriginal(f, candidate) ? candidate : undefined;
    const originalSpace = original ? f.spaceByGuid.get(original.spaceGuid) : undefined;
    const access = remote || (original?.brokerShare?.access.has(si.guid) ?? false);
    shares.push({
      proxy_guid: si.guid,
      proxy_name: si.name,
      proxy_space_guid: si.spaceGuid,
      proxy_org_guid: space.orgGuid,
      original_guid: origin.serviceGuid,
      origin_landscape: origin.landscape,
      original: remote ? 'remote' : original ? 'local' : 'missing',
      original_space_guid: originalSpace?.guid ?? null,
      original_org_guid: originalSpace?.orgGuid ?? null,
      original_plan: original ? offeringAndPlan(f, original)!.plan.name : null,
      access,
      offering: offering.name,
    });
    if (original) {
      bump(allProxies, original.guid);
      if (access) bump(withAccess, original.guid);
    }
    if (offering.name !== DEFAULT_PROXY_PLAN.offering || plan.name !== DEFAULT_PROXY_PLAN.plan) continue;
    const op = si.lastOperation;
    const readable =
      offering.instancesRetrievable === true &&
      op.state !== 'initial' &&
      op.state !== 'in progress' &&
      !(op.type === 'create' && op.state === 'failed');
    if (!readable) {
      findings.push({ kind: 'broker_share_parameters_unreadable', instance_guid: si.guid });
      continue;
    }
    if (remote) findings.push({ kind: 'broker_share_remote_region', instance_guid: si.guid });
    else if (!original) findings.push({ kind: 'broker_share_original_missing', instance_guid: si.guid });
    else {
      bump(readableProxies, original.guid);
      if (originalSpace && originalSpace.orgGuid !== space.orgGuid)
        findings.push({ kind: 'broker_share_cross_org', instance_guid: si.guid });
    }
  }
  for (const si of f.instances) {
    if (si.type !== 'managed' || !isOriginal(f, si)) continue;
    const { offering, plan } = offeringAndPlan(f, si)!;
    const quota = quotaOf(f, si);
    originals.push({
      guid: si.guid,
      name: si.name,
      space_guid: si.spaceGuid,
      org_guid: f.spaceByGuid.get(si.spaceGuid)?.orgGuid ?? '',
      offering: offering.name,
      plan: plan.name,
      proxies: allProxies.get(si.guid) ?? 0,
      proxies_with_access: withAccess.get(si.guid) ?? 0,
      quota,
    });
    if ((readableProxies.get(si.guid) ?? 0) > quota)
      findings.push({ kind: 'broker_share_over_quota', instance_guid: si.guid });
  }
  return { shares, originals, findings };
}

/**
 * The credential findings an auditor that reads every binding and key of the shared instances must make
 * (issue 13), from the credentials themselves: `credentials_not_unique` per share edge whose target space has an
 * app binding with the same credentials as a binding or key of another space; `key_credentials_in_binding` per
 * instance and space where an app binding carries a key's credentials. Bindings without credentials (creation
 * not succeeded) are left out, as the auditor leaves them out.
 */
function credentialTruth(f: Foundation, sharedInstances: readonly Instance[]): ExpectedFinding[] {
  const groups = new Map<string, Binding[]>();
  for (const si of sharedInstances)
    for (const b of si.type === 'managed' ? (f.bindingsByInstance.get(si.guid) ?? []) : []) {
      if (!hasCredentials(b)) continue;
      const text = JSON.stringify(brokerCredentials(f, b));
      groups.set(text, [...(groups.get(text) ?? []), b]);
    }
  const notUnique = new Set<string>();
  const keyInBinding = new Set<string>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const hasKey = group.some((b) => b.type === 'key');
    for (const b of group) {
      if (b.type !== 'app') continue;
      const si = f.instanceByGuid.get(b.instanceGuid)!;
      const space = f.bindingSpaceGuid(b) ?? '';
      if (hasKey) keyInBinding.add(`${si.guid} ${space}`);
      if (si.sharedSpaceGuids.includes(space) && group.some((o) => f.bindingSpaceGuid(o) !== space))
        notUnique.add(`${si.guid} ${space}`);
    }
  }
  const expected = (kind: ExpectedFinding['kind'], keys: Set<string>): ExpectedFinding[] =>
    [...keys].map((k) => {
      const [instance_guid, space_guid] = k.split(' ') as [string, string];
      return { kind, instance_guid, space_guid };
    });
  return [...expected('credentials_not_unique', notUnique), ...expected('key_credentials_in_binding', keyInBinding)];
}
