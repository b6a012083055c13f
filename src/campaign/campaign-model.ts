import type { FinalOutcome } from './unshare-outcome.js';
import type { CampaignSelectors } from './selectors.js';

/** One planned unshare: an instance and one space it is shared into, with the app bindings unsharing will delete. */
export interface PlanItem {
  readonly id: string;
  readonly instance: { guid: string; name: string; offering: string | null; plan: string | null };
  readonly source: { org: string | null; space: string | null; space_guid: string };
  readonly target: { org: string | null; space: string | null; space_guid: string; org_guid: string };
  readonly bindings: ReadonlyArray<{ guid: string; app_guid: string; app: string }>;
}

/** Options a campaign runs with; stored with it so any worker applies the same ones. */
export interface CampaignOptions {
  readonly rate: number;
  readonly maxAttempts: number;
  readonly retryDelaySeconds: number;
  readonly onlyUnbound: boolean;
  readonly deleteBindingsFirst: boolean;
  readonly selectors: CampaignSelectors;
}

export type CampaignStatus = 'running' | 'cancelled' | 'verifying' | 'done';

export interface CampaignMeta {
  readonly id: string;
  readonly api: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly total: number;
  readonly options: CampaignOptions;
  status: CampaignStatus;
  finishedAt?: string;
}

/** The one final record of an item: written once, never overwritten. */
export interface ItemOutcome {
  readonly outcome: FinalOutcome;
  readonly attempts: number;
  readonly at: string;
  readonly lastError?: { status?: number; code?: number; title?: string; detail?: string };
  /** Why CC could not delete bindings (502 CF-ServiceInstanceUnshareFailed), one reason per binding. */
  readonly blockers?: readonly string[];
  /** Bindings deleted explicitly first (--delete-bindings-first), each with what happened. */
  readonly bindingDeletes?: ReadonlyArray<{ guid: string; result: 'deleted' | 'gone' | 'failed'; detail?: string }>;
}

/** One write to the Cloud Controller, for the audit trail. */
export interface AuditEntry {
  readonly at: string;
  readonly identity: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly itemId?: string;
}

/** Job ids derive from campaign, instance and space; BullMQ ids must not contain ':'. */
export function itemId(campaignId: string, instanceGuid: string, spaceGuid: string): string {
  return `${campaignId}-${instanceGuid}-${spaceGuid}`.replace(/:/g, '_');
}
