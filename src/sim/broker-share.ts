import type { Foundation } from './foundation.js';
import type { BrokerSharingSpec, Instance, Offering, Plan, SharingConfiguration } from './model.js';
import type { SimState } from './sim-state.js';

/** A pending sharing configuration can be consumed for this long after it was made (cc-api.md §14). */
export const PENDING_WINDOW_MS = 15 * 60 * 1000;

/** A broker's refusal: `description` is what the broker said; CC wraps it as `Service broker error: <description>`. */
export class BrokerError extends Error {
  constructor(readonly description: string) {
    super(`Service broker error: ${description}`);
    this.name = 'BrokerError';
  }
}

/** The offering and plan of a managed instance, when both still exist. */
export function offeringAndPlan(f: Foundation, si: Instance): { offering: Offering; plan: Plan } | null {
  const plan = si.planGuid ? f.planByGuid.get(si.planGuid) : undefined;
  const offering = plan ? f.offeringByGuid.get(plan.offeringGuid) : undefined;
  return plan && offering ? { offering, plan } : null;
}

/** The instance's broker-sharing spec, plan and offering; null for instances of other offerings. */
function sharingOf(f: Foundation, si: Instance): { spec: BrokerSharingSpec; plan: Plan; offering: Offering } | null {
  const found = offeringAndPlan(f, si);
  if (!found?.offering.brokerSharing) return null;
  return { spec: found.offering.brokerSharing, ...found };
}

/** Whether the instance is a proxy of a broker-sharing offering. */
export function isProxy(f: Foundation, si: Instance): boolean {
  const s = sharingOf(f, si);
  return s !== null && s.plan.name === s.spec.proxyPlan;
}

/** Whether the instance is an original (a non-proxy plan) of a broker-sharing offering. */
export function isOriginal(f: Foundation, si: Instance): boolean {
  const s = sharingOf(f, si);
  return s !== null && s.plan.name !== s.spec.proxyPlan;
}

/** The original's plan quota (most proxies); 0 for plans without one. */
export function quotaOf(f: Foundation, si: Instance): number {
  const s = sharingOf(f, si);
  return s ? (s.spec.quotas[s.plan.name] ?? 0) : 0;
}

/** `origin` of a proxy's parameters: the original's guid and, when given, its landscape. */
export function originOf(si: Instance): { serviceGuid: string; landscape: string | null } | null {
  const origin = si.parameters?.origin;
  if (typeof origin !== 'object' || origin === null) return null;
  const { serviceGuid, landscape } = origin as Record<string, unknown>;
  if (typeof serviceGuid !== 'string') return null;
  return { serviceGuid, landscape: typeof landscape === 'string' ? landscape : null };
}

/** Proxy instances of this foundation whose parameters name `original` (in its own region), in index order. */
export function proxiesNaming(f: Foundation, original: Instance, landscape: string): Instance[] {
  return f.instances.filter((si) => {
    if (!isProxy(f, si)) return false;
    const origin = originOf(si);
    return origin !== null && origin.serviceGuid === original.guid && (origin.landscape ?? landscape) === landscape;
  });
}

