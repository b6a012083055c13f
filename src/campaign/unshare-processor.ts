import { Worker, type Job } from 'bullmq';
import type { CfClient } from '../client/index.js';
import { CfApiError, isNotFound } from '../client/index.js';
import type { Logger } from '../log.js';
import type { CampaignStore } from './campaign-store.js';
import type { ItemOutcome, PlanItem } from './campaign-model.js';
import { classifyUnshare } from './unshare-outcome.js';

/** Job data of one item: ids only (design.md: job data holds guids and ids, never credentials). */
export interface UnshareJobData {
  readonly campaignId: string;
  readonly itemId: string;
}

export interface UnshareProcessorDeps {
  readonly client: CfClient;
  readonly store: CampaignStore;
  readonly log: Logger;
  /** The worker running this processor, to pause its queue on rate limits. */
  readonly worker: () => Worker | undefined;
  /** Called after an item's final outcome is recorded (finalisation checks whether the campaign is complete). */
  readonly onFinal: (campaignId: string) => Promise<void>;
}

/** The API error, when the answer is one; network failures and others have no status. */
const apiErrorOf = (answer: unknown): CfApiError | undefined => (answer instanceof CfApiError ? answer : undefined);

const errorOf = (error: unknown): ItemOutcome['lastError'] =>
  error instanceof CfApiError
    ? { status: error.status, ...(error.code !== undefined && { code: error.code }), ...(error.title !== undefined && { title: error.title }), ...(error.detail !== undefined && { detail: error.detail }) }
    : { detail: error instanceof Error ? error.message : String(error) };

/**
 * Works one planned unshare. Idempotent: an item with a recorded outcome is skipped, a space no longer shared ends
 * `already_unshared`, and CC answers 204 to a repeated unshare (cc-api.md §1.2). Decides finality itself, so an item
 * ends with exactly one outcome whether it succeeds, runs out of attempts or meets a permanent error.
 */
export function unshareProcessor(deps: UnshareProcessorDeps) {
  const { client, store } = deps;
  const identity = (): string => client.identity?.userName ?? client.identity?.clientId ?? 'unknown';

  return async (job: Job<UnshareJobData>): Promise<string> => {
    const { campaignId, itemId } = job.data;
    const log = deps.log.child({ campaignId, itemId, jobId: job.id });
    const meta = await store.meta(campaignId);
    if (!meta) throw new Error(`campaign ${campaignId} is not in Redis`);
    const existing = await store.outcome(campaignId, itemId);
    if (existing) return existing.outcome;
    const item = await store.item(campaignId, itemId);
    if (!item) throw new Error(`item ${itemId} is not in campaign ${campaignId}`);
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const finish = async (outcome: Omit<ItemOutcome, 'attempts' | 'at'>): Promise<string> => {
      if (await store.finish(campaignId, itemId, { ...outcome, attempts: attempt, at: new Date().toISOString() })) {
        log.info({ outcome: outcome.outcome, attempt }, 'item finished');
        await deps.onFinal(campaignId);
      }
      return outcome.outcome;
    };
    if (meta.status === 'cancelled') return finish({ outcome: 'cancelled' });
    /** Every write to CC goes to the audit trail, answered or not. */
    const audit = (path: string, answer: { status: number; requestId?: string | null } | unknown): Promise<void> => {
      const known = apiErrorOf(answer);
      return store.audit(campaignId, {
        at: new Date().toISOString(),
        identity: identity(),
        method: 'DELETE',
        path,
        status: known ? known.status : ((answer as { status?: number }).status ?? null),
        requestId: known ? (known.requestId ?? null) : ((answer as { requestId?: string | null }).requestId ?? null),
        itemId,
      });
    };

    // One write budget per campaign and second, shared by every worker; over it, the queue waits without spending an attempt.
    const slot = await store.takeRateSlot(campaignId, meta.options.rate);
    if (!slot.ok) {
      await deps.worker()?.rateLimit(slot.waitMs);
      throw Worker.RateLimitError();
    }

    // Re-read: the space may have been unshared since the plan (by a previous attempt, or by someone else).
    let shared: string[];
    try {
      shared = (await client.serviceInstances.listSharedSpaces(item.instance.guid)).data.map((space) => space.guid);
    } catch (error) {
      if (isNotFound(error)) return finish({ outcome: 'instance_gone', lastError: errorOf(error) });
      return handle(error);
    }
    if (!shared.includes(item.target.space_guid)) return finish({ outcome: 'already_unshared' });

    const bindingDeletes = meta.options.deleteBindingsFirst ? await deleteBindings(item) : undefined;
    await store.ledger(campaignId, { itemId, at: new Date().toISOString(), bindings: item.bindings });
    const path = `/v3/service_instances/${item.instance.guid}/relationships/shared_spaces/${item.target.space_guid}`;
    let result: unknown;
    try {
      result = await client.serviceInstances.unshareFromSpace(item.instance.guid, item.target.space_guid);
    } catch (error) {
      result = error;
    }
    await audit(path, result);
    return handle(result, bindingDeletes);

    async function handle(result: unknown, bindingDeletes?: ItemOutcome['bindingDeletes']): Promise<string> {
      const verdict = classifyUnshare(result);
      const extra = bindingDeletes ? { bindingDeletes } : {};
      switch (verdict.kind) {
        case 'final':
          return finish({ outcome: verdict.outcome, ...extra, ...(verdict.outcome !== 'unshared' && { lastError: errorOf(result) }) });
        case 'rate_limited':
          // CC asked the whole identity to slow down: pause the queue for every worker, keep the attempt.
          log.warn({ waitMs: verdict.waitMs }, 'rate limited by the Cloud Controller: pausing the queue');
          await deps.worker()?.rateLimit(verdict.waitMs);
          throw Worker.RateLimitError();
        case 'blocked':
          if (lastAttempt) return finish({ outcome: 'blocked', blockers: verdict.blockers, lastError: errorOf(result), ...extra });
          await store.noteAttempt(campaignId, itemId, { attempts: attempt, at: new Date().toISOString(), blockers: verdict.blockers, lastError: errorOf(result) });
          throw new Error(`blocked by bindings (attempt ${attempt}): ${verdict.blockers.join('; ')}`);
        case 'retry':
          if (lastAttempt) return finish({ outcome: 'failed', lastError: errorOf(result), ...extra });
          await store.noteAttempt(campaignId, itemId, { attempts: attempt, at: new Date().toISOString(), lastError: errorOf(result) });
          throw result instanceof Error ? result : new Error(String(result));
        case 'permanent':
          return finish({ outcome: 'failed', lastError: errorOf(result), ...extra });
      }
    }

    async function deleteBindings(planned: PlanItem): Promise<NonNullable<ItemOutcome['bindingDeletes']>> {
      const results: NonNullable<ItemOutcome['bindingDeletes']>[number][] = [];
      for (const binding of planned.bindings) {
        const bindingPath = `/v3/service_credential_bindings/${binding.guid}`;
        try {
          const jobGuid = await client.serviceCredentialBindings.delete(binding.guid);
          await audit(bindingPath, { status: jobGuid ? 202 : 204 });
          if (jobGuid) await client.jobs.pollUntilTerminal(jobGuid);
          results.push({ guid: binding.guid, result: 'deleted' });
        } catch (error) {
          if (isNotFound(error)) {
            results.push({ guid: binding.guid, result: 'gone' });
            continue;
          }
          await audit(bindingPath, error);
          results.push({ guid: binding.guid, result: 'failed', detail: errorOf(error)?.detail ?? 'unknown error' });
        }
      }
      return results;
    }
  };
}
