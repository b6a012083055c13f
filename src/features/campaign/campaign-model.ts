import type { Answer, FinalOutcome } from './unshare-outcome.js';
import type { CampaignSelectors } from './selectors.js';

/** One planned unshare: an instance and one space it is shared into, with the app bindings unsharing will delete. */
export interface PlanItem {
  /** Absent on CC share items (every item recorded before broker-level items existed is one). */
  readonly kind?: 'share';
  readonly id: string;
  readonly instance: { guid: string; name: string; offering: string | null; plan: string | null };
  readonly source: { org: string | null; space: string | null; space_guid: string };
  readonly target: { org: string | null; space: string | null; space_guid: string; org_guid: string };
  readonly bindings: ReadonlyArray<{ guid: string; app_guid: string; app: string }>;
  /**
   * Set when credentials were inspected and some of these bindings hold credentials that a binding or key of another
   * space holds too (issue 13): unsharing deletes the bindings but does not revoke the apps' access.
   */
  readonly credentials_not_unique?: CredentialsNotUnique;
}

/** A proxy of a broker-level share item: the consumer's instance, where it is, and the apps bound to it. */
export interface BrokerItemProxy {
  readonly guid: string;
  readonly name: string;
  readonly org: string | null;
  readonly space: string | null;
  readonly space_guid: string;
  readonly org_guid: string | null;
  /** App bindings of the proxy: the broker's unshare takes their access away; CC deletes none of them. */
  readonly bindings: PlanItem['bindings'];
}

/** The `unshare` parameters a broker-level item sends (cc-api.md §14). */
export interface BrokerUnshare {
  readonly landscape: '*';
  /** Set with `--per-proxy`: the broker removes this proxy's access only. */
  readonly proxyServiceGuid?: string;
}

/**
 * One planned broker-level unshare (`unshare-all --broker-shares`): an update of the original instance with
 * `{"parameters": {"unshare": ...}}`, for every proxy of it (per original) or for one (`--per-proxy`). The proxies
 * stay; the broker removes their access.
 */
export interface BrokerItem {
  readonly kind: 'broker';
  readonly id: string;
  /** The original instance, the one updated. */
  readonly instance: PlanItem['instance'];
  /** Where the original lives. */
  readonly source: PlanItem['source'];
  /** The proxies whose access the unshare removes, as planned (one with `--per-proxy`). */
  readonly proxies: readonly BrokerItemProxy[];
  readonly unshare: BrokerUnshare;
}

/** The line status prints for a campaign's broker-level items. */
export function brokerStatusLine(broker: NonNullable<CampaignMeta['broker']>): string {
  return `broker-level: ${broker.items} item(s) ${broker.perProxy ? '(one per proxy)' : '(one per original)'} updating ${broker.originals} original(s) for ${broker.proxies} prox${broker.proxies === 1 ? 'y' : 'ies'}; the proxies stay, without access`;
}

/** Any item of a campaign: a CC share, or a broker-level share. */
export type CampaignItem = PlanItem | BrokerItem;

export const isBrokerItem = (item: CampaignItem): item is BrokerItem => item.kind === 'broker';

/** Where an item takes access away, for one cell of a table: the target space, or the proxies. */
export function itemTargetText(item: CampaignItem): string {
  if (!isBrokerItem(item)) return `${item.target.org ?? '?'}/${item.target.space ?? '?'}`;
  const places = item.proxies.map((proxy) => `${proxy.org ?? '?'}/${proxy.space ?? '?'}`);
  return `${item.proxies.length} prox${item.proxies.length === 1 ? 'y' : 'ies'}${places.length > 0 ? `: ${[...new Set(places)].join(', ')}` : ''}`;
}