/** Proxies that still have access to the original (access entries of deleted proxies are ignored). */
function liveAccess(f: Foundation, original: Instance): string[] {
  return [...(original.brokerShare?.access ?? [])].filter((g) => f.instanceByGuid.has(g));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What the broker does with an update's parameters. Originals of a broker-sharing offering take `share` and
 * `unshare` commands (kept out of their stored parameters); proxies refuse them; every other key is merged into the
 * parameters the broker returns. Throws {@link BrokerError} for a request the broker rejects.
 */
export function brokerUpdate(state: SimState, si: Instance, parameters: Record<string, unknown>): void {
  const f = state.foundation;
  const { share, unshare, ...rest } = parameters;
  const commands = share !== undefined || unshare !== undefined;
  if (commands) {
    if (isProxy(f, si))
      throw new BrokerError('A proxy instance cannot be shared or unshared; update its original instance instead.');
    if (!isOriginal(f, si)) {
      // Brokers that do not share take the keys as ordinary parameters.
      si.parameters = { ...si.parameters, ...parameters };
      return;
    }
    if (share !== undefined && unshare !== undefined)
      throw new BrokerError('Give either share or unshare in one update, not both.');
    if (share !== undefined) addConfiguration(state, si, share);
    else applyUnshare(state, si, unshare);
  }
  if (Object.keys(rest).length > 0) si.parameters = { ...si.parameters, ...rest };
}

function addConfiguration(state: SimState, si: Instance, share: unknown): void {
  if (!isObject(share)) throw new BrokerError('share must be an object.');
  const { spaceGuid, subaccountGuid, landscape, authorization, permanent } = share;
  const targets = [spaceGuid, subaccountGuid].filter((v) => v !== undefined);
  if (targets.length !== 1 || typeof targets[0] !== 'string' || targets[0] === '')
    throw new BrokerError('share needs exactly one of spaceGuid or subaccountGuid.');
  if (landscape !== undefined && typeof landscape !== 'string')
    throw new BrokerError('share.landscape must be a region technical key.');
  if (authorization !== undefined && !isObject(authorization))
    throw new BrokerError('share.authorization must be an object.');
  if (permanent !== undefined && typeof permanent !== 'boolean') throw new BrokerError('share.permanent must be true.');
  const nowMs = state.nowMs();
  const configuration: SharingConfiguration = {
    id: state.newGuid(),
    spaceGuid: typeof spaceGuid === 'string' ? spaceGuid : null,
    subaccountGuid: typeof subaccountGuid === 'string' ? subaccountGuid : null,
    landscape: typeof landscape === 'string' && landscape !== state.landscape ? landscape : null,
    authorization: isObject(authorization) ? authorization : null,
    createdAt: state.now(),
    createdAtMs: nowMs,
    permanent: permanent === true,
    consumedBy: [],
  };
  si.brokerShare ??= { configurations: [], access: new Set() };
  si.brokerShare.configurations.push(configuration);
}

/**
 * `{"unshare": {"landscape": "*"|key, "spaceGuid"?, "subaccountGuid"?, "proxyServiceGuid"?}}`: removes access of
 * the matching proxies and drops the matching configurations (with `proxyServiceGuid`, only that proxy's access
 * goes). Proxies of this foundation are in the simulator's own landscape. Matching nothing is not an error.
 */
function applyUnshare(state: SimState, si: Instance, unshare: unknown): void {
  const f = state.foundation;
  if (!isObject(unshare)) throw new BrokerError('unshare must be an object.');
  const { landscape, spaceGuid, subaccountGuid, proxyServiceGuid } = unshare;
  if (typeof landscape !== 'string' || landscape === '')
    throw new BrokerError("unshare needs landscape: '*' for every region or a region technical key.");
  for (const [name, value] of Object.entries({ spaceGuid, subaccountGuid, proxyServiceGuid }))
    if (value !== undefined && typeof value !== 'string') throw new BrokerError(`unshare.${name} must be a string.`);
  const state_ = si.brokerShare;
  if (!state_) return;
  const inLandscape = (key: string | null): boolean => landscape === '*' || (key ?? state.landscape) === landscape;
  for (const guid of [...state_.access]) {
    const proxy = f.instanceByGuid.get(guid);
    if (!proxy) {
      state_.access.delete(guid);
      continue;
    }
    const orgGuid = f.spaceByGuid.get(proxy.spaceGuid)?.orgGuid;
    if (
      inLandscape(null) &&
      (spaceGuid === undefined || proxy.spaceGuid === spaceGuid) &&
      (subaccountGuid === undefined || orgGuid === subaccountGuid) &&
      (proxyServiceGuid === undefined || proxy.guid === proxyServiceGuid)
    )
      state_.access.delete(guid);
  }
  if (proxyServiceGuid !== undefined) return;
  state_.configurations = state_.configurations.filter(
    (c) =>
      !(
        inLandscape(c.landscape) &&
        (spaceGuid === undefined || c.spaceGuid === spaceGuid) &&
        (subaccountGuid === undefined || c.subaccountGuid === subaccountGuid)
      ),
  );
}

/** Whether a configuration lets a proxy in `spaceGuid` (of `orgGuid`) be created now. */
function allows(state: SimState, c: SharingConfiguration, spaceGuid: string, orgGuid: string): boolean {
  if (c.landscape !== null && c.landscape !== state.landscape) return false;
  if (c.spaceGuid !== spaceGuid && c.subaccountGuid !== orgGuid) return false;
  return c.permanent || (c.consumedBy.length === 0 && state.nowMs() - c.createdAtMs <= PENDING_WINDOW_MS);
}

/**
 * What the broker does with a provision. A proxy (`{"origin": {"serviceGuid", "landscape"?}}`) is accepted when its
 * original (in this region) has a permanent configuration, or a pending (at most 15 minutes old) unused one, for the
 * proxy's space or org, and the original's plan quota has room; an origin in another region is accepted as that
 * region's broker would (not simulated). The broker then returns the parameters as given. Throws {@link BrokerError}.
 */
export function brokerProvision(state: SimState, si: Instance, parameters: Record<string, unknown>): void {
  const f = state.foundation;
  if (isOriginal(f, si)) si.brokerShare = { configurations: [], access: new Set() };
  if (!isProxy(f, si)) {
    si.parameters = { ...parameters };
    return;
  }
  const origin = parameters.origin;
  if (!isObject(origin) || typeof origin.serviceGuid !== 'string' || origin.serviceGuid === '')
    throw new BrokerError('A proxy instance needs the parameter origin.serviceGuid (the original instance).');
  if (origin.landscape !== undefined && typeof origin.landscape !== 'string')
    throw new BrokerError('origin.landscape must be a region technical key.');
  const landscape = typeof origin.landscape === 'string' ? origin.landscape : state.landscape;
  if (landscape === state.landscape) {
    const original = f.instanceByGuid.get(origin.serviceGuid);
    const mine = offeringAndPlan(f, si)?.offering;
    if (!original || !isOriginal(f, original) || offeringAndPlan(f, original)?.offering !== mine)
      throw new BrokerError(`The original service instance ${origin.serviceGuid} does not exist in ${landscape}.`);
    const space = f.spaceByGuid.get(si.spaceGuid)!;
    const configs = original.brokerShare?.configurations ?? [];
    // A pending configuration is used up first; a permanent one serves any number of proxies.
    const config =
      configs.find((c) => !c.permanent && allows(state, c, space.guid, space.orgGuid)) ??
      configs.find((c) => allows(state, c, space.guid, space.orgGuid));
    if (!config)
      throw new BrokerError(
        `Service instance ${original.guid} is not shared with space ${space.guid}: no permanent sharing configuration ` +
          'and no pending one (a pending configuration is valid for 15 minutes and can be used once).',
      );
    const quota = quotaOf(f, original);
    const used = liveAccess(f, original).length;
    if (used >= quota) {
      const plan = offeringAndPlan(f, original)!.plan.name;
      throw new BrokerError(
        `Service instance ${original.guid} already has ${used} proxy instance(s); its plan ${plan} allows ${quota}.`,
      );
    }
    config.consumedBy.push(si.guid);
    original.brokerShare!.access.add(si.guid);
  }
  si.parameters = { ...parameters };
}
