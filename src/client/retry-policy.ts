/**
 * What the transport retries, as data, and the one pure function that says how long to wait (style.md trait 5).
 */

/** Statuses worth another attempt: rate limited (cc-api.md §8) or an upstream/transient CC failure (§9). */
export const RETRYABLE_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

/** Statuses that are final: the request itself is wrong, so repeating it cannot help. 401 is handled by auth, once. */
export const NEVER_RETRY_STATUSES: readonly number[] = [400, 401, 403, 404, 409, 422];

/**
 * CC codes never retried by the transport even though their status is retryable. 390001
 * CF-ServiceInstanceUnshareFailed (502) means bindings could not be deleted; the campaign decides when to try again
 * (cc-api.md §1.2).
 */
export const NEVER_RETRY_CODES: readonly number[] = [390001];

/** Connection failures that are usually transient. DNS failures (ENOTFOUND) are a misconfiguration, not retried. */
export const RETRYABLE_NETWORK_CODES: readonly string[] = [
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
];

/**
 * Network codes after which a POST may already have been applied, so it is not repeated. (ECONNREFUSED means the
 * request never left.) Other methods we send are idempotent: a repeated unshare answers 204 (cc-api.md §1.2).
 */
export const POST_SAFE_NETWORK_CODES: readonly string[] = ['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'];

/** Whether a response status (with its CC error code) may be retried. */
export function isRetryableStatus(status: number, code?: number): boolean {
  if (code !== undefined && NEVER_RETRY_CODES.includes(code)) return false;
  return RETRYABLE_STATUSES.includes(status);
}

/**
 * Whether a connection failure (no answer arrived) may be retried. `idempotent` marks a request safe to repeat even when
 * the first one may have been applied, e.g. a UAA token request, which is a POST.
 */
export function isRetryableNetworkError(code: string | undefined, method: string, idempotent?: boolean): boolean {
  if (code === undefined) return false;
  if (idempotent ?? method.toUpperCase() !== 'POST') return RETRYABLE_NETWORK_CODES.includes(code);
  return POST_SAFE_NETWORK_CODES.includes(code);
}

/**
 * Whether a request may be sent again after a 2xx answer whose body could not be read (cut short, or not JSON). A
 * read may; a write may not, however idempotent: the answer proves it was applied, and a second send would replace a
 * known answer with a different one (a repeated binding DELETE answers 404). `idempotent` overrides the method.
 */
export function isRetryableUnreadableAnswer(method: string, idempotent?: boolean): boolean {
  return idempotent ?? method.toUpperCase() === 'GET';
}

/** Input of {@link computeRetryDelay}. */
export interface RetryDelayInput {
  /** 0 for the first retry. */
  attempt: number;
  /** The `Retry-After` header: seconds, or an HTTP-date. */
  retryAfter?: string | undefined;
  /** The `X-RateLimit-Reset` header: epoch seconds of the window end (cc-api.md §8.1). */
  rateLimitReset?: string | undefined;
  /** Current time, epoch ms. */
  now: number;
  baseMs: number;
  capMs: number;
  /** A number in [0, 1); `Math.random` in production. */
  random: number;
}

/** How long to wait, and whether the server asked for it (then it is not capped, and may exceed `maxWaitMs`). */
export interface RetryDelay {
  delayMs: number;
  source: 'retry-after' | 'rate-limit-reset' | 'backoff';
}

/**
 * The delay before the next attempt. A server-requested wait (`Retry-After`, then `X-RateLimit-Reset`) wins; otherwise
 * exponential backoff `base * 2^attempt`, capped, with "equal jitter" (half fixed, half random) so many workers do not
 * retry in step.
 */
export function computeRetryDelay(input: RetryDelayInput): RetryDelay {
  const fromRetryAfter = parseRetryAfter(input.retryAfter, input.now);
  if (fromRetryAfter !== undefined) return { delayMs: fromRetryAfter, source: 'retry-after' };
  const reset = input.rateLimitReset === undefined ? Number.NaN : Number(input.rateLimitReset.trim());
  if (Number.isFinite(reset) && reset > 0) {
    return { delayMs: Math.max(0, Math.ceil(reset * 1000 - input.now)), source: 'rate-limit-reset' };
  }
  const exponential = Math.min(input.capMs, input.baseMs * 2 ** input.attempt);
  return { delayMs: Math.round(exponential / 2 + (exponential / 2) * input.random), source: 'backoff' };
}

function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A wait between two sends of one request, as a command may report it. */
export interface RetryWait {
  method: string;
  /** The redacted path. */
  path: string;
  /** What went wrong: `429 Too Many Requests`, `503 Service Unavailable`, `ECONNREFUSED`, `unreadable answer`. */
  cause: string;
  delayMs: number;
  source: RetryDelay['source'];
  /** 1-based number of the retry about to be sent. */
  retry: number;
  limit: number;
}
