import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../usage-error.js';
import {
  brokerItemId,
  isBrokerItem,
  itemId,
  type BrokerItem,
  type CampaignItem,
  type PlanItem,
} from './campaign-model.js';
import type { CampaignPlan, PlanKey } from './plan-campaign.js';
import type { SkippedProxy } from './build-broker-plan.js';
import type { CampaignSelectors } from './selectors.js';

/** The schema id of plan.json; a change of its fields' meaning gets a new number. */
export const PLAN_SCHEMA = 'cf-shares/plan@1';

/** One planned share in plan.json: what unsharing it destroys (the bindings) and what survives (the keys). */
export interface PlanFileShare {
  readonly instance: PlanItem['instance'];
  readonly source: PlanItem['source'];
  readonly target: PlanItem['target'];
  /** App bindings in the target space: CC deletes them with the share (cc-api.md §1.2). */
  readonly bindings: PlanItem['bindings'];
  /** Service keys of the instance: unsharing does not delete them (cc-api.md §1.2). */
  readonly keys: readonly PlanKey[];
  /** Set when the target bindings' credentials are held elsewhere too: unsharing does not revoke access (issue 13). */
  readonly credentials_not_unique?: PlanItem['credentials_not_unique'];
}

/** One planned broker-level unshare in plan.json: the original updated, and the proxies whose access goes. */
export interface PlanFileBrokerItem {
  readonly instance: BrokerItem['instance'];
  readonly source: BrokerItem['source'];
  readonly proxies: BrokerItem['proxies'];
  readonly unshare: BrokerItem['unshare'];
}

/** The broker-level part of plan.json (`unshare-all --broker-shares`; additive to plan@1). */
export interface PlanFileBroker {
  readonly per_proxy: boolean;
  /** `--proxy-plan` as given; null for the default (credstore:proxy). */
  readonly proxy_plans: readonly string[] | null;
  readonly counts: {
    readonly originals: number;
    readonly proxies: number;
    readonly apps_losing_access: number;
    readonly proxy_bindings: number;
  };
  readonly items: readonly PlanFileBrokerItem[];
  /** Proxies left out (original in another region, gone, or unknown), each with the reason. */
  readonly skipped: readonly SkippedProxy[];
}

/** plan.json, schema `cf-shares/plan@1`: the whole plan a change approval reviews, and `--from-plan` executes. */
export interface PlanFile {
  readonly schema: typeof PLAN_SCHEMA;
  /** `sha256:<hex>` over {@link canonicalJson} of every other field: see {@link computePlanHash}. */
  readonly plan_hash: string;
  readonly api: string;
  readonly created_at: string;
  readonly created_by: string;
  readonly selectors: CampaignSelectors;
  readonly only_unbound: boolean;
  readonly sharing_flag_enabled: boolean;
  readonly counts: {
    readonly shares: number;
    readonly instances: number;
    readonly target_spaces: number;
    readonly bindings_to_delete: number;
    readonly apps_affected: number;
    readonly keys_surviving: number;
    /** Apps that keep access after unsharing (credentials not unique); absent when credentials were not inspected. */
    readonly apps_keeping_access?: number;
  };
  /** Whether the planning crawl compared the bindings' credentials; absent in plans written before it could. */
  readonly credentials_inspected?: boolean;
  readonly shares: readonly PlanFileShare[];
  /**
   * With `--broker-shares`: whether CC shares were planned too (false: broker-level shares alone, so the sharing
   * flag was not checked and a run does not check it either).
   */
  readonly cc_shares?: boolean;
  readonly broker_shares?: PlanFileBroker;
}

/**
 * JSON with object keys sorted at every depth and no whitespace: one text per value, whatever order its fields were
 * built or parsed in, so a hash of it survives a round trip through any JSON tool that keeps the values.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((entry) => canonicalJson(entry ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
}

/** The plan's hash: sha256 over the canonical JSON of every field but `plan_hash` itself. */
export function computePlanHash(plan: Omit<PlanFile, 'plan_hash'> & { plan_hash?: unknown }): string {
  const { plan_hash: _ignored, ...content } = plan;
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

/** Shares in a stable order (instance, then target space), so the same foundation gives the same file. */
const byPlace = (a: PlanFileShare, b: PlanFileShare): number =>
  a.instance.guid.localeCompare(b.instance.guid) || a.target.space_guid.localeCompare(b.target.space_guid);

/**
 * plan.json of a plan: every share with the bindings it destroys and the keys that survive, the counts, and the
 * hash. Only guids and names: no credential is ever read into a plan.
 */
export function planFileOf(
  plan: CampaignPlan,
  context: {
    api: string;
    createdAt: string;
    selectors: CampaignSelectors;
    onlyUnbound: boolean;
    /** @defaultValue true */
    ccShares?: boolean;
    proxyPlans?: readonly string[];
  },
): PlanFile {
  const shares = plan.items
    .filter((item): item is PlanItem => !isBrokerItem(item))
    .map((item): PlanFileShare => ({
      instance: item.instance,
      source: item.source,
      target: item.target,
      bindings: item.bindings,
      keys: plan.keys?.[item.instance.guid] ?? [],
      ...(item.credentials_not_unique && { credentials_not_unique: item.credentials_not_unique }),
    }))
    .sort(byPlace);
  const keyGuids = new Set(shares.flatMap((share) => share.keys.map((key) => key.guid)));
  const content: Omit<PlanFile, 'plan_hash'> = {
    schema: PLAN_SCHEMA,
    api: context.api,
    created_at: context.createdAt,
    created_by: plan.createdBy,
    selectors: context.selectors,
    only_unbound: context.onlyUnbound,
    sharing_flag_enabled: plan.flagEnabled,
    counts: {
      shares: plan.summary.items,
      instances: plan.summary.instances,
      target_spaces: plan.summary.targetSpaces,
      bindings_to_delete: plan.summary.bindingsToDelete,
      apps_affected: plan.summary.appsAffected,
      keys_surviving: keyGuids.size,
      ...(plan.summary.credentialsInspected && { apps_keeping_access: plan.summary.appsKeepingAccess }),
    },
    credentials_inspected: plan.summary.credentialsInspected,
    shares,
    ...(plan.broker && {
      cc_shares: context.ccShares !== false,
      broker_shares: {
        per_proxy: plan.broker.perProxy,
        proxy_plans: context.proxyPlans ?? null,
        counts: {
          originals: plan.broker.summary.originals,
          proxies: plan.broker.summary.proxies,
          apps_losing_access: plan.broker.summary.appsLosingAccess,
          proxy_bindings: plan.broker.summary.proxyBindings,
        },
        items: plan.items
          .filter(isBrokerItem)
          .map(({ instance, source, proxies, unshare }) => ({ instance, source, proxies, unshare })),
        skipped: plan.broker.skipped,
      },
    }),
  };
  return { ...content, plan_hash: computePlanHash(content) };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads plan.json and checks it is a plan this tool wrote and nobody changed: the schema, the shape of every
 * share, and the hash. Any doubt is a usage error (one line, exit 2): a plan that went through change approval
 * must be executed exactly as approved, or not at all.
 */
export async function readPlanFile(path: string): Promise<PlanFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the plan ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`the plan ${path} is not JSON`);
  }
  return verifyPlanFile(parsed, path);
}

