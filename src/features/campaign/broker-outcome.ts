import {
  CfApiError,
  JobFailedError,
  JobTimeoutError,
  MalformedResponseError,
  NetworkError,
  RateLimitWaitError,
  isRateLimited,
} from '../../client/index.js';
import type { LastOperation } from '../../client/index.js';
import { isTransientUaaError } from './unshare-outcome.js';

/**
 * What to do after `PATCH /v3/service_instances/:original` with `{"parameters": {"unshare": ...}}` (cc-api.md §14):
 * CC answers 202 and a job (the broker is asked in that job), 409 while another operation runs on the instance.
 */
export type BrokerUpdateVerdict =
  /** CC accepted the update: follow its job (or, without one, read the original). */
  | { kind: 'accepted' }
  /** 409: another operation runs on the original (or one of its bindings); retry later with backoff. */
  | { kind: 'blocked'; reason: string }
  | { kind: 'rate_limited' }
  /** 404: the original is gone, or this identity cannot see it; an admin read decides. */
  | { kind: 'confirm_original_gone' }
  /** 5xx (502 included) or no answer: retry with backoff; when attempts run out the item fails. */
  | { kind: 'retry' }
  /** Any other answer (403, 400, 422): this item fails with CC's words. */
  | { kind: 'failed' };

/** CC's not-found codes for an instance: CF-ResourceNotFound and CF-ServiceInstanceNotFound (cc-api.md §9). */
const NOT_FOUND_CODES: readonly number[] = [10010, 60004];

/** CF-AsyncServiceInstanceOperationInProgress (cc-api.md §9). */
const OPERATION_IN_PROGRESS = 60016;

/** Classifies the answer (or error) of the update that carries the unshare parameters. Pure. */
export function classifyBrokerUpdate(answer: unknown): BrokerUpdateVerdict {
  if (!(answer instanceof Error) && typeof answer === 'object' && answer !== null && 'status' in answer) {
    const status = (answer as { status: number }).status;
    if (status >= 200 && status < 300) return { kind: 'accepted' };
  }
  if (answer instanceof RateLimitWaitError || isRateLimited(answer)) return { kind: 'rate_limited' };
  if (answer instanceof CfApiError) {
    if (answer.status === 409)
      return { kind: 'blocked', reason: answer.detail || answer.title || 'an operation is in progress' };
    if (answer.status === 404 && answer.code !== undefined && NOT_FOUND_CODES.includes(answer.code))
      return { kind: 'confirm_original_gone' };
    if (answer.status >= 500) return { kind: 'retry' };
    return { kind: 'failed' };
  }
  // No answer, or a 2xx whose body was cut short (no job guid to follow): sending the unshare again is harmless (the
  // broker unshares what is still shared; CC answers 409 while the first one runs).
  if (answer instanceof NetworkError || answer instanceof MalformedResponseError) return { kind: 'retry' };
  if (isTransientUaaError(answer)) return { kind: 'retry' };
  return { kind: 'failed' };
}

/** What the update's job says once polled. */
export type BrokerJobVerdict =
  | { kind: 'complete' }
  /** Still PROCESSING or POLLING after the wait: the broker is slow; a later attempt polls the same job. */
  | { kind: 'still_running'; state: string }
  /** FAILED because another operation was in progress: retry later with backoff. */
  | { kind: 'blocked'; reason: string }
  /** FAILED because the instance is gone (CC's job error CF-ResourceNotFound): an admin read decides. */
  | { kind: 'confirm_original_gone' }
  /** FAILED with the broker's error: the item fails with it. */
  | { kind: 'failed'; reason: string };

/** Classifies what polling the update's job ended with: the COMPLETE job, or the error polling threw. Pure. */
export function classifyBrokerJob(result: unknown): BrokerJobVerdict {
  if (result instanceof JobTimeoutError) return { kind: 'still_running', state: result.lastState };
  if (result instanceof JobFailedError) {
    const reason = result.detail ?? result.message;
    if (result.code === OPERATION_IN_PROGRESS || /in progress/i.test(result.detail ?? ''))
      return { kind: 'blocked', reason };
    if (result.code !== undefined && NOT_FOUND_CODES.includes(result.code)) return { kind: 'confirm_original_gone' };
    return { kind: 'failed', reason };
  }
  if (typeof result === 'object' && result !== null && (result as { state?: unknown }).state === 'COMPLETE')
    return { kind: 'complete' };
  return { kind: 'failed', reason: result instanceof Error ? `${result.name}: ${result.message}` : String(result) };
}

/**
 * What the re-read of the original shows after the job: the broker accepted the update when CC records its last
 * operation as `update` `succeeded`. CC cannot show whether a proxy still has access, so that is all it confirms.
 */
export function verifyOriginal(lastOperation: LastOperation | null): { confirmed: boolean; text: string } {
  if (!lastOperation) return { confirmed: false, text: 'the original has no last operation' };
  const said = `last_operation ${lastOperation.type} ${lastOperation.state}${lastOperation.updated_at ? ` at ${lastOperation.updated_at}` : ''}`;
  if (lastOperation.type === 'update' && lastOperation.state === 'succeeded')
    return {
      confirmed: true,
      text: `the broker accepted the unshare (${said}); whether each proxy lost access is the broker's to say`,
    };
  return { confirmed: false, text: `the original's ${said}: the unshare is not confirmed` };
}

/** The parameters a broker-level item sends. */
export function unshareParameters(unshare: { landscape: '*'; proxyServiceGuid?: string }): Record<string, unknown> {
  return {
    unshare: {
      landscape: unshare.landscape,
      ...(unshare.proxyServiceGuid !== undefined && { proxyServiceGuid: unshare.proxyServiceGuid }),
    },
  };
}
