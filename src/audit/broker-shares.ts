import type { SnapshotAppBinding, SnapshotInstance, SnapshotKey } from './snapshot.js';

/**
 * Broker-level shares (cc-api.md §14): a broker such as SAP Credential Store shares an instance itself. The consumer
 * creates an instance of a proxy plan whose parameters name the original (`origin.serviceGuid`, plus
 * `origin.landscape` when the original is in another region). Cloud Controller's `shared_spaces` never sees these.
 */

/** An offering and plan whose instances are proxies (`--proxy-plan OFFERING:PLAN`). */
export interface ProxyPlan {
  readonly offering: string;
  readonly plan: string;
}

/** Credential Store's proxy plan, audited unless `--proxy-plan` names others. */
export const DEFAULT_PROXY_PLANS: readonly ProxyPlan[] = [{ offering: 'credstore', plan: 'proxy' }];

/** Proxies one original may serve, by the original's plan (Credential Store: 1 on `free`, 10 on `standard`). */
export const PROXY_QUOTA: Readonly<Record<string, number>> = { free: 1, standard: 10 };

/** `OFFERING:PLAN` → a proxy plan; a string says what is wrong with the text. */
export function parseProxyPlan(text: string): ProxyPlan | string {
  const colon = text.lastIndexOf(':');
  const offering = text.slice(0, colon).trim();
  const plan = text.slice(colon + 1).trim();
  if (colon < 0 || offering === '' || plan === '')
    return `--proxy-plan must be OFFERING:PLAN (e.g. credstore:proxy), not '${text}'`;
  return { offering, plan };
}

/** Proxy plans from texts already checked with {@link parseProxyPlan}; a bad one throws (job data from elsewhere). */
export function proxyPlansOf(texts: readonly string[]): ProxyPlan[] {
  return texts.map((text) => {
    const plan = parseProxyPlan(text);
    if (typeof plan === 'string') throw new Error(plan);
    return plan;
  });
}

/** The text form of a proxy plan, as report.json lists it. */
export function proxyPlanText(plan: ProxyPlan): string {
  return `${plan.offering}:${plan.plan}`;
}

/** What a proxy's parameters say about its original. */
export interface ProxyOrigin {
  readonly serviceGuid: string;
  /** The original's region when the consumer named one; null when it did not (the original is meant to be local). */
  readonly landscape: string | null;
}

/** CC's answer when a proxy's parameters could not be read (status and CC's error code, title and detail). */
export interface ParametersError {
  readonly status: number;
  readonly code: number | null;
  readonly title: string | null;
  readonly detail: string | null;
}

/** A proxy instance as the crawl found it. */
export interface BrokerProxy extends SnapshotInstance {
  /** Null when the parameters could not be read, or did not name an original. */
  readonly origin: ProxyOrigin | null;
  /** Set when the parameters could not be read: the original is unknown. */
  readonly parametersError: ParametersError | null;
}

/** What the crawl gathered about broker-level shares. */
export interface BrokerShareSnapshot {
  /** The proxy plans the crawl looked for, as `offering:plan`. */
  readonly proxyPlans: readonly string[];
  /** This foundation's region (`--landscape`), when the operator gave it. */
  readonly landscape?: string;
  readonly proxies: readonly BrokerProxy[];
  /**
   * Every instance of a proxy plan's offering that is not itself a proxy: the originals proxies may name, here or
   * (with a fleet) from another foundation.
   */
  readonly originals: readonly SnapshotInstance[];
  /** App bindings of the proxies. */
  readonly appBindings: readonly SnapshotAppBinding[];
  /** Service keys of the proxies. */
  readonly keys: readonly SnapshotKey[];
}

/**
 * The original a proxy's parameters name, from the parameters object CC answers (`{"origin": {"serviceGuid": ...}}`).
 * Null when they name none (a proxy created without them, or a broker that stores something else).
 */
export function originOf(parameters: unknown): ProxyOrigin | null {
  if (typeof parameters !== 'object' || parameters === null) return null;
  const origin = (parameters as { origin?: unknown }).origin;
  if (typeof origin !== 'object' || origin === null) return null;
  const { serviceGuid, landscape } = origin as { serviceGuid?: unknown; landscape?: unknown };
  if (typeof serviceGuid !== 'string' || serviceGuid === '') return null;
  return { serviceGuid, landscape: typeof landscape === 'string' && landscape !== '' ? landscape : null };
}

/**
 * Where a proxy's original is: `local`, an instance of this foundation; `remote_region`, the proxy names another
 * region; `missing`, it names this region (no landscape) and the original is not here (deleted: the proxy is stale);
 * `unknown`, the parameters could not be read or named no original.
 */
export type OriginalWhere = 'local' | 'remote_region' | 'missing' | 'unknown';

export function originalWhere(
  proxy: BrokerProxy,
  localOriginals: ReadonlySet<string>,
  ownLandscape?: string,
): OriginalWhere {
  if (!proxy.origin) return 'unknown';
  if (localOriginals.has(proxy.origin.serviceGuid)) return 'local';
  const { landscape } = proxy.origin;
  return landscape === null || landscape === ownLandscape ? 'missing' : 'remote_region';
}

/** One proxy with what is known about its original. */
export interface BrokerShareRow {
  readonly proxy: BrokerProxy;
  readonly where: OriginalWhere;
  /** The original, when it is an instance of this foundation. */
  readonly original: SnapshotInstance | null;
  /** Proxies of this foundation that name the same original (local originals only, else 0). */
  readonly proxiesOfOriginal: number;
  /** How many proxies the original's plan allows; null when its plan has no known quota. */
  readonly quota: number | null;
}

/** One row per proxy, by proxy guid; for findings and the report alike, so that the two never disagree. */
export function brokerShareRows(
  shares: BrokerShareSnapshot,
  planName: (planGuid: string | null) => string | undefined,
): BrokerShareRow[] {
  const originals = new Map(shares.originals.map((original) => [original.guid, original]));
  const named = new Map<string, number>();
  for (const proxy of shares.proxies)
    if (proxy.origin) named.set(proxy.origin.serviceGuid, (named.get(proxy.origin.serviceGuid) ?? 0) + 1);
  const local = new Set(originals.keys());
  return [...shares.proxies]
    .sort((a, b) => a.guid.localeCompare(b.guid))
    .map((proxy) => {
      const where = originalWhere(proxy, local, shares.landscape);
      const original = where === 'local' ? originals.get(proxy.origin!.serviceGuid)! : null;
      const plan = original ? planName(original.planGuid) : undefined;
      return {
        proxy,
        where,
        original,
        proxiesOfOriginal: original ? (named.get(original.guid) ?? 0) : 0,
        quota: plan !== undefined ? (PROXY_QUOTA[plan] ?? null) : null,
      };
    });
}
