import type { Logger } from '../log.js';
import type { RetryWait } from './retry-policy.js';
import type { SendObservation } from './transport.js';

/** Log in as a user with the password grant, as `cf login` does (cc-api.md §10). */
export interface PasswordAuth {
  username: string;
  password: string;
  /** UAA identity-provider origin, sent as `login_hint`. */
  origin?: string;
}

/** Log in as a UAA client with the client_credentials grant. */
export interface ClientCredentialsAuth {
  clientId: string;
  clientSecret: string;
}

/** Request pacing (see `pacing.ts`). */
export interface PacingOptions {
  /** GET requests started per second; 0 means unlimited. A 100k-instance audit is ~5k reads: ~2 min at this pace. @defaultValue 50 */
  readsPerSecond?: number;
  /** Non-GET requests started per second; 0 means unlimited. @defaultValue 5 */
  writesPerSecond?: number;
  /** GET requests in flight at once. @defaultValue 8 */
  maxInFlight?: number;
  /** Non-GET requests in flight at once. @defaultValue 4 */
  maxWritesInFlight?: number;
}

/** Transport retry (see `retry-policy.ts`). */
export interface RetryOptions {
  /** Retries after the first attempt. @defaultValue 5 */
  limit?: number;
  /** Backoff base. @defaultValue 500 */
  baseMs?: number;
  /** Backoff cap (does not apply to waits CC asks for). @defaultValue 30000 */
  capMs?: number;
  /** Longest wait CC may ask for before we throw `RateLimitWaitError` instead of sleeping. @defaultValue 60000 */
  maxWaitMs?: number;
}

/** Options of `createCfClient`. */
export interface CfClientOptions {
  /** The CC API root, e.g. `https://api.sys.example.com`. */
  api: string;
  auth: PasswordAuth | ClientCredentialsAuth;
  /** Accept any TLS certificate. @defaultValue false */
  skipSslValidation?: boolean;
  pacing?: PacingOptions;
  retry?: RetryOptions;
  /**
   * Per-request timeout. Long because an unshare deletes app bindings synchronously, each unbind up to the broker
   * timeout of 60 s (cc-api.md §1.2). @defaultValue 180000
   */
  timeoutMs?: number;
  /** `per_page` of list requests; CC's maximum (cc-api.md §7). @defaultValue 5000 */
  perPage?: number;
  /** Guids per request when a filter takes a guid list. @defaultValue 200 */
  guidBatchSize?: number;
  /** Refresh the token this long before it expires. @defaultValue 30000 */
  tokenRefreshSkewMs?: number;
  /** @defaultValue silentLogger */
  log?: Logger;
  /** Told before every wait between retries, so a command can say what it is waiting for. */
  onRetryWait?: (wait: RetryWait) => void;
  /**
   * Told after every HTTP send (UAA's included) with its endpoint family, method, status and whether it was a retry:
   * for request, retry and 429 counters. It sees no URL, header or body. Errors it throws are logged and ignored.
   */
  onSend?: (send: SendObservation) => void;
  /** Injectable for tests. @defaultValue a setTimeout promise */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests. @defaultValue Date.now */
  now?: () => number;
  /** Injectable for tests (jitter). @defaultValue Math.random */
  random?: () => number;
  /** Sent as `User-Agent: cf-shares/<version>`. @defaultValue '0.1.0' */
  version?: string;
}

/** The one literal holding every client default (style.md trait 9). */
export const CLIENT_DEFAULTS = {
  skipSslValidation: false,
  pacing: { readsPerSecond: 50, writesPerSecond: 5, maxInFlight: 8, maxWritesInFlight: 4 },
  retry: { limit: 5, baseMs: 500, capMs: 30_000, maxWaitMs: 60_000 },
  timeoutMs: 180_000,
  perPage: 5000,
  guidBatchSize: 200,
  tokenRefreshSkewMs: 30_000,
  version: '0.1.0',
} as const;

/** Options after defaults and validation. */
export interface NormalisedClientOptions {
  api: URL;
  auth: Readonly<PasswordAuth> | Readonly<ClientCredentialsAuth>;
  skipSslValidation: boolean;
  pacing: Readonly<Required<PacingOptions>>;
  retry: Readonly<Required<RetryOptions>>;
  timeoutMs: number;
  perPage: number;
  guidBatchSize: number;
  tokenRefreshSkewMs: number;
  log: Logger | undefined;
  onRetryWait: ((wait: RetryWait) => void) | undefined;
  onSend: ((send: SendObservation) => void) | undefined;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  version: string;
}

/** Bad client options; the message names the option. */
export class ClientOptionsError extends Error {
  override name = 'ClientOptionsError';
}

const TOP_KEYS = [
  'api',
  'auth',
  'skipSslValidation',
  'pacing',
  'retry',
  'timeoutMs',
  'perPage',
  'guidBatchSize',
  'tokenRefreshSkewMs',
  'log',
  'onRetryWait',
  'onSend',
  'sleep',
  'now',
  'random',
  'version',
];

function rejectUnknown(value: object, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ClientOptionsError(
        `unknown client option "${prefix}${key}" (known: ${allowed.map((k) => prefix + k).join(', ')})`,
      );
    }
  }
}

function number(
  value: unknown,
  name: string,
  fallback: number,
  opts: { min: number; max?: number; integer?: boolean },
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= opts.min &&
    (opts.max === undefined || value <= opts.max) &&
    (!opts.integer || Number.isInteger(value));
  if (!ok) {
    const range = opts.max === undefined ? `>= ${opts.min}` : `between ${opts.min} and ${opts.max}`;
    throw new ClientOptionsError(
      `client option "${name}" must be ${opts.integer ? 'an integer' : 'a number'} ${range} (got ${JSON.stringify(value)})`,
    );
  }
  return value as number;
}

