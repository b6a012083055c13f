import { CfApiError, isRateLimited, isUnshareFailed, RateLimitWaitError } from '../client/index.js';

/** The final outcomes of a campaign item (issue: bulk unshare campaign). */
export type FinalOutcome = 'unshared' | 'already_unshared' | 'instance_gone' | 'space_gone' | 'blocked' | 'failed' | 'cancelled';

/** Outcomes that count as success for the campaign's exit code. */
export const SUCCESS_OUTCOMES: readonly FinalOutcome[] = ['unshared', 'already_unshared', 'instance_gone', 'space_gone'];

/** What to do after one unshare attempt. */
export type UnshareVerdict =
  | { kind: 'final'; outcome: FinalOutcome }
  /** 502 CF-ServiceInstanceUnshareFailed: bindings could not be deleted yet; retry later with backoff. */
  | { kind: 'blocked'; blockers: string[] }
  /** CC asked us to slow down: pause the whole queue this long, without spending an attempt. */
  | { kind: 'rate_limited'; waitMs: number }
  /** A transient failure (5xx, network): retry with backoff. */
  | { kind: 'retry' }
  /** A permanent failure for this item only. */
  | { kind: 'permanent' };

/**
 * Classifies the answer to `DELETE .../shared_spaces/:space` (cc-api.md §1.2): 204 unshared; 404 the instance is
 * gone; 422 the space is gone; 502 390001 blocked by bindings; 429 rate limited; 5xx transient; other 4xx permanent.
 */
export function classifyUnshare(result: { status: number } | unknown, now: number = Date.now()): UnshareVerdict {
  if (!(result instanceof Error) && typeof result === 'object' && result !== null && 'status' in result) {
    const status = (result as { status: number }).status;
    if (status >= 200 && status < 300) return { kind: 'final', outcome: 'unshared' };
  }
  if (result instanceof RateLimitWaitError) return { kind: 'rate_limited', waitMs: result.waitMs };
  if (isRateLimited(result)) return { kind: 'rate_limited', waitMs: retryAfterMs(result, now) };
  if (isUnshareFailed(result)) return { kind: 'blocked', blockers: blockingReasons((result as CfApiError).detail ?? '') };
  if (result instanceof CfApiError) {
    if (result.status === 404) return { kind: 'final', outcome: 'instance_gone' };
    if (result.status === 422) return { kind: 'final', outcome: 'space_gone' };
    if (result.status >= 500) return { kind: 'retry' };
    return { kind: 'permanent' };
  }
  // Network errors and anything unexpected: let attempts and backoff decide.
  return { kind: 'retry' };
}

function retryAfterMs(error: unknown, now: number): number {
  const headers = (error as { response?: { headers?: Record<string, string | string[] | undefined> } }).response?.headers ?? {};
  const header = headers['retry-after'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined) {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(1000, seconds * 1000);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(1000, date - now);
  }
  return 60_000;
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
