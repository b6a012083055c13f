import type pLimit from 'p-limit';
import { CfApiError, type CfClient } from '../client/index.js';
import {
  originOf,
  proxyPlanText,
  type BrokerProxy,
  type ParametersError,
  type ProxyPlan,
} from '../audit/broker-shares.js';
import type { SnapshotInstance } from '../audit/snapshot.js';
import type { Logger } from '../log.js';
import type { InstanceRecord } from './discover-shares.js';

/** The proxies and the candidate originals among a foundation's instances, before any parameters are read. */
export interface BrokerShareCandidates {
  readonly proxyPlans: readonly string[];
  readonly proxies: readonly InstanceRecord[];
  readonly originals: readonly InstanceRecord[];
}

/**
 * Picks the proxies (instances of a proxy plan) and the instances of the same offerings on other plans (the originals
 * they may name), by the plans `brokerSharePlans` found. No request: the crawl listed every instance already.
 */
export function brokerShareCandidates(
  instances: Iterable<InstanceRecord>,
  plans: BrokerSharePlans,
): BrokerShareCandidates {
  const proxies: InstanceRecord[] = [];
  const originals: InstanceRecord[] = [];
  for (const instance of instances) {
    if (instance.planGuid === null) continue;
    if (plans.proxyPlanGuids.has(instance.planGuid)) proxies.push(instance);
    else if (plans.originPlanGuids.has(instance.planGuid)) originals.push(instance);
  }
  const byGuid = (a: InstanceRecord, b: InstanceRecord): number => a.guid.localeCompare(b.guid);
  return {
    proxyPlans: plans.proxyPlans.map(proxyPlanText),
    proxies: proxies.sort(byGuid),
    originals: originals.sort(byGuid),
  };
}

/** The plans of a foundation that broker-level shares involve. */
export interface BrokerSharePlans {
  /** The `--proxy-plan`s they were matched by. */
  readonly proxyPlans: readonly ProxyPlan[];
  readonly proxyPlanGuids: ReadonlySet<string>;
  readonly originPlanGuids: ReadonlySet<string>;
  /** Whether an instance of this plan is a proxy or a candidate original: the crawl keeps the records of both. */
  isCandidate(planGuid: string | null): boolean;
}

/**
 * The plans whose instances are proxies (matched by offering and plan name) and the other plans of the same offerings
 * (whose instances are the originals a proxy may name).
 */
export function brokerSharePlans(
  plans: readonly { guid: string; name: string; offeringGuid: string }[],
  offerings: readonly { guid: string; name: string }[],
  proxyPlans: readonly ProxyPlan[],
): BrokerSharePlans {
  const offeringName = new Map(offerings.map((offering) => [offering.guid, offering.name]));
  const proxyPlanGuids = new Set<string>();
  const originPlanGuids = new Set<string>();
  for (const plan of plans) {
    const offering = offeringName.get(plan.offeringGuid);
    const proxyOfferings = proxyPlans.filter((proxyPlan) => proxyPlan.offering === offering);
    if (proxyOfferings.length === 0) continue;
    if (proxyOfferings.some((proxyPlan) => proxyPlan.plan === plan.name)) proxyPlanGuids.add(plan.guid);
    else originPlanGuids.add(plan.guid);
  }
  return {
    proxyPlans,
    proxyPlanGuids,
    originPlanGuids,
    isCandidate: (planGuid) => planGuid !== null && (proxyPlanGuids.has(planGuid) || originPlanGuids.has(planGuid)),
  };
}

/** What the report keeps of an instance. */
export function snapshotInstance({ guid, name, spaceGuid, planGuid, dashboardUrl }: InstanceRecord): SnapshotInstance {
  return { guid, name, spaceGuid, planGuid, dashboardUrl };
}

/**
 * Reads each proxy's parameters (one `GET .../parameters` each) for the original it names. An answer that is not a
 * success is kept as CC gave it (status, code, title, detail): the original is then unknown, never guessed.
 */
export async function readProxies(
  client: CfClient,
  proxies: readonly InstanceRecord[],
  options: { limit: ReturnType<typeof pLimit>; log: Logger },
): Promise<BrokerProxy[]> {
  const read = await Promise.all(
    proxies.map((proxy) =>
      options.limit(async (): Promise<BrokerProxy> => {
        try {
          const parameters = await client.serviceInstances.parameters(proxy.guid);
          return { ...snapshotInstance(proxy), origin: originOf(parameters), parametersError: null };
        } catch (error) {
          if (!(error instanceof CfApiError)) throw error;
          const parametersError: ParametersError = {
            status: error.status,
            code: error.code ?? null,
            title: error.title ?? null,
            detail: error.detail ?? null,
          };
          return { ...snapshotInstance(proxy), origin: null, parametersError };
        }
      }),
    ),
  );
  const unreadable = read.filter((proxy) => proxy.parametersError !== null).length;
  if (unreadable > 0) options.log.info({ proxies: read.length, unreadable }, 'some proxy parameters could not be read');
  return read;
}
