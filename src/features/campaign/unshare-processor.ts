import { DelayedError, RateLimitError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { RedisClient } from '../../core/redis-connection.js';
import type { CfClient, WriteHooks } from '../../client/index.js';
import { CfApiError, JobFailedError, JobTimeoutError, isNotFound } from '../../client/index.js';
import type { Logger } from '../../log.js';
import type { CampaignStore } from './campaign-store.js';
import {
  isBrokerItem,
  type AttemptNote,
  type BindingDelete,
  type BrokerItem,
  type CampaignItem,
  type ItemOutcome,
  type PlanItem,
} from './campaign-model.js';
import type { Job as CcJob } from '../../client/index.js';
import { classifyBrokerJob, classifyBrokerUpdate, unshareParameters, verifyOriginal } from './broker-outcome.js';
import { answerOf, classifyUnshare, CcCode, type Answer } from './unshare-outcome.js';
import { auditedWrite } from './audited-write.js';
import { DEFAULT_HOLD_MS, rateGate } from './rate-gate.js';
import { isRedisConnectionError, waitForRedis } from '../../core/redis-connection.js';
import { isJobLockLost } from '../../core/job-lock.js';

/** How long a broker-level item waits for another item's turn on the same original before it looks again. */
const ORIGINAL_TURN_WAIT_MS = 1000;

/** Job data of one item: ids only (design.md: job data holds guids and ids, never credentials). */
export interface UnshareJobData {
  readonly campaignId: string;
  readonly itemId: string;
  /** The foundation (normalised API) the item is for. */
  readonly api: string;
}

export interface UnshareProcessorDeps {
  readonly client: CfClient;
  /** The foundation this worker is logged in to. */
  readonly api: string;
  readonly store: CampaignStore;
  /** For the campaign's shared write window. */
  readonly redis: RedisClient;
  readonly log: Logger;
  /** The unshare queue of this foundation, to pause it when CC rate-limits the identity. */
  readonly queue: () => Queue | undefined;
  /** Called after an item's final outcome is recorded (finalisation checks whether the campaign is complete). */
  readonly onFinal: (campaignId: string) => Promise<void>;
  /** How long one attempt waits for an explicit binding delete's job before handing the item back as blocked. */
  readonly unbindWaitMs?: number;
  /** How long one attempt of a broker-level item polls its update's job before handing the item back. */
  readonly brokerJobWaitMs?: number;
  /** Reads of the original after a broker-level update while another operation shows on it. @defaultValue 4 */
  readonly verifyReads?: number;
}

/**
 * How long a job parked by a pause stays delayed before it checks again; `campaign resume` promotes parked jobs at
 * once, so this only bounds the wait of a job a resume missed.
 */
export const PAUSED_RECHECK_MS = 60_000;

/** A retry the processor planned: BullMQ counts the attempt and backs off. */
class PlannedRetry extends Error {
  override readonly name = 'PlannedRetry';
}

/** The read of an item's shared spaces, as its evidence names it. */
const sharedSpacesRead = (item: PlanItem): string =>
  `GET /v3/service_instances/${item.instance.guid}/relationships/shared_spaces`;

/** The path of an item's unshare. */
const unsharePathOf = (item: PlanItem): string =>
  `/v3/service_instances/${item.instance.guid}/relationships/shared_spaces/${item.target.space_guid}`;

/** Identities that see every instance and space, so their 404 means "gone" (cc-api.md §13). */
const seesEverything = (client: CfClient): boolean =>
  ['admin', 'admin_read_only', 'global_auditor'].includes(client.identity?.kind ?? '');

/**
 * Works one planned unshare. Idempotent: an item with a recorded outcome is skipped, a space no longer shared ends
 * `already_unshared` (or `unshared`, inferred, when an earlier attempt's DELETE went out and its answer was lost),
 * and CC answers 204 to a repeated unshare (cc-api.md §1.2). Every outcome is recorded from evidence: CC's answer,
 * a confirming read, or the write-ahead audit trail; every non-`unshared` outcome carries the answer that decided it.
 */
export function unshareProcessor(deps: UnshareProcessorDeps) {
  const { client, store } = deps;
  const identity = (): string => client.identity?.userName ?? client.identity?.clientId ?? 'unknown';

  return async (job: Job<UnshareJobData>, token?: string): Promise<string> => {
    const { campaignId, itemId } = job.data;
    const log = deps.log.child({ campaignId, itemId, jobId: job.id });
    if (job.data.api !== deps.api)
      throw new UnrecoverableError(`item is for ${job.data.api}, this worker is logged in to ${deps.api}`);
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const finish = async (outcome: Omit<ItemOutcome, 'attempts' | 'at'>): Promise<string> => {
      if (await store.finish(campaignId, itemId, { ...outcome, attempts: attempt, at: new Date().toISOString() })) {
        log.info({ outcome: outcome.outcome, attempt }, 'item finished');
        await deps.onFinal(campaignId);
      }
      return outcome.outcome;
    };
    const note = (attemptNote: Omit<AttemptNote, 'attempts' | 'at'>): Promise<void> =>
      store.noteAttempt(campaignId, itemId, { ...attemptNote, attempts: attempt, at: new Date().toISOString() });

    try {
      return await work();
    } catch (error) {
      if (isJobLockLost(error)) {
        // Recording an outcome here would claim what this run never decided: the job is another run's now.
        log.warn(
          { err: { message: (error as Error).message } },
          'this worker lost the job lock: the item goes back to the queue through the stalled-job check',
        );
        throw new DelayedError();
      }
      if (
        error instanceof PlannedRetry ||
        error instanceof DelayedError ||
        error instanceof RateLimitError ||
        error instanceof UnrecoverableError
      )
        throw error;
      const verdict = classifyUnshare(error);
      if (verdict.kind === 'rate_limited') {
        // CC limits the whole identity, reads too: pause this foundation's queue for every worker, keep the attempt.
        log.warn({ waitMs: verdict.waitMs }, 'rate limited by the Cloud Controller: pausing the queue');
        await deps.queue()?.rateLimit(verdict.waitMs);
        throw new RateLimitError();
      }
      if (isRedisConnectionError(error)) {
        // Redis went away mid-item: not the item's fault, so no attempt is spent. Whatever was sent is in the
        // write-ahead trail; the next run reads the shared spaces again and decides from there.
        log.warn(
          { err: { message: (error as Error).message } },
          'redis connection lost: the item goes back to the queue',
        );
        await waitForRedis(deps.redis);
        // After a restart the job's lock may be gone: the stalled-job check then hands the job back instead.
        if (token !== undefined)
          await job.moveToDelayed(Date.now() + 1000, token).catch((lost: unknown) => {
            if (!isJobLockLost(lost)) throw lost;
          });
        throw new DelayedError();
      }
      // A bug or an answer nothing above expected: the item ends with the reason rather than in BullMQ's failed set.
      log.error({ err: { message: (error as Error)?.message } }, 'unexpected error: item failed');
      return finish({
        outcome: 'failed',
        reason: `unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      });
    }

    async function work(): Promise<string> {
      const meta = await store.meta(campaignId);
      if (!meta) throw new UnrecoverableError(`campaign ${campaignId} is not in Redis`);
      const existing = await store.outcome(campaignId, itemId);
      if (existing) {
        // A run that died between recording the last outcome and queueing the campaign's end would leave it running.
        await deps.onFinal(campaignId);
        return existing.outcome;
      }
      const item = await store.item(campaignId, itemId);
      if (!item) throw new UnrecoverableError(`item ${itemId} is not in campaign ${campaignId}`);
      if (meta.status === 'cancelled') return settleCancelled(item);
      await parkIfPaused();

      const gate = rateGate(deps.redis, await store.rateKey(campaignId), meta.options.rate);
      // With the campaign's write budget spent, hand the worker slot back (no attempt spent), so a slow campaign
      // never holds workers that another campaign could use.
      const wait = await gate.waitMs();
      if (wait > DEFAULT_HOLD_MS && token !== undefined) {
        await job.moveToDelayed(Date.now() + wait + Math.floor(Math.random() * 200), token);
        throw new DelayedError();
      }

      if (isBrokerItem(item)) return brokerWork(item, gate);

      const sharedPath = sharedSpacesRead(item);
      let shared: string[];
      try {
        shared = await sharedSpaces(item);
      } catch (error) {
        if (classifyUnshare(error).kind === 'rate_limited') throw error;
        const answer = answerOf(sharedPath, error);
        if (error instanceof CfApiError && error.status === 404 && error.code === CcCode.resourceNotFound) {
          if (seesEverything(client))
            return finish({ outcome: 'instance_gone', decidedBy: answer, confirmedBy: answer });
          return finish({
            outcome: 'failed',
            decidedBy: answer,
            reason: `${identity()} cannot see every instance, so this 404 does not prove the instance is gone`,
          });
        }
        return retryOrFail(answer, error);
      }
      const unsharePath = unsharePathOf(item);
      if (!shared.includes(item.target.space_guid)) return notShared(item);

      let bindingDeletes: BindingDelete[] | undefined;
      if (meta.options.deleteBindingsFirst) {
        if (await cancelledMeanwhile()) return settleCancelled(item);
        bindingDeletes = await deleteBindings(item, gate);
        const deleting = bindingDeletes.filter((b) => b.result === 'deleting');
        if (deleting.length > 0) {
          const blockers = deleting.map(
            (b) => `binding ${b.guid} is being deleted: ${b.detail ?? 'job still running'}`,
          );
          return blockedFor(
            blockers,
            { request: `DELETE /v3/service_credential_bindings`, detail: blockers.join('; ') },
            bindingDeletes,
          );
        }
      }

      // Paused while this item read its shares: it has sent no unshare yet, so it goes back without taking a write slot.
      await parkIfPaused();
      if (await cancelledMeanwhile()) return settleCancelled(item);
      // The ledger first: if this process dies after CC deleted the bindings, the report still names them.
      await store.ledger(campaignId, { itemId, at: new Date().toISOString(), bindings: item.bindings });
      const result = await sendUnshare('DELETE', unsharePath, gate, (hooks) =>
        client.serviceInstances.unshareFromSpace(item.instance.guid, item.target.space_guid, { hooks }),
      );
      const answer = answerOf(`DELETE ${unsharePath}`, result);
      const extra = bindingDeletes ? { bindingDeletes } : {};
      const verdict = classifyUnshare(result);
      switch (verdict.kind) {
        case 'unshared':
          return finish({ outcome: 'unshared', decidedBy: answer, ...extra });
        case 'blocked':
          return blockedFor(verdict.blockers, answer, bindingDeletes);
        case 'rate_limited':
          throw result;
        case 'confirm_instance_gone':
          return confirmGone(
            'instance_gone',
            `GET /v3/service_instances/${item.instance.guid}`,
            () => client.serviceInstances.get(item.instance.guid),
            answer,
            extra,
          );
        case 'confirm_space_gone':
          return confirmGone(
            'space_gone',
            `GET /v3/spaces/${item.target.space_guid}`,
            () => client.spaces.get(item.target.space_guid),
            answer,
            extra,
          );
        case 'retry':
          return retryOrFail(answer, result, extra);
        case 'failed':
          return finish({ outcome: 'failed', decidedBy: answer, ...extra });
      }
    }

    /**
     * A paused campaign starts no unshare: the job goes back to the delayed set without spending an attempt, and is
     * remembered so `campaign resume` promotes it at once; the long delay is only a safety net.
     */
    async function parkIfPaused(): Promise<void> {
      if (token === undefined || !(await store.pauseRecord(campaignId))) return;
      await store.park(campaignId, itemId);
      await job.moveToDelayed(Date.now() + PAUSED_RECHECK_MS + Math.floor(Math.random() * 1000), token);
      // A resume between the check and the park took the parked set without this item: promote it ourselves.
      if (!(await store.pauseRecord(campaignId))) await job.promote().catch(() => undefined);
      log.debug('campaign paused: item parked');
      throw new DelayedError();
    }

    /**
     * No attempt is left, and an unshare of this item went out with no answer (the connection dropped, every resend
     * too): CC may have carried it out. A read of the shared spaces says; when it cannot be read, or the space is still
     * shared, the item fails as it would have.
     */
    async function settleUnansweredUnshare(): Promise<string | undefined> {
      if (!(await store.unansweredUnshare(campaignId, itemId))) return undefined;
      const item = await store.item(campaignId, itemId);
      if (!item || isBrokerItem(item)) return undefined;
      try {
        if ((await sharedSpaces(item)).includes(item.target.space_guid)) return undefined;
      } catch (error) {
        if (isRedisConnectionError(error)) throw error;
        return undefined;
      }
      return notShared(item);
    }

    /** The spaces the item's instance is shared into, as CC says now. */
    async function sharedSpaces(item: PlanItem): Promise<string[]> {
      return (await client.serviceInstances.listSharedSpaces(item.instance.guid)).data.map((space) => space.guid);
    }

    /** Whether the campaign was cancelled while this attempt ran: checked again right before its first write. */
    async function cancelledMeanwhile(): Promise<boolean> {
      return (await store.meta(campaignId))?.status === 'cancelled';
    }

    /**
     * The campaign was cancelled before this attempt sent anything. With no earlier write either, the item changed
     * nothing: `cancelled`. After an earlier attempt's write (its answer lost, or a retry pending), what happened is
     * for CC to say: a CC unshare reads the shared spaces; a broker-level item says what was sent, unverified.
     */
    async function settleCancelled(item: CampaignItem): Promise<string> {
      const sent = await store.lastWrite(campaignId, itemId);
      if (!sent) return finish({ outcome: 'cancelled', reason: 'campaign cancelled; no write was sent for this item' });
      const what = `${sent.method} ${sent.path} (request id ${sent.id}, ${sent.at})`;
      if (isBrokerItem(item))
        return finish({
          outcome: 'cancelled',
          reason: `campaign cancelled after an earlier attempt sent ${what}; whether it took effect was not checked`,
        });
      const sharedPath = sharedSpacesRead(item);
      let shared: string[];
      try {
        shared = await sharedSpaces(item);
      } catch (error) {
        if (classifyUnshare(error).kind === 'rate_limited') throw error;
        return retryOrFail(answerOf(sharedPath, error), error);
      }
      if (!shared.includes(item.target.space_guid)) return notShared(item);
      return finish({
        outcome: 'cancelled',
        decidedBy: {
          request: sharedPath,
          status: 200,
          detail: `space ${item.target.space_guid} is still among the shared spaces`,
        },
        reason: `campaign cancelled after an earlier attempt sent ${what}; the space is still shared`,
      });
    }

    /** The space is not shared any more: by an earlier attempt of ours whose answer was lost, or by someone else. */
    async function notShared(item: PlanItem): Promise<string> {
      const [unsharePath, sharedPath] = [unsharePathOf(item), sharedSpacesRead(item)];
      const read: Answer = {
        request: sharedPath,
        status: 200,
        detail: `space ${item.target.space_guid} is not among the shared spaces`,
      };
      const earlier = await store.unshareSent(campaignId, itemId);
      if (!earlier) return finish({ outcome: 'already_unshared', decidedBy: read });
      const answered = earlier.answer && 'status' in earlier.answer ? earlier.answer : undefined;
      // Our DELETE was refused, by CC (its error code) or before it reached CC (a 4xx without one): someone else
      // unshared it since.
      if (answered && answered.status >= 400 && (answered.ccCode !== undefined || answered.status < 500)) {
        const code = answered.ccCode === undefined ? '' : ` (CC code ${answered.ccCode})`;
        return finish({
          outcome: 'already_unshared',
          decidedBy: read,
          reason: `this campaign's DELETE ${unsharePath} (request id ${earlier.id}, ${earlier.at}) was refused with ${answered.status}${code}; the share was removed by someone else since`,
        });
      }
      if (answered && answered.status >= 200 && answered.status < 300) {
        return finish({
          outcome: 'unshared',
          decidedBy: {
            request: `DELETE ${unsharePath}`,
            status: answered.status,
            ...(answered.requestId !== null && { requestId: answered.requestId }),
          },
          confirmedBy: read,
        });
      }
      // No answer, or a 5xx without CC's error code (a router's or a proxy's): CC may have carried the DELETE out.
      const what = answered
        ? `was answered ${answered.status} without a CC error code, which leaves open whether CC carried it out`
        : 'its answer is unknown';
      return finish({
        outcome: 'unshared',
        decidedBy: read,
        inferred: `DELETE ${unsharePath} was sent (request id ${earlier.id}, ${earlier.at}) and ${what}; the space is no longer shared, so that DELETE most likely removed it`,
      });
    }

    async function blockedFor(
      blockers: string[],
      answer: Answer,
      bindingDeletes: BindingDelete[] | undefined,
      more: Partial<ItemOutcome> = {},
    ): Promise<string> {
      const extra = { ...(bindingDeletes ? { bindingDeletes } : {}), ...more };
      if (lastAttempt) return finish({ outcome: 'blocked', blockers, decidedBy: answer, ...extra });
      await note({ blockers, decidedBy: answer, ...extra });
      throw new PlannedRetry(`blocked (attempt ${attempt}): ${blockers.join('; ')}`);
    }

    async function retryOrFail(answer: Answer, error: unknown, extra: Partial<ItemOutcome> = {}): Promise<string> {
      if (lastAttempt) {
        const settled = await settleUnansweredUnshare();
        if (settled !== undefined) return settled;
        return finish({ outcome: 'failed', decidedBy: answer, reason: `no attempt left after ${attempt}`, ...extra });
      }
      await note({ decidedBy: answer, ...extra });
      throw new PlannedRetry(error instanceof Error ? error.message : String(error));
    }

    /**
     * Sends the item's unshare write (a CC unshare's DELETE, a broker-level item's PATCH) with its audit record written
     * ahead of every send. What CC answered, or the error it failed with, comes back as the result to classify; only
     * a lost Redis is thrown, since the record of the write could not be kept.
     */
    async function sendUnshare(
      method: 'DELETE' | 'PATCH',
      path: string,
      gate: ReturnType<typeof rateGate>,
      send: (hooks: WriteHooks) => Promise<unknown>,
    ): Promise<unknown> {
      try {
        return await send(
          auditedWrite(store, campaignId, { identity: identity(), method, path, itemId, gate, unshare: true }),
        );
      } catch (error) {
        if (isRedisConnectionError(error)) throw error;
        return error;
      }
    }

    /**
     * A broker-level item (cc-api.md §14): updates the original with the `unshare` parameters and follows the job CC
     * gives it. A job recorded by an earlier attempt is followed first: COMPLETE means that attempt unshared it
     * (`already_unshared`), still running means it is polled again, FAILED (or expired) means this attempt sends again.
     */
    async function brokerWork(item: BrokerItem, gate: ReturnType<typeof rateGate>): Promise<string> {
      // With --per-proxy, several items update one original: taking turns spares them CC's 409 and its backoff.
      const turnMs = (deps.brokerJobWaitMs ?? 60_000) + 60_000;
      if (!(await store.takeOriginalTurn(campaignId, item.instance.guid, itemId, turnMs)) && token !== undefined) {
        await job.moveToDelayed(Date.now() + ORIGINAL_TURN_WAIT_MS + Math.floor(Math.random() * 500), token);
        throw new DelayedError();
      }
      try {
        return await brokerUpdate(item, gate);
      } finally {
        await store.releaseOriginalTurn(campaignId, item.instance.guid, itemId).catch(() => undefined);
      }
    }

    async function brokerUpdate(item: BrokerItem, gate: ReturnType<typeof rateGate>): Promise<string> {
      const originalPath = `/v3/service_instances/${item.instance.guid}`;
      const earlier = await store.brokerJob(campaignId, itemId);
      if (earlier) {
        const jobPath = `GET /v3/jobs/${earlier.guid}`;
        let job: CcJob | undefined;
        try {
          job = await client.jobs.get(earlier.guid);
        } catch (error) {
          if (isRedisConnectionError(error) || classifyUnshare(error).kind === 'rate_limited') throw error;
          // Jobs are kept for a while only: an expired one says nothing, so the update is sent again.
          if (!isNotFound(error)) return retryOrFail(answerOf(jobPath, error), error);
        }
        if (job?.state === 'COMPLETE')
          return verifyBroker(item, 'already_unshared', jobAnswer(job), { guid: job.guid, state: job.state });
        if (job && job.state !== 'FAILED') return followJob(item, job.guid, jobAnswer(job));
      }

      // Paused while this item looked at its earlier job: it has sent nothing yet.
      await parkIfPaused();
      if (await cancelledMeanwhile()) return settleCancelled(item);
      const result = await sendUnshare('PATCH', originalPath, gate, (hooks) =>
        client.serviceInstances.update(item.instance.guid, { parameters: unshareParameters(item.unshare) }, { hooks }),
      );
      const answer = answerOf(`PATCH ${originalPath}`, result);
      const verdict = classifyBrokerUpdate(result);
      switch (verdict.kind) {
        case 'accepted': {
          const { jobGuid } = result as { jobGuid: string | null };
          if (jobGuid === null) return verifyBroker(item, 'unshared', answer, undefined);
          // Before polling: a crash from here on finds the job and follows it instead of sending again.
          await store.setBrokerJob(campaignId, itemId, { guid: jobGuid, at: new Date().toISOString() });
          return followJob(item, jobGuid, answer);
        }
        case 'blocked':
          return blockedFor([verdict.reason], answer, undefined);
        case 'rate_limited':
          throw result;
        case 'confirm_original_gone':
          return confirmGone(
            'original_gone',
            `GET ${originalPath}`,
            () => client.serviceInstances.get(item.instance.guid),
            answer,
            {},
          );
        case 'retry':
          return retryOrFail(answer, result);
        case 'failed':
          return finish({ outcome: 'failed', decidedBy: answer });
      }
    }

    function jobAnswer(job: Pick<CcJob, 'guid' | 'state' | 'errors'>): Answer {
      const first = job.errors[0];
      return {
        request: `GET /v3/jobs/${job.guid}`,
        status: 200,
        detail: `job ${job.state}${first ? `: ${first.title ?? ''} ${first.detail ?? ''}`.trimEnd() : ''}`,
      };
    }

    /** Polls the update's job to its end, then decides from what it says. */
    async function followJob(item: BrokerItem, jobGuid: string, sent: Answer): Promise<string> {
      const jobPath = `GET /v3/jobs/${jobGuid}`;
      let result: unknown;
      try {
        result = await client.jobs.pollUntilTerminal(jobGuid, { timeoutMs: deps.brokerJobWaitMs ?? 60_000 });
      } catch (error) {
        if (isRedisConnectionError(error) || classifyUnshare(error).kind === 'rate_limited') throw error;
        // Polling itself failed (no answer, 5xx): the job is recorded, so a later attempt follows it again.
        if (!(error instanceof JobFailedError) && !(error instanceof JobTimeoutError))
          return retryOrFail(answerOf(jobPath, error), error);
        result = error;
      }
      const verdict = classifyBrokerJob(result);
      const failedJob = result instanceof JobFailedError ? answerOf(jobPath, result) : undefined;
      const job = { guid: jobGuid, state: result instanceof JobFailedError ? 'FAILED' : 'COMPLETE' };
      switch (verdict.kind) {
        case 'complete':
          return verifyBroker(item, 'unshared', sent, job);
        case 'still_running': {
          const still = { guid: jobGuid, state: verdict.state };
          const waiting: Answer = { request: jobPath, status: 200, detail: `job still ${verdict.state}` };
          if (lastAttempt)
            return finish({
              outcome: 'failed',
              decidedBy: waiting,
              job: still,
              reason: `the update's job was still ${verdict.state} after ${attempt} attempt(s); it may yet complete on CC`,
            });
          await note({ decidedBy: waiting, job: still });
          throw new PlannedRetry(`job ${jobGuid} still ${verdict.state}`);
        }
        case 'blocked':
          return blockedFor([verdict.reason], failedJob!, undefined, { job });
        case 'confirm_original_gone':
          return confirmGone(
            'original_gone',
            `GET /v3/service_instances/${item.instance.guid}`,
            () => client.serviceInstances.get(item.instance.guid),
            failedJob!,
            { job },
          );
        case 'failed':
          return finish({
            outcome: 'failed',
            decidedBy: failedJob!,
            job,
            reason: `the broker refused: ${verdict.reason}`,
          });
      }
    }

    /**
     * Reads the original after its update's job: CC records the broker's answer as the last operation (`update`
     * `succeeded`). That is all it can show: whether each proxy lost access is the broker's, and never claimed.
     */
    async function verifyBroker(
      item: BrokerItem,
      outcome: 'unshared' | 'already_unshared',
      decidedBy: Answer,
      job: ItemOutcome['job'],
    ): Promise<string> {
      const request = `GET /v3/service_instances/${item.instance.guid}`;
      const extra = job ? { job } : {};
      const reads = Math.max(1, deps.verifyReads ?? 4);
      for (let read = 1; ; read++) {
        let lastOperation;
        try {
          lastOperation = (await client.serviceInstances.get(item.instance.guid)).last_operation;
        } catch (error) {
          if (isRedisConnectionError(error) || classifyUnshare(error).kind === 'rate_limited') throw error;
          const confirmed = answerOf(request, error);
          if (error instanceof CfApiError && error.status === 404 && seesEverything(client))
            return finish({ outcome: 'original_gone', decidedBy, confirmedBy: confirmed, ...extra });
          return retryOrFail(confirmed, error, extra);
        }
        const verified = verifyOriginal(lastOperation);
        const confirmedBy: Answer = { request, status: 200, detail: verified.text };
        if (verified.confirmed) return finish({ outcome, decidedBy, confirmedBy, verified: verified.text, ...extra });
        // Another update of the original (another item of it with --per-proxy, or someone else's) hides ours for a
        // moment: read again shortly before giving the attempt back.
        if (lastOperation?.state === 'in progress' && read < reads) {
          await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** read));
          continue;
        }
        if (lastAttempt)
          return finish({
            outcome: 'failed',
            decidedBy,
            confirmedBy,
            verified: verified.text,
            reason: verified.text,
            ...extra,
          });
        await note({ decidedBy, confirmedBy, ...extra });
        throw new PlannedRetry(verified.text);
      }
    }

    /** A 404 or unknown-space 422 means "gone" only when a read by an identity that sees everything says so. */
    async function confirmGone(
      outcome: 'instance_gone' | 'space_gone' | 'original_gone',
      request: string,
      read: () => Promise<unknown>,
      answer: Answer,
      extra: Partial<ItemOutcome>,
    ): Promise<string> {
      const what =
        outcome === 'instance_gone' ? 'instance' : outcome === 'original_gone' ? 'original instance' : 'space';
      if (!seesEverything(client))
        return finish({
          outcome: 'failed',
          decidedBy: answer,
          reason: `${identity()} cannot see every ${what}, so CC's answer does not prove the ${what} is gone`,
          ...extra,
        });
      try {
        await read();
      } catch (error) {
        if (classifyUnshare(error).kind === 'rate_limited') throw error;
        const confirmed = answerOf(request, error);
        if (error instanceof CfApiError && error.status === 404 && error.code === CcCode.resourceNotFound)
          return finish({ outcome, decidedBy: answer, confirmedBy: confirmed, ...extra });
        return retryOrFail(confirmed, error, extra);
      }
      return finish({
        outcome: 'failed',
        decidedBy: answer,
        confirmedBy: { request, status: 200 },
        reason: `the ${what} exists, so CC's ${answer.status} was not about it being gone`,
        ...extra,
      });
    }

    async function deleteBindings(planned: PlanItem, gate: ReturnType<typeof rateGate>): Promise<BindingDelete[]> {
      const results: BindingDelete[] = [];
      for (const binding of planned.bindings) {
        const path = `/v3/service_credential_bindings/${binding.guid}`;
        try {
          const jobGuid = await client.serviceCredentialBindings.delete(binding.guid, {
            hooks: auditedWrite(store, campaignId, { identity: identity(), method: 'DELETE', path, itemId, gate }),
          });
          if (jobGuid) await client.jobs.pollUntilTerminal(jobGuid, { timeoutMs: deps.unbindWaitMs ?? 60_000 });
          results.push({ guid: binding.guid, result: 'deleted' });
        } catch (error) {
          if (isRedisConnectionError(error)) throw error;
          if (isNotFound(error)) results.push({ guid: binding.guid, result: 'gone' });
          // Async unbinds can take hours (CC polls the broker for up to a week): come back later rather than fail.
          else if (error instanceof JobTimeoutError)
            results.push({ guid: binding.guid, result: 'deleting', detail: error.message });
          // 422 "operation in progress for the service binding": a delete is already under way.
          else if (
            error instanceof CfApiError &&
            error.status === 422 &&
            /operation in progress/i.test(error.detail ?? '')
          )
            results.push({ guid: binding.guid, result: 'deleting', detail: error.detail ?? '' });
          else if (error instanceof JobFailedError)
            results.push({ guid: binding.guid, result: 'failed', detail: error.detail ?? error.message });
          else
            results.push({
              guid: binding.guid,
              result: 'failed',
              detail:
                error instanceof CfApiError
                  ? (error.detail ?? error.message)
                  : error instanceof Error
                    ? error.message
                    : String(error),
            });
        }
      }
      return results;
    }
  };
}