/** Apps bound to an item's proxies: those whose access the broker's unshare removes. */
export function brokerItemApps(item: BrokerItem): Array<{ guid: string; name: string }> {
  const apps = new Map<string, string>();
  for (const proxy of item.proxies) for (const binding of proxy.bindings) apps.set(binding.app_guid, binding.app);
  return [...apps].map(([guid, name]) => ({ guid, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Target-space bindings of a share whose credentials are not unique: guids and a count, never a credential. */
export interface CredentialsNotUnique {
  /** Apps of the target space that keep access after unsharing. */
  readonly apps: number;
  /** Their bindings, the ones whose credentials others hold too. */
  readonly binding_guids: readonly string[];
}

/** The note such an item carries in plans, items.csv and the campaign report. */
export function credentialsNote(reused: CredentialsNotUnique | undefined): string | null {
  return reused ? `unsharing will not revoke access for ${reused.apps} app(s); rotate the credentials` : null;
}

/** Options a campaign runs with; stored with it so any worker applies the same ones. */
export interface CampaignOptions {
  readonly rate: number;
  readonly maxAttempts: number;
  readonly retryDelaySeconds: number;
  readonly onlyUnbound: boolean;
  readonly deleteBindingsFirst: boolean;
  readonly selectors: CampaignSelectors;
  /** `--broker-shares`: the campaign has broker-level items; `perProxy` with `--per-proxy`. Absent: CC shares only. */
  readonly brokerShares?: { readonly perProxy: boolean; readonly ccShares: boolean };
}

export type CampaignStatus = 'running' | 'cancelled' | 'verifying' | 'done';

export interface CampaignMeta {
  readonly id: string;
  readonly api: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly total: number;
  readonly options: CampaignOptions;
  /** The hash of the plan file the campaign executes (`unshare-all --from-plan`); absent for a fresh plan. */
  readonly planHash?: string;
  /** Changes since that plan file the person accepted with `--allow-drift`, one line each. */
  readonly planDrift?: readonly string[];
  /** Its broker-level items (`--broker-shares`), counted for status; absent when it has none. */
  readonly broker?: {
    readonly items: number;
    readonly originals: number;
    readonly proxies: number;
    readonly perProxy: boolean;
  };
  status: CampaignStatus;
  finishedAt?: string;
}

/** A campaign's pause (`campaign pause`), stored apart from its meta so no status write can lose it. */
export interface PauseRecord {
  /** When it was paused (ISO time). */
  readonly at: string;
  /** Who paused it (the OS user of `campaign pause`), for status. */
  readonly by?: string;
}

/** The one final record of an item: written once, never overwritten. */
export interface ItemOutcome {
  readonly outcome: FinalOutcome;
  readonly attempts: number;
  readonly at: string;
  /** The answer that decided the outcome (the unshare's, or the read that showed the space no longer shared). */
  readonly decidedBy?: Answer;
  /** The read that confirmed a "gone" outcome (the instance or space answered 404 to an identity that sees all). */
  readonly confirmedBy?: Answer;
  /**
   * Set when the outcome is inferred rather than answered: e.g. an earlier attempt's DELETE was sent and its answer
   * was lost in a crash, and a later read shows the space no longer shared.
   */
  readonly inferred?: string;
  /** Why the item failed when no CC answer says it (attempts exhausted, a job that kept stalling, a bug). */
  readonly reason?: string;
  /** Why CC could not delete bindings (502 CF-ServiceInstanceUnshareFailed), one reason per binding. */
  readonly blockers?: readonly string[];
  /** Bindings deleted explicitly first (--delete-bindings-first), each with what happened. */
  readonly bindingDeletes?: readonly BindingDelete[];
  /** Broker-level items: the update's job, and what was read after it (never more than CC can show). */
  readonly job?: { readonly guid: string; readonly state: string };
  /** Broker-level items: what the verification read showed, in words. */
  readonly verified?: string;
}

/** What happened to one binding deleted explicitly before the unshare. */
export interface BindingDelete {
  readonly guid: string;
  /** `deleting`: CC accepted the delete and its job is still running (async unbinds can take hours). */
  readonly result: 'deleted' | 'gone' | 'deleting' | 'failed';
  readonly detail?: string;
}

/** The last attempt of an item that is not final yet, for status and the report. */
export type AttemptNote = Omit<ItemOutcome, 'outcome'>;

/** One write about to leave for the Cloud Controller: recorded before it is sent, answered after (write-ahead). */
export interface SentWrite {
  /** Unique per HTTP send: the request id we send in X-Vcap-Request-Id. */
  readonly id: string;
  readonly at: string;
  readonly identity: string;
  readonly method: string;
  readonly path: string;
  /** 1 for the first send of a request, then one more per transport retry. */
  readonly send: number;
  readonly itemId?: string;
}

/** What came back for a sent write. */
export type WriteAnswer =
  | { readonly at: string; readonly status: number; readonly requestId: string | null; readonly ccCode?: number }
  | { readonly at: string; readonly networkError: string };

/** One write to the Cloud Controller, for the audit trail: `answer` null means "sent, answer unknown". */
export interface AuditEntry extends SentWrite {
  readonly answer: WriteAnswer | null;
}

/** A broker-level item's id: per original, or per original and proxy (`--per-proxy`). */
export function brokerItemId(campaignId: string, originalGuid: string, proxyGuid?: string): string {
  return `${campaignId}-broker-${originalGuid}${proxyGuid === undefined ? '' : `-${proxyGuid}`}`.replace(/:/g, '_');
}

/** Job ids derive from campaign, instance and space; BullMQ ids must not contain ':'. */
export function itemId(campaignId: string, instanceGuid: string, spaceGuid: string): string {
  return `${campaignId}-${instanceGuid}-${spaceGuid}`.replace(/:/g, '_');
}
