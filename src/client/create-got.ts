import got, { type Got, type Hooks, type RetryFunction } from 'got';
import { RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES } from './retry-policy.js';

/** Input of {@link createGot}. */
export interface GotSettings {
  version: string;
  skipSslValidation: boolean;
  timeoutMs: number;
  /** Retries after faults; the one resend after a token renewal comes on top. */
  retryLimit: number;
}

/**
 * Error codes of a send that got hands to `calculateDelay`: connection faults, a 2xx body that is not JSON, and a
 * body cut short after the status line (`retry-policy.ts` then decides by method and status).
 */
const RETRY_ERROR_CODES: readonly string[] = [
  ...RETRYABLE_NETWORK_CODES,
  'ERR_BODY_PARSE_FAILURE',
  'Z_BUF_ERROR',
  'ERR_STREAM_PREMATURE_CLOSE',
];

/**
 * The one got instance of a client (style.md trait 3). got runs the retry loop and its hooks; our `calculateDelay`
 * refines got's rules with what got cannot know (CC codes such as 390001, POSTs that may have been applied, a write
 * whose answer was unreadable) and computes the delay with `retry-policy.ts`. Bodies are parsed as JSON whatever the
 * Content-Type (CC labels 429 bodies text/plain, cc-api.md §8.1); error statuses do not throw, so the transport maps
 * them to typed errors; redirects are not followed, so a bearer token never travels to another host.
 */
export function createGot(settings: GotSettings, hooks: Partial<Hooks>, calculateDelay: RetryFunction): Got {
  return got.extend({
    headers: { 'user-agent': `cf-shares/${settings.version}`, accept: 'application/json' },
    responseType: 'json',
    // An empty body (204, 202) is no body rather than a parse failure.
    parseJson: (text: string) => (text.trim() === '' ? undefined : JSON.parse(text)),
    throwHttpErrors: false,
    followRedirect: false,
    retry: {
      // got counts the resend after a 401 renewal as a retry; our fault count is kept in `calculateDelay`.
      limit: settings.retryLimit + 1,
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      statusCodes: [...RETRYABLE_STATUSES],
      errorCodes: [...RETRY_ERROR_CODES],
      // A long Retry-After reaches `calculateDelay`, which refuses it with RateLimitWaitError instead of got
      // silently returning the 429.
      maxRetryAfter: Number.POSITIVE_INFINITY,
      calculateDelay,
    },
    hooks,
    // A body cut short must surface as the connection error got reports while reading (ECONNRESET), which the
    // transport classifies; got 15+ would otherwise raise a content-length mismatch before the body is seen.
    strictContentLength: false,
    https: { rejectUnauthorized: !settings.skipSslValidation },
    timeout: { request: settings.timeoutMs },
  });
}
