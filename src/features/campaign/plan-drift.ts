import { safeText } from '../../terminal/safe-text.js';
import type { BrokerItem, BrokerItemProxy, PlanItem } from './campaign-model.js';
import type { PlanFileBrokerItem, PlanFileShare } from './plan-file.js';

/** A change since the plan that makes unsharing destroy more than the plan says. */
export type DestructiveDrift =
  /** An app binding in the target space that the plan does not list: CC would delete it with the share. */
  | {
      readonly kind: 'new_binding';
      readonly share: PlanFileShare;
      readonly binding: PlanItem['bindings'][number];
    }
  /**
   * The instance now lives in another space than planned: the share the plan names is no longer the one approved
   * (another owner, other apps reaching it), so unsharing it is not what was reviewed.
   */
  | { readonly kind: 'instance_moved'; readonly share: PlanFileShare; readonly nowInSpaceGuid: string }
  /** A proxy of a planned original that the plan does not list: a per-original unshare takes its access too. */
  | { readonly kind: 'new_proxy'; readonly item: PlanFileBrokerItem; readonly proxy: BrokerItemProxy }
  /** An app bound to a planned proxy that the plan does not list: the unshare takes its access too. */
  | {
      readonly kind: 'new_proxy_binding';
      readonly item: PlanFileBrokerItem;
      readonly proxy: BrokerItemProxy;
      readonly binding: PlanItem['bindings'][number];
    };

/** How the foundation differs from a plan, and what a run of the plan would do about it. */
export interface PlanDrift {
  /** Changes that make the run destroy more than planned: refused unless `--allow-drift`. */
  readonly destructive: readonly DestructiveDrift[];
  /** Planned shares that are no longer shared: their items end `already_unshared`. */
  readonly goneShares: readonly PlanFileShare[];
  /** Planned bindings that no longer exist: the run destroys fewer than planned, which needs no approval. */
  readonly goneBindings: number;
  /** Planned broker-level items whose original no longer has a proxy here (or is gone): their update still goes. */
  readonly goneBrokerItems?: number;
}

const key = (instanceGuid: string, spaceGuid: string): string => `${instanceGuid} ${spaceGuid}`;

/**
 * Compares a plan's shares with the same shares on a fresh crawl (`current`: items of every share on the
 * foundation now, unfiltered). Only the plan's shares are looked at: shares added since are never part of a run of
 * the plan, so they cannot drift it. Pure.
 */
export function comparePlan(planned: readonly PlanFileShare[], current: readonly PlanItem[]): PlanDrift {
  const now = new Map(current.map((item) => [key(item.instance.guid, item.target.space_guid), item]));
  const destructive: DestructiveDrift[] = [];
  const goneShares: PlanFileShare[] = [];
  let goneBindings = 0;
  for (const share of planned) {
    const item = now.get(key(share.instance.guid, share.target.space_guid));
    if (!item) {
      goneShares.push(share);
      continue;
    }
    if (item.source.space_guid !== share.source.space_guid)
      destructive.push({ kind: 'instance_moved', share, nowInSpaceGuid: item.source.space_guid });
    const plannedGuids = new Set(share.bindings.map((binding) => binding.guid));
    for (const binding of item.bindings)
      if (!plannedGuids.has(binding.guid)) destructive.push({ kind: 'new_binding', share, binding });
    const currentGuids = new Set(item.bindings.map((binding) => binding.guid));
    goneBindings += share.bindings.filter((binding) => !currentGuids.has(binding.guid)).length;
  }
  return { destructive, goneShares, goneBindings };
}

const brokerKey = (originalGuid: string, proxyGuid: string | undefined): string =>
  `${originalGuid} ${proxyGuid ?? '*'}`;

/**
 * Compares a plan's broker-level items with the same items on a fresh crawl (`current`: every broker-level item
 * on the foundation now, unfiltered, planned the same way). Destructive: a proxy the plan does not list (a
 * per-original unshare reaches it), or an app bound to a planned proxy since. Pure.
 */