/** {@link readPlanFile} without the file: checks a parsed plan.json. */
export function verifyPlanFile(parsed: unknown, path: string): PlanFile {
  if (!isObject(parsed) || parsed.schema !== PLAN_SCHEMA)
    throw new UsageError(`${path} is not a cf-shares plan (schema ${PLAN_SCHEMA} expected)`);
  if (typeof parsed.plan_hash !== 'string') throw new UsageError(`the plan ${path} has no plan_hash`);
  const actual = computePlanHash(parsed as unknown as PlanFile);
  if (actual !== parsed.plan_hash)
    throw new UsageError(
      `the plan ${path} was changed after it was written: its content hashes to ${actual}, not to its plan_hash ${parsed.plan_hash}`,
    );
  if (typeof parsed.api !== 'string' || !Array.isArray(parsed.shares) || !parsed.shares.every(isShare))
    throw new UsageError(`the plan ${path} is not a complete cf-shares plan`);
  if (parsed.broker_shares !== undefined && !isBrokerPart(parsed.broker_shares))
    throw new UsageError(`the plan ${path} has an incomplete broker_shares part`);
  return parsed as unknown as PlanFile;
}

function isBrokerPart(value: unknown): value is PlanFileBroker {
  if (!isObject(value) || typeof value.per_proxy !== 'boolean' || !Array.isArray(value.items)) return false;
  return value.items.every(
    (item) =>
      isObject(item) &&
      isObject(item.instance) &&
      typeof item.instance.guid === 'string' &&
      isObject(item.unshare) &&
      item.unshare.landscape === '*' &&
      Array.isArray(item.proxies) &&
      item.proxies.every((proxy) => isObject(proxy) && typeof proxy.guid === 'string' && Array.isArray(proxy.bindings)),
  );
}

function isShare(value: unknown): value is PlanFileShare {
  if (!isObject(value)) return false;
  const { instance, source, target, bindings, keys } = value;
  return (
    isObject(instance) &&
    typeof instance.guid === 'string' &&
    isObject(source) &&
    typeof source.space_guid === 'string' &&
    isObject(target) &&
    typeof target.space_guid === 'string' &&
    Array.isArray(bindings) &&
    bindings.every((b) => isObject(b) && typeof b.guid === 'string') &&
    Array.isArray(keys)
  );
}

/** Refuses a plan made for another foundation: its guids mean nothing here, and would end as "gone". */
export function assertPlanFor(plan: PlanFile, api: string): void {
  if (plan.api !== api)
    throw new UsageError(
      `the plan is for ${plan.api}, but you are logged in to ${api}: run it with CF_API=${plan.api}`,
    );
}

/** The plan's broker-level items as items of a new campaign, with the proxies and names the plan recorded. */
export function brokerItemsOf(plan: PlanFile, campaignId: string): BrokerItem[] {
  return (plan.broker_shares?.items ?? []).map((item) => ({
    kind: 'broker',
    id: brokerItemId(campaignId, item.instance.guid, item.unshare.proxyServiceGuid),
    instance: item.instance,
    source: item.source,
    proxies: item.proxies,
    unshare: item.unshare,
  }));
}

/** The plan's shares and broker-level items as campaign items of a new campaign, as the plan recorded them. */
export function campaignItemsOf(plan: PlanFile, campaignId: string): CampaignItem[] {
  return [...planItemsOf(plan, campaignId), ...brokerItemsOf(plan, campaignId)];
}

/** The plan's CC shares as campaign items of a new campaign, with the bindings and names the plan recorded. */
export function planItemsOf(plan: PlanFile, campaignId: string): PlanItem[] {
  return plan.shares.map((share) => ({
    id: itemId(campaignId, share.instance.guid, share.target.space_guid),
    instance: share.instance,
    source: share.source,
    target: share.target,
    bindings: share.bindings,
    ...(share.credentials_not_unique && { credentials_not_unique: share.credentials_not_unique }),
  }));
}
