import { BROKER_SHARE_CATALOG } from './catalog.js';
import type { Foundation } from './foundation.js';
import { instanceLabels } from './generate-labels.js';
import type { Instance, Offering, SharingConfiguration, Space } from './model.js';
import { Prng } from './prng.js';
import { stamp, succeeded } from './timestamps.js';

/** A region other than the simulator's own, for the seed's remote original. */
export const REMOTE_LANDSCAPE = 'cf-us20';

/**
 * Adds the broker-level sharing offerings (`credstore`, `vault-share`) and a fixed, small set of originals and
 * proxies (cc-api.md §14), whatever the foundation's size: same-org and cross-org proxies, a proxy whose original is
 * in another region, a stale proxy whose original was deleted, a free original with two proxies (over quota), a
 * proxy stuck in an update, an original whose broker updates asynchronously, app bindings and keys on proxies, and a
 * vault-share original with two proxies. Everything comes from its own random streams and is added after the rest
 * of the foundation, so the rest of a seed's foundation (guids included) does not change.
 */
export function generateBrokerShares(f: Foundation, seed: number, landscape: string): void {
  if (f.spaces.length === 0) return;
  const ids = new Prng(seed, 'broker-share-guids');
  const offerings = new Map<string, Offering>();
  BROKER_SHARE_CATALOG.forEach((entry, i) => {
    const brokerGuid = ids.guid();
    const offering: Offering = {
      guid: ids.guid(),
      name: entry.name,
      description: entry.description,
      tags: entry.tags,
      brokerGuid,
      brokerName: entry.brokerName,
      catalogId: ids.guid(),
      // Not shareable through CC: these brokers share themselves.
      shareable: false,
      host: entry.host,
      port: entry.port,
      hostKey: entry.hostKey,
      scheme: entry.scheme,
      hasDashboard: entry.hasDashboard,
      index: f.offerings.length,
      createdAt: stamp(50 + f.offerings.length),
      instancesRetrievable: entry.instancesRetrievable,
      brokerSharing: { proxyPlan: entry.proxyPlan, quotas: entry.quotas },
    };
    f.addOffering(offering);
    offerings.set(entry.name, offering);
    for (const name of entry.plans)
      f.addPlan({
        guid: ids.guid(),
        name,
        offeringGuid: offering.guid,
        visibilityType: 'public',
        visibleOrgGuids: new Set(),
        spaceGuid: null,
        active: true,
        free: name !== 'standard',
        catalogId: ids.guid(),
        index: f.plans.length,
        createdAt: stamp(60 + f.plans.length + i),
      });
  });
  const planGuid = (offering: string, plan: string): string =>
    f.plans.find((p) => p.offeringGuid === offerings.get(offering)!.guid && p.name === plan)!.guid;

  // Spaces by position: i, m+i and 2m+i are in org i (spaces are spread round-robin over m orgs).
  const m = f.orgs.length;
  const at = (i: number): Space => f.spaces[i % f.spaces.length]!;
  const [sA, sB, sC, sA2, sB2, sC2] = [at(0), at(1), at(2), at(m), at(m + 1), at(m + 2)];

  let made = 0;
  const instance = (
    name: string,
    space: Space,
    offering: string,
    plan: string,
    parameters: Record<string, unknown> = {},
  ): Instance => {
    const index = f.newInstanceIndex();
    const createdAt = stamp(10_000 + index * 7);
    const si: Instance = {
      guid: ids.guid(),
      name,
      type: 'managed',
      spaceGuid: space.guid,
      planGuid: planGuid(offering, plan),
      dashboardUrl: null,
      tags: [],
      credentials: null,
      syslogDrainUrl: '',
      routeServiceUrl: '',
      sharedSpaceGuids: [],
      labels: instanceLabels(index),
      index,
      createdAt,
      lastOperation: succeeded(createdAt),
      parameters,
    };
    if (plan !== 'proxy') si.brokerShare = { configurations: [], access: new Set() };
    f.addInstance(si);
    made++;
    return si;
  };
  const configuration = (
    original: Instance,
    target: { spaceGuid?: string; subaccountGuid?: string; landscape?: string },
    permanent: boolean,
  ): SharingConfiguration => {
    const createdAt = stamp(20_000 + made * 11 + original.brokerShare!.configurations.length);
    const c: SharingConfiguration = {
      id: ids.guid(),
      spaceGuid: target.spaceGuid ?? null,
      subaccountGuid: target.subaccountGuid ?? null,
      landscape: target.landscape ?? null,
      authorization: null,
      createdAt,
      createdAtMs: Date.parse(createdAt),
      permanent,
      consumedBy: [],
    };
    original.brokerShare!.configurations.push(c);
    return c;
  };
  /** A proxy created against `config` of `original`: it names the original and has access. */
  const proxy = (
    name: string,
    space: Space,
    original: Instance,
    config: SharingConfiguration,
    offering = 'credstore',
    originLandscape?: string,
  ): Instance => {
    const origin = { serviceGuid: original.guid, ...(originLandscape !== undefined && { landscape: originLandscape }) };
    const p = instance(name, space, offering, 'proxy', { origin });
    config.consumedBy.push(p.guid);
    original.brokerShare!.access.add(p.guid);
    return p;
  };

  const teamA = instance('credstore-team-a', sA, 'credstore', 'standard');
  const teamASameOrg = configuration(teamA, { spaceGuid: sA2.guid }, true);
  const p1 = proxy('team-a-secrets', sA2, teamA, teamASameOrg);
  // Its origin names the simulator's own landscape explicitly: still an original in this foundation.
  proxy('team-a-secrets-regional', sA2, teamA, teamASameOrg, 'credstore', landscape);
  const p2 = proxy('team-a-secrets-ext', sB, teamA, configuration(teamA, { spaceGuid: sB.guid }, true));
  // Shared with a space of another region: pending, never consumed here.
  configuration(teamA, { spaceGuid: ids.guid(), landscape: REMOTE_LANDSCAPE }, false);

  const billing = instance('credstore-billing', sB, 'credstore', 'free');
  billing.updateBehaviour = { update: 'async', asyncSeconds: 3 };
  const p3 = proxy('billing-secrets', sC, billing, configuration(billing, { spaceGuid: sC.guid }, true));

  // Free plan, two proxies: drift the broker should not have allowed.
  const drift = instance('credstore-drift', sC, 'credstore', 'free');
  const driftOrg = configuration(drift, { subaccountGuid: sC.orgGuid }, true);
  const p4 = proxy('drift-secrets-1', sC2, drift, driftOrg);
  proxy('drift-secrets-2', sA, drift, configuration(drift, { spaceGuid: sA.guid }, false));

  // A proxy stuck in an update: its parameters answer 409 while it lasts.
  const busy = instance('credstore-busy', sB2, 'credstore', 'standard');
  const p6 = proxy('busy-secrets', sC2, busy, configuration(busy, { spaceGuid: sC2.guid }, true));
  p6.lastOperation = {
    type: 'update',
    state: 'in progress',
    description: 'Update in progress',
    createdAt: stamp(30_000),
    updatedAt: stamp(30_000),
  };

  // Originals that are not here: one in another region, one deleted (its proxy is stale).
  instance('remote-secrets', sB2, 'credstore', 'proxy', {
    origin: { serviceGuid: ids.guid(), landscape: REMOTE_LANDSCAPE },
  });
  const stale = instance('stale-secrets', sA, 'credstore', 'proxy', { origin: { serviceGuid: ids.guid() } });

  instance('credstore-unused', sC, 'credstore', 'standard');

  const vault = instance('vault-main', sA, 'vault-share', 'standard');
  proxy('vault-proxy-ext', sB, vault, configuration(vault, { spaceGuid: sB.guid }, true), 'vault-share');
  proxy('vault-proxy', sA2, vault, configuration(vault, { spaceGuid: sA2.guid }, true), 'vault-share');

  // App bindings and keys on proxies: their apps lose access when the original is unshared.
  let n = 0;
  const bind = (si: Instance, type: 'app' | 'key'): void => {
    const app = type === 'app' ? f.appsBySpace.get(si.spaceGuid)?.[0] : undefined;
    if (type === 'app' && !app) return;
    const createdAt = stamp(4_000_000 + n++ * 3);
    f.addBinding({
      guid: ids.guid(),
      name: type === 'key' ? `${si.name}-key` : null,
      type,
      instanceGuid: si.guid,
      appGuid: app?.guid ?? null,
      createdAt,
      lastOperation: succeeded(createdAt),
      behaviour: { unbind: 'sync', asyncSeconds: 0 },
    });
  };
  bind(p1, 'app');
  bind(p1, 'key');
  bind(p2, 'app');
  bind(p3, 'key');
  bind(p4, 'app');
  bind(stale, 'app');
}