export function compareBrokerPlan(
  planned: readonly PlanFileBrokerItem[],
  current: readonly BrokerItem[],
): { destructive: DestructiveDrift[]; gone: number } {
  const now = new Map(current.map((item) => [brokerKey(item.instance.guid, item.unshare.proxyServiceGuid), item]));
  const destructive: DestructiveDrift[] = [];
  let gone = 0;
  for (const item of planned) {
    const found = now.get(brokerKey(item.instance.guid, item.unshare.proxyServiceGuid));
    if (!found) {
      gone += 1;
      continue;
    }
    const plannedProxies = new Map(item.proxies.map((proxy) => [proxy.guid, proxy]));
    for (const proxy of found.proxies) {
      const was = plannedProxies.get(proxy.guid);
      if (!was) {
        destructive.push({ kind: 'new_proxy', item, proxy });
        continue;
      }
      const plannedBindings = new Set(was.bindings.map((binding) => binding.guid));
      for (const binding of proxy.bindings)
        if (!plannedBindings.has(binding.guid)) destructive.push({ kind: 'new_proxy_binding', item, proxy, binding });
    }
  }
  return { destructive, gone };
}

const shareName = (share: PlanFileShare): string =>
  `${share.instance.name} (${share.instance.guid}) into ${share.target.org ?? '?'}/${share.target.space ?? '?'} (${share.target.space_guid})`;

/** One line per destructive change, for the person who decides whether to re-plan or allow it. Safe to print. */
export function describeDrift(change: DestructiveDrift): string {
  switch (change.kind) {
    case 'new_binding':
      return safeText(
        `new binding ${change.binding.guid} of app ${change.binding.app} (${change.binding.app_guid}) on ${shareName(change.share)}`,
      );
    case 'instance_moved':
      return safeText(
        `instance ${change.share.instance.name} (${change.share.instance.guid}) moved from space ${change.share.source.space_guid} to ${change.nowInSpaceGuid}`,
      );
    case 'new_proxy':
      return safeText(
        `new proxy ${change.proxy.name} (${change.proxy.guid}) in ${change.proxy.org ?? '?'}/${change.proxy.space ?? '?'} of original ${change.item.instance.name} (${change.item.instance.guid})`,
      );
    case 'new_proxy_binding':
      return safeText(
        `new binding ${change.binding.guid} of app ${change.binding.app} (${change.binding.app_guid}) on proxy ${change.proxy.name} (${change.proxy.guid}) of original ${change.item.instance.name} (${change.item.instance.guid})`,
      );
  }
}

/** How many destructive changes the terminal lists; the rest are counted. */
const LISTED = 10;

/** What a run of the plan finds changed, for the terminal: the short list, and what happens to gone shares. */
export function renderDrift(drift: PlanDrift): string {
  const lines: string[] = [];
  if (drift.destructive.length > 0) {
    lines.push(
      `The foundation changed since the plan: unsharing would destroy more than it says (${drift.destructive.length} change(s)):`,
    );
    for (const change of drift.destructive.slice(0, LISTED)) lines.push(`  - ${describeDrift(change)}`);
    if (drift.destructive.length > LISTED) lines.push(`  ... and ${drift.destructive.length - LISTED} more`);
  }
  if (drift.goneShares.length > 0)
    lines.push(
      `${drift.goneShares.length} planned share(s) are no longer shared: they will be recorded as already_unshared.`,
    );
  if (drift.goneBindings > 0)
    lines.push(`${drift.goneBindings} planned binding(s) no longer exist: unsharing destroys fewer than planned.`);
  if ((drift.goneBrokerItems ?? 0) > 0)
    lines.push(
      `${drift.goneBrokerItems} planned broker-level item(s) have no proxy here now, or their original is gone: they run as planned (a gone original ends original_gone).`,
    );
  if (lines.length === 0) lines.push('The planned shares are as planned: no drift.');
  return lines.map((line) => `${line}\n`).join('');
}

/** The one line of a refused run: what changed first, and how to go on. */
export function driftRefusal(drift: PlanDrift): string {
  const first = drift.destructive[0]!;
  const more = drift.destructive.length > 1 ? ` and ${drift.destructive.length - 1} more change(s)` : '';
  return `the foundation drifted since the plan: ${describeDrift(first)}${more}; nothing was changed (plan again, or pass --allow-drift to unshare anyway)`;
}
