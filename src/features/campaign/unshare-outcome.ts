import {
  CfApiError,
  MalformedResponseError,
  NetworkError,
  RateLimitWaitError,
  UaaError,
  computeRetryDelay,
  isRateLimited,
  isUnshareFailed,
} from '../../client/index.js';

/** The final outcomes of a campaign item. */
export type FinalOutcome =
  | 'unshared'
  | 'already_unshared'
  | 'instance_gone'
  | 'space_gone'
  /** Broker-level items only: the original instance is gone (404, confirmed by an admin read). */
  | 'original_gone'
  | 'blocked'
  | 'failed'
  | 'cancelled';

/** Outcomes that count as success for the campaign's exit code. */
export const SUCCESS_OUTCOMES: readonly FinalOutcome[] = [
  'unshared',
  'already_unshared',
  'instance_gone',
  'space_gone',
  'original_gone',
];

/** What CC answered to one request, as an outcome's evidence: enough to look the request up in CC's logs. */
export interface Answer {
  /** `DELETE /v3/service_instances/<guid>/relationships/shared_spaces/<guid>`, `GET /v3/spaces/<guid>`, ... */
  readonly request: string;
  /** Absent when no HTTP answer came (a network error: the request may or may not have been applied). */
  readonly status?: number;
  readonly code?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly requestId?: string;
  /** Set for network errors and for errors that are not CC's: what went wrong, never a body or a secret. */
  readonly error?: string;
}

/** CC error codes the classification reads (cc-api.md §9, §13). */
export const CcCode = {
  resourceNotFound: 10010,
  unprocessableEntity: 10008,
  resourceBeingDeleted: 10020,
} as const;

/** The detail CC gives for an unshare from a space that does not exist (cc-api.md §1.2). */
const UNKNOWN_SPACE_DETAIL = /Ensure the space exists/i;

/** What to do after one unshare attempt. */
export type UnshareVerdict =
  | { kind: 'unshared' }
  /** 502 CF-ServiceInstanceUnshareFailed: bindings could not be deleted yet; retry later with backoff. */
  | { kind: 'blocked'; blockers: string[] }
  /** CC asked us to slow down: wait this long without spending an attempt. */
  | { kind: 'rate_limited'; waitMs: number }
  /**
   * 404 CF-ResourceNotFound: the instance is gone, OR this identity cannot see it (cc-api.md §13). Only a read by an
   * identity that sees everything tells which.
   */
  | { kind: 'confirm_instance_gone' }
  /** 422 "Ensure the space exists": the space is gone, or not visible; a read decides. */
  | { kind: 'confirm_space_gone' }
  /** A transient failure (5xx, network): retry with backoff; when attempts run out the item fails. */
  | { kind: 'retry' }
  /** A permanent failure for this item only (403, other 4xx, other validations). */
  | { kind: 'failed' };

/**
 * Classifies the answer to `DELETE .../shared_spaces/:space` (cc-api.md §1.2, §13) by status AND CC error code:
 * a status alone does not say what happened. 404 and the unknown-space 422 need a confirming read before they mean
 * "gone"; 422 CF-ResourceBeingDeleted is waited out; other 4xx fail the item with CC's own words.
 */
export function classifyUnshare(answer: { status: number } | unknown, now: number = Date.now()): UnshareVerdict {
  if (!(answer instanceof Error) && typeof answer === 'object' && answer !== null && 'status' in answer) {
    const status = (answer as { status: number }).status;
    if (status >= 200 && status < 300) return { kind: 'unshared' };
  }
  // CC answered 2xx and the body was cut short: the write was applied (an unshare's 204 has no body to cut).
  if (answer instanceof MalformedResponseError && answer.status >= 200 && answer.status < 300)
    return { kind: 'unshared' };
  if (answer instanceof RateLimitWaitError) return { kind: 'rate_limited', waitMs: answer.waitMs };
  if (isRateLimited(answer)) return { kind: 'rate_limited', waitMs: retryAfterMs(answer, now) };
  if (isUnshareFailed(answer))
    return { kind: 'blocked', blockers: blockingReasons((answer as CfApiError).detail ?? '') };
  if (answer instanceof CfApiError) {
    if (answer.status === 404 && answer.code === CcCode.resourceNotFound) return { kind: 'confirm_instance_gone' };
    if (answer.status === 422 && answer.code === CcCode.resourceBeingDeleted)
      return { kind: 'blocked', blockers: [answer.detail ?? 'CF-ResourceBeingDeleted'] };
    if (
      answer.status === 422 &&
      answer.code === CcCode.unprocessableEntity &&
      UNKNOWN_SPACE_DETAIL.test(answer.detail ?? '')
    )
      return { kind: 'confirm_space_gone' };
    if (answer.status >= 500) return { kind: 'retry' };
    return { kind: 'failed' };
  }
  // A network error leaves the answer unknown: an idempotent retry finds out.
  if (answer instanceof NetworkError) return { kind: 'retry' };
  // The token could not be renewed for a send (UAA down or erring): nothing about the item is known yet, and a send
  // before it may have gone out; the next attempt reads the shares first.
  if (isTransientUaaError(answer)) return { kind: 'retry' };
  return { kind: 'failed' };
}

/** UAA unreachable or answering 5xx: a token renewal may work later. A 4xx (credentials refused) will not. */
export function isTransientUaaError(error: unknown): boolean {
  return error instanceof UaaError && (error.status === undefined || error.status >= 500);
}

/** The evidence of one answer (or error) to `request`. */
export function answerOf(request: string, answer: unknown): Answer {
  if (answer instanceof CfApiError) {
    return {
      request,
      status: answer.status,
      ...(answer.code !== undefined && { code: answer.code }),
      ...(answer.title !== undefined && { title: answer.title }),
      ...(answer.detail !== undefined && { detail: answer.detail }),
      ...(answer.requestId !== undefined && { requestId: answer.requestId }),
    };
  }
  if (answer instanceof NetworkError) {
    const requestId = (answer as { requestId?: string }).requestId;
    return {
      request,
      error: `no answer: ${answer.code ?? 'network error'}`,
      ...(requestId !== undefined && { requestId }),
    };
  }
  if (answer instanceof Error) return { request, error: `${answer.name}: ${answer.message}` };
  if (typeof answer === 'object' && answer !== null && 'status' in answer) {
    const { status, requestId } = answer as { status: number; requestId?: string | null };
    return { request, status, ...(typeof requestId === 'string' && { requestId }) };
  }
  return { request, error: String(answer) };
}

/** CC's Retry-After through the client's one parser; a 429 without one waits a minute, at least a second. */
function retryAfterMs(error: unknown, now: number): number {
  const headers =
    (error as { response?: { headers?: Record<string, string | string[] | undefined> } }).response?.headers ?? {};
  const header = headers['retry-after'];
  const retryAfter = Array.isArray(header) ? header[0] : header;
  const delay = computeRetryDelay({ attempt: 0, retryAfter, now, baseMs: 60_000, capMs: 60_000, random: 1 });
  return Math.max(1000, delay.delayMs);
}

/**
 * The per-binding reasons inside a 502 CF-ServiceInstanceUnshareFailed detail: CC joins them with blank lines and
 * prefixes each with a tab (cc-api.md §1.2).
 */
export function blockingReasons(detail: string): string[] {
  return detail
    .split('\n')
    .filter((line) => line.startsWith(' \t') || line.startsWith('\t'))
    .map((line) => line.trim())
    .filter(Boolean);
}