function fn<T>(value: unknown, name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new ClientOptionsError(`client option "${name}" must be a function`);
  return value as T;
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ClientOptionsError(`client option "${name}" must be a non-empty string`);
  return value;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Applies defaults and validates; throws {@link ClientOptionsError} naming the first bad option. */
export function normaliseClientOptions(input: CfClientOptions): NormalisedClientOptions {
  if (typeof input !== 'object' || input === null) throw new ClientOptionsError('client options must be an object');
  rejectUnknown(input, TOP_KEYS, '');
  const apiText = nonEmptyString(input.api, 'api');
  let api: URL;
  try {
    api = new URL(/^[a-z]+:\/\//i.test(apiText) ? apiText : `https://${apiText}`);
  } catch {
    throw new ClientOptionsError(`client option "api" is not a URL: ${JSON.stringify(apiText)}`);
  }
  if (api.protocol !== 'https:' && api.protocol !== 'http:')
    throw new ClientOptionsError(`client option "api" must be an http(s) URL`);
  if (api.username || api.password)
    throw new ClientOptionsError(`client option "api" must not contain credentials; use "auth"`);

  const auth = input.auth as unknown;
  if (typeof auth !== 'object' || auth === null) throw new ClientOptionsError('client option "auth" is required');
  let normalisedAuth: PasswordAuth | ClientCredentialsAuth;
  if ('username' in auth || 'password' in auth) {
    rejectUnknown(auth, ['username', 'password', 'origin'], 'auth.');
    const a = auth as PasswordAuth;
    normalisedAuth = {
      username: nonEmptyString(a.username, 'auth.username'),
      password: nonEmptyString(a.password, 'auth.password'),
    };
    if (a.origin !== undefined) normalisedAuth.origin = nonEmptyString(a.origin, 'auth.origin');
  } else if ('clientId' in auth || 'clientSecret' in auth) {
    rejectUnknown(auth, ['clientId', 'clientSecret'], 'auth.');
    const a = auth as ClientCredentialsAuth;
    normalisedAuth = {
      clientId: nonEmptyString(a.clientId, 'auth.clientId'),
      clientSecret: nonEmptyString(a.clientSecret, 'auth.clientSecret'),
    };
  } else {
    throw new ClientOptionsError('client option "auth" needs {username, password} or {clientId, clientSecret}');
  }

  const pacing = input.pacing ?? {};
  rejectUnknown(pacing, Object.keys(CLIENT_DEFAULTS.pacing), 'pacing.');
  const retry = input.retry ?? {};
  rejectUnknown(retry, Object.keys(CLIENT_DEFAULTS.retry), 'retry.');
  const d = CLIENT_DEFAULTS;
  if (input.skipSslValidation !== undefined && typeof input.skipSslValidation !== 'boolean') {
    throw new ClientOptionsError('client option "skipSslValidation" must be a boolean');
  }

  return Object.freeze({
    api,
    auth: Object.freeze(normalisedAuth),
    skipSslValidation: input.skipSslValidation ?? d.skipSslValidation,
    pacing: Object.freeze({
      readsPerSecond: number(pacing.readsPerSecond, 'pacing.readsPerSecond', d.pacing.readsPerSecond, { min: 0 }),
      writesPerSecond: number(pacing.writesPerSecond, 'pacing.writesPerSecond', d.pacing.writesPerSecond, { min: 0 }),
      maxInFlight: number(pacing.maxInFlight, 'pacing.maxInFlight', d.pacing.maxInFlight, { min: 1, integer: true }),
      maxWritesInFlight: number(pacing.maxWritesInFlight, 'pacing.maxWritesInFlight', d.pacing.maxWritesInFlight, {
        min: 1,
        integer: true,
      }),
    }),
    retry: Object.freeze({
      limit: number(retry.limit, 'retry.limit', d.retry.limit, { min: 0, integer: true }),
      baseMs: number(retry.baseMs, 'retry.baseMs', d.retry.baseMs, { min: 0 }),
      capMs: number(retry.capMs, 'retry.capMs', d.retry.capMs, { min: 0 }),
      maxWaitMs: number(retry.maxWaitMs, 'retry.maxWaitMs', d.retry.maxWaitMs, { min: 0 }),
    }),
    timeoutMs: number(input.timeoutMs, 'timeoutMs', d.timeoutMs, { min: 1 }),
    perPage: number(input.perPage, 'perPage', d.perPage, { min: 1, max: 5000, integer: true }),
    guidBatchSize: number(input.guidBatchSize, 'guidBatchSize', d.guidBatchSize, { min: 1, integer: true }),
    tokenRefreshSkewMs: number(input.tokenRefreshSkewMs, 'tokenRefreshSkewMs', d.tokenRefreshSkewMs, { min: 0 }),
    log: input.log,
    onRetryWait: input.onRetryWait === undefined ? undefined : fn(input.onRetryWait, 'onRetryWait', () => {}),
    onSend: input.onSend === undefined ? undefined : fn(input.onSend, 'onSend', () => {}),
    sleep: fn(input.sleep, 'sleep', defaultSleep),
    now: fn(input.now, 'now', Date.now),
    random: fn(input.random, 'random', Math.random),
    version: input.version === undefined ? d.version : nonEmptyString(input.version, 'version'),
  });
}
