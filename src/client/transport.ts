import { randomUUID } from 'node:crypto';
import {
  ParseError,
  RequestError,
  type AfterResponseHook,
  type BeforeErrorHook,
  type BeforeRequestHook,
  type BeforeRetryHook,
  type Got,
  type Response,
  type RetryObject,
} from 'got';
import { silentLogger, type Logger } from '../log.js';
import { ccCodeOf, errorItems, header, pickHeaders, shortMessage, statusText, type Headers } from './answer.js';
import { createGot } from './create-got.js';
import { encodeQuery, type Query } from './encode-query.js';
import { CfApiError, MalformedResponseError, NetworkError, RateLimitWaitError } from './errors.js';
import { createPacer, type Pacer, type RequestGroup } from './pacing.js';
import { endpointFamily } from './endpoint-family.js';
import { redactUrl, redactedPath as fullRedactedPath } from './redact-url.js';
import {
  computeRetryDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  isRetryableUnreadableAnswer,
  type RetryDelay,
  type RetryWait,
} from './retry-policy.js';

export type { Headers } from './answer.js';

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Supplies and renews the Authorization header (see `auth.ts`). */
export interface Authorizer {
  /** The current `bearer …` value, fetching or refreshing a token first when needed. */
  authorization(): Promise<string>;
  /** CC rejected `authorization` with 401 CF-InvalidAuthToken: drop it so the next call renews. */
  invalidate(authorization: string): void;
}

/** One HTTP send of a request. */
export interface SendAttempt {
  /** 1-based count of HTTP sends of this request, transport retries and the resend after a token renewal included. */
  n: number;
  /** The `X-Vcap-Request-Id` sent with this send, fresh for each send. */
  requestId: string;
}

/** What came back for one send: an answer (the status line arrived), or none. */
export type SendAnswer =
  | {
      status: number;
      /** The answer's `X-Vcap-Request-Id` (CC answers `<sent>::<uuid>`, cc-api.md §13); null when it had none. */
      requestId: string | null;
      /**
       * CC's error code when the body is a CC error (`errors[0].code`): it tells CC's own refusal from a router's or a
       * proxy's status, which says nothing of whether CC carried the request out.
       */
      ccCode?: number;
    }
  | {
      /** The Node/got error code, or a short message when there is none; never a body. */
      networkError: string;
    };

/**
 * Per-request hooks around every HTTP send, for a write-ahead audit trail and a caller-side rate gate. Errors thrown by
 * either propagate to the caller of the request; a throwing `beforeSend` means the send does not happen.
 */
export interface WriteHooks {
  /** Awaited before each send, after the transport's own pacing, so a rate gate here sees the real send time. */
  beforeSend(attempt: SendAttempt): Promise<void>;
  /**
   * Awaited after each send returns or fails, before the transport decides to retry. An answer whose body is cut short
   * or not JSON is still an answer (its status is reported): CC applied the request.
   */
  afterAnswer(attempt: SendAttempt, answer: SendAnswer): Promise<void>;
}

/**
 * One HTTP send as metrics see it: no URL, query, header or body, only the endpoint family (guids removed), so an
 * observer can label by it without a secret or an unbounded label reaching a metrics page.
 */
export interface SendObservation {
  /** `/v3/service_instances`, `/v3/spaces`, `/oauth/token`: see `endpoint-family.ts`. */
  readonly family: string;
  readonly method: HttpMethod;
  /** The answer's status; null when none came (a network error). */
  readonly status: number | null;
  /** Whether this send is a transport retry after a fault (the resend after a token renewal is not). */
  readonly retry: boolean;
}

/** Options of the resource write methods. */
export interface WriteOptions {
  hooks?: WriteHooks;
}

/** What a write method answers: the final status and its request id (the answer's, else the one sent). */
export interface WriteResult {
  status: number;
  requestId: string;
}

/** One request. */
export interface TransportRequest {
  method: HttpMethod;
  /** A path under the API root (`/v3/...`, may carry a query), or an absolute URL. */
  path: string;
  query?: Query;
  json?: unknown;
  /** A form body (UAA token requests). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Send the bearer token. Absolute URLs off the API origin must set this to false. @defaultValue true */
  auth?: boolean;
  /** Return error responses instead of throwing `CfApiError` (UAA builds its own error). @defaultValue true */
  throwHttpErrors?: boolean;
  /** Pacing group. @defaultValue 'read' for GET, else 'write' */
  group?: RequestGroup;
  /** Which counter the request goes to. @defaultValue 'api' */
  counter?: 'api' | 'uaa';
  /**
   * Safe to send again even if the first send may have been applied, so connection resets and unreadable 2xx bodies
   * are retried (a UAA token request is a POST of this kind). @defaultValue decided by the method, see `retry-policy.ts`
   */
  idempotent?: boolean;
  /** Run around every HTTP send of this request (see {@link WriteHooks}). */
  hooks?: WriteHooks;
  /** Retries after faults for this request. @defaultValue the client's `retry.limit` */
  retryLimit?: number;
  /**
   * Parses a non-blank body from its bytes instead of decoding it and `JSON.parse`-ing the text (a list page parsed
   * row by row, see `parse-page.ts`). An error from it makes the answer unreadable, as `JSON.parse`'s does.
   */
  parseBody?: (body: Uint8Array) => unknown;
}

/** A parsed response. `body` is `undefined` for an empty body (204, 202). */
export interface TransportResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The answer's `X-Vcap-Request-Id`, else the one we sent. */
  requestId: string;
}

/** Settings of a {@link Transport}; all already normalised (see `client-options.ts`). */
export interface TransportSettings {
  api: URL;
  version: string;
  skipSslValidation: boolean;
  timeoutMs: number;
  retry: { limit: number; baseMs: number; capMs: number; maxWaitMs: number };
  pacing: { readsPerSecond: number; writesPerSecond: number; maxInFlight: number; maxWritesInFlight: number };
  log?: Logger | undefined;
  onRetryWait?: ((wait: RetryWait) => void) | undefined;
  onSend?: ((send: SendObservation) => void) | undefined;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

/** Guid-batched queries run to ~8 KB; a log line keeps the start, which names the endpoint and filters. */
const MAX_LOGGED_PATH = 300;

function redactedPath(url: URL): string {
  const path = fullRedactedPath(url);
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…(${path.length} chars)` : path;
}

/** What one request carries through got's hooks, across its sends (got keeps it in `options.context`). */
interface SendState {
  req: TransportRequest;
  url: URL;
  group: RequestGroup;
  /** The bearer value for the next send; `undefined` for requests without auth. */
  authorization: string | undefined;
  /** HTTP sends so far. */
  sends: number;
  /** The current send. */
  attempt: SendAttempt | undefined;
  startedAt: number;
  /** Frees the current send's pacer slot; unset once freed. */
  release: (() => void) | undefined;
  /** Whether the current send's answer (or its absence) has been reported to the hooks. */
  answered: boolean;
  /** Retries after faults; the resend after a token renewal is not one. */
  faultRetries: number;
  renewedToken: boolean;
  /** The next send is a retry after a fault (set when a retry wait is decided, read when the send is reported). */
  retrying: boolean;
  /** Whether the current send is such a retry. */
  sendIsRetry: boolean;
  /** An error of ours (a write hook, the authorizer, a refused wait): it ends the request and is thrown as it is. */
  raised: unknown;
}

const STATE = 'cfSharesSend';

function stateOf(options: { context: Record<string, unknown> } | undefined): SendState | undefined {
  return options?.context[STATE] as SendState | undefined;
}

/**
 * The layered transport (style.md trait 3): one got instance whose retry options and hooks carry pacing (a slot and a
 * start time per send, `beforeRequest`), auth (the token per send, one renewal on 401 CF-InvalidAuthToken in
 * `afterResponse`), retry (`calculateDelay` over `retry-policy.ts`) and a request's write hooks around each send. What
 * got cannot do stays here: waiting on the client's clock (`settings.sleep`, shared with pacing, so waits are tested
 * without timers), a retry limit that the token renewal does not use up, and typed errors for what CC answered.
 */
export class Transport {
  readonly api: URL;
  readonly got: Got;
  private readonly settings: TransportSettings;
  private readonly pacer: Pacer;
  private readonly log: Logger;
  private authorizer: Authorizer | undefined;
  private apiCount = 0;
  private uaaCount = 0;

  constructor(settings: TransportSettings) {
    this.settings = settings;
    this.api = settings.api;
    this.log = settings.log ?? silentLogger;
    this.got = createGot(
      { ...settings, retryLimit: settings.retry.limit },
      {
        beforeRequest: [this.beforeRequest],
        afterResponse: [this.afterResponse],
        beforeRetry: [this.beforeRetry],
        beforeError: [this.beforeError],
      },
      this.calculateDelay,
    );
    this.pacer = createPacer({
      read: { perSecond: settings.pacing.readsPerSecond, maxInFlight: settings.pacing.maxInFlight },
      write: { perSecond: settings.pacing.writesPerSecond, maxInFlight: settings.pacing.maxWritesInFlight },
      now: settings.now,
      sleep: settings.sleep,
    });
  }

  /** Cloud Controller requests sent so far, retries included, token requests not. */
  get requestCount(): number {
    return this.apiCount;
  }

  /** UAA token requests sent so far, retries included. */
  get tokenRequestCount(): number {
    return this.uaaCount;
  }

  /** Installs the token source; requests with `auth` (the default) fail until one is set. */
  useAuthorizer(authorizer: Authorizer): void {
    this.authorizer = authorizer;
  }

  /** Resolves a path or absolute URL plus query into the URL to send. */
  resolve(path: string, query?: Query): URL {
    const url = /^https?:\/\//i.test(path)
      ? new URL(path)
      : new URL(this.api.pathname.replace(/\/$/, '') + path, this.api.origin);
    const encoded = encodeQuery(query);
    if (encoded) url.search = url.search ? `${url.search}&${encoded}` : `?${encoded}`;
    return url;
  }

  /** Sends a request with pacing, auth and retry; throws typed errors (see `errors.ts`). */
  async request<T = unknown>(req: TransportRequest): Promise<TransportResponse<T>> {
    const url = this.resolve(req.path, req.query);
    const useAuth = req.auth !== false;
    if (useAuth && url.origin !== this.api.origin) {
      throw new Error(`refusing to send the API token to ${url.origin} (API is ${this.api.origin})`);
    }
    let authorization: string | undefined;
    if (useAuth) {
      if (!this.authorizer) throw new Error('transport has no authorizer; call login() first');
      authorization = await this.authorizer.authorization();
    }
    const state: SendState = {
      req,
      url,
      group: req.group ?? (req.method === 'GET' ? 'read' : 'write'),
      authorization,
      sends: 0,
      attempt: undefined,
      startedAt: 0,
      release: undefined,
      answered: true,
      faultRetries: 0,
      renewedToken: false,
      retrying: false,
      sendIsRetry: false,
      raised: undefined,
    };
    let answered: TransportResponse;
    try {
      const response = await this.got(url, {
        method: req.method,
        ...(req.headers === undefined ? {} : { headers: req.headers }),
        ...(req.json === undefined ? {} : { json: req.json }),
        ...(req.form === undefined ? {} : { form: req.form }),
        // Kept as bytes and parsed in afterResponse: got's json decodes the body chunk by chunk into strings that
        // outlive the download, then joins them into one as large as the body.
        ...(req.parseBody === undefined ? {} : { responseType: 'buffer' as const }),
        context: { [STATE]: state },
      });
      // A refused wait ends the request on its 429, which got then hands back as the answer.
      if (state.raised !== undefined) throw state.raised;
      answered = this.answerOf(state, response);
    } catch (error) {
      if (state.raised !== undefined) throw state.raised;
      answered = this.unreadAnswer(state, error);
    } finally {
      state.release?.();
    }
    if (answered.status < 400) return answered as TransportResponse<T>;
    if (req.throwHttpErrors === false) return answered as TransportResponse<T>;
    throw this.toApiError(req.method, url, answered);
  }

  /** Per send: a pacer slot and start time, a fresh request id, the token, then the request's `beforeSend`. */
  private readonly beforeRequest: BeforeRequestHook = async (options) => {
    const state = stateOf(options);
    if (state === undefined) return;
    try {
      state.release = await this.pacer.acquire(state.group);
      state.sends += 1;
      const attempt: SendAttempt = { n: state.sends, requestId: randomUUID() };
      state.attempt = attempt;
      options.headers['x-vcap-request-id'] = attempt.requestId;
      if (state.authorization !== undefined) options.headers.authorization = state.authorization;
      // Inside the slot and right before the send: a rate gate or write-ahead entry here matches the real send.
      await state.req.hooks?.beforeSend(attempt);
      // From here on the send happens, so its answer, or the lack of one, is reported.
      state.answered = false;
      state.sendIsRetry = state.retrying;
      state.retrying = false;
      state.startedAt = this.settings.now();
      if (state.req.counter === 'uaa') this.uaaCount += 1;
      else this.apiCount += 1;
    } catch (error) {
      state.raised ??= error;
      throw error;
    }
  };

  /** Every answer with a readable body: report it, free the slot, and renew a rejected token once. */
  private readonly afterResponse: AfterResponseHook = async (response, retryWithMergedOptions) => {
    const state = stateOf(response.request.options);
    if (state === undefined) return response;
    if (state.req.parseBody !== undefined) parseOwnBody(response, state.req.parseBody);
    await this.endSend(state, response.statusCode, response.headers as Headers, undefined, ccCodeOf(response.body));
    this.logWarnings(response.headers as Headers);
    const { authorization } = state;
    if (
      response.statusCode === 401 &&
      authorization !== undefined &&
      !state.renewedToken &&
      ccCodeOf(response.body) === 1000
    ) {
      // An expired token gives 401 CF-InvalidAuthToken: renew, then send once more (cc-api.md §9). The new token is
      // fetched in beforeRetry, outside any pacer slot, since the token request is paced too.
      state.renewedToken = true;
      this.authorizer?.invalidate(authorization);
      this.log.debug({ method: state.req.method, path: redactedPath(state.url) }, 'token rejected, renewing');
      return retryWithMergedOptions({ preserveHooks: true });
    }
    return response;
  };

  /** Before a resend: the token, which the authorizer renews when it was rejected or is about to expire. */
  private readonly beforeRetry: BeforeRetryHook = async (error) => {
    const state = stateOf(error.options);
    if (state?.authorization === undefined || this.authorizer === undefined) return;
    try {
      state.authorization = await this.authorizer.authorization();
    } catch (authError) {
      state.raised ??= authError;
      throw authError;
    }
  };

  /** The final failure: its send is reported to the hooks if it has not been already. */
  private readonly beforeError: BeforeErrorHook = async (error) => {
    const state = stateOf(error.options);
    if (state !== undefined) await this.endFailedSend(state, error).catch(() => undefined);
    return error;
  };

  /**
   * got asks after every failed send whether to send again. The answer is `retry-policy.ts`'s: which faults, how many,
   * how long (Retry-After, X-RateLimit-Reset, else backoff with jitter). We wait here on the client's clock and hand got
   * its minimum delay.
   */
  private readonly calculateDelay = async ({ error }: RetryObject): Promise<number> => {
    const state = stateOf(error.options);
    if (state === undefined) return 0;
    try {
      await this.endFailedSend(state, error);
    } catch {
      return 0;
    }
    if (state.raised !== undefined) return 0;
    if (error.name === 'RetryError') return 1;
    const delay = this.retryDelay(state, error);
    if (delay === undefined) return 0;
    state.faultRetries += 1;
    state.retrying = true;
    this.settings.onRetryWait?.({
      method: state.req.method,
      path: redactedPath(state.url),
      cause: causeOf(error),
      delayMs: delay.delayMs,
      source: delay.source,
      retry: state.faultRetries,
      limit: state.req.retryLimit ?? this.settings.retry.limit,
    });
    await this.settings.sleep(delay.delayMs);
    return 1;
  };

  /** How long to wait before the next send after `error`, or `undefined` when there is none to be made. */
  private retryDelay(state: SendState, error: RequestError): RetryDelay | undefined {
    const { req, url } = state;
    const { retry } = this.settings;
    if (state.faultRetries >= (req.retryLimit ?? retry.limit)) return undefined;
    const base = {
      attempt: state.faultRetries,
      now: this.settings.now(),
      baseMs: retry.baseMs,
      capMs: retry.capMs,
      random: this.settings.random(),
    };
    const logged = { method: req.method, path: redactedPath(url), retry: state.faultRetries + 1 };
    const response = error.response;
    if (response === undefined) {
      if (!isRetryableNetworkError(error.code, req.method, req.idempotent)) return undefined;
      const delay = computeRetryDelay(base);
      this.log.info({ ...logged, code: error.code, retryInMs: delay.delayMs }, 'network error, retrying');
      return delay;
    }
    if (response.statusCode < 400) {
      if (!isRetryableUnreadableAnswer(req.method, req.idempotent)) return undefined;
      const delay = computeRetryDelay(base);
      // The reason, never the body: an unreadable token or /details answer may still hold a credential.
      this.log.info(
        { ...logged, status: response.statusCode, reason: unreadableReason(error), retryInMs: delay.delayMs },
        'unreadable answer, retrying',
      );
      return delay;
    }
    const headers = response.headers as Headers;
    const body = errorBody(response.body);
    const code = ccCodeOf(body);
    if (!isRetryableStatus(response.statusCode, code)) return undefined;
    const delay = computeRetryDelay({
      ...base,
      retryAfter: header(headers, 'retry-after'),
      // CC sends X-RateLimit-Reset on every response to a limited user (cc-api.md §8.1): it means "wait" only on a 429.
      rateLimitReset: response.statusCode === 429 ? header(headers, 'x-ratelimit-reset') : undefined,
    });
    if (delay.source !== 'backoff' && delay.delayMs > retry.maxWaitMs) {
      const answered = { status: response.statusCode, headers, body, requestId: this.requestIdOf(state, headers) };
      state.raised = new RateLimitWaitError({
        ...this.errorInit(req.method, url, answered),
        statusText: statusText(response.statusCode),
        waitMs: delay.delayMs,
        resetAt: new Date(base.now + delay.delayMs),
      });
      return undefined;
    }
    this.log.info({ ...logged, status: response.statusCode, code, retryInMs: delay.delayMs }, 'retrying');
    return delay;
  }

  /** Reports a failed send (an answer whose body could not be read, or none) to the hooks, once. */
  private async endFailedSend(state: SendState, error: RequestError): Promise<void> {
    if (state.answered) return;
    const cut = error.response;
    const logged = { method: state.req.method, path: redactedPath(state.url), requestId: state.attempt?.requestId };
    const durationMs = this.settings.now() - state.startedAt;
    if (cut !== undefined) {
      // The status line arrived and the body did not, or was not JSON: CC answered, so this is an answer.
      this.log.debug(
        { ...logged, status: cut.statusCode, reason: unreadableReason(error), durationMs },
        'answer unreadable',
      );
      await this.endSend(state, cut.statusCode, cut.headers as Headers);
      return;
    }
    this.log.debug({ ...logged, code: error.code, durationMs }, 'request failed');
    await this.endSend(state, undefined, undefined, error.code ?? shortMessage(error.message));
  }

  /** Frees the send's slot and reports its answer (a status) or its absence (a network error) to `afterAnswer`. */
  private async endSend(
    state: SendState,
    status: number | undefined,
    headers: Headers | undefined,
    networkError?: string,
    ccCode?: number,
  ): Promise<void> {
    state.release?.();
    state.release = undefined;
    if (state.answered || state.attempt === undefined) return;
    state.answered = true;
    // Every request passes here: its redacted path (URL parsing, of up to ~8 KB of guids) only when it is logged.
    if (status !== undefined && networkError === undefined && this.log.isLevelEnabled('debug')) {
      this.log.debug(
        {
          method: state.req.method,
          path: redactedPath(state.url),
          requestId: state.attempt.requestId,
          status,
          durationMs: this.settings.now() - state.startedAt,
        },
        'request',
      );
    }
    this.observe(state, networkError === undefined ? (status ?? null) : null);
    const answer: SendAnswer =
      status === undefined
        ? { networkError: networkError ?? 'no answer' }
        : {
            status,
            requestId: headers === undefined ? null : (header(headers, 'x-vcap-request-id') ?? null),
            ...(ccCode !== undefined && { ccCode }),
          };
    try {
      await state.req.hooks?.afterAnswer(state.attempt, answer);
    } catch (error) {
      state.raised ??= error;
      throw error;
    }
  }

  /** Tells the metrics observer about a send; an observer that throws must not fail the request. */
  private observe(state: SendState, status: number | null): void {
    const onSend = this.settings.onSend;
    if (onSend === undefined) return;
    try {
      onSend({
        family: endpointFamily(state.url, this.api.pathname),
        method: state.req.method,
        status,
        retry: state.sendIsRetry,
      });
    } catch (error) {
      this.log.debug({ err: { message: (error as Error).message } }, 'send observer failed');
    }
  }

  /**
   * What a request that got gave up on amounts to: an error status whose body was cut short is still that status;
   * anything else is thrown as a typed error (no answer, or a 2xx that could not be read).
   */
  private unreadAnswer(state: SendState, error: unknown): TransportResponse {
    if (!(error instanceof RequestError)) throw error;
    const { req, url } = state;
    const cut = error.response;
    if (cut === undefined) {
      throw new NetworkError({
        method: req.method,
        url: redactUrl(url),
        code: error.code,
        detail: error.message,
        requestId: state.attempt?.requestId,
      });
    }
    const headers = cut.headers as Headers;
    const requestId = this.requestIdOf(state, headers);
    // An error status keeps its meaning without its body.
    if (cut.statusCode >= 400) return { status: cut.statusCode, headers, body: undefined, requestId };
    throw new MalformedResponseError({
      method: req.method,
      url: redactUrl(url),
      status: cut.statusCode,
      reason: unreadableReason(error),
      // Kept hidden on the error: a /details or token answer may hold a credential.
      ...(error instanceof ParseError && typeof cut.body === 'string' ? { body: cut.body } : {}),
      requestId,
    });
  }

  private answerOf(state: SendState, response: Response<unknown>): TransportResponse {
    const headers = response.headers as Headers;
    const body = response.statusCode >= 400 ? errorBody(response.body) : response.body;
    return { status: response.statusCode, headers, body, requestId: this.requestIdOf(state, headers) };
  }

  /** The answer's `X-Vcap-Request-Id` (CC answers `<sent>::<uuid>`, cc-api.md §13), else the one we sent. */
  private requestIdOf(state: SendState, headers: Headers): string {
    return header(headers, 'x-vcap-request-id') ?? state.attempt?.requestId ?? '';
  }

  private errorInit(method: string, url: URL, response: TransportResponse) {
    return {
      status: response.status,
      method,
      url: redactUrl(url),
      errors: errorItems(response.body),
      requestId: response.requestId,
      response: { status: response.status, headers: pickHeaders(response.headers), body: response.body },
    };
  }

  private toApiError(method: string, url: URL, response: TransportResponse): CfApiError {
    return new CfApiError({ ...this.errorInit(method, url, response), statusText: statusText(response.status) });
  }

  private logWarnings(headers: Headers): void {
    const raw = headers['x-cf-warnings'];
    if (raw === undefined) return;
    // Warnings are URL-escaped and may repeat (cc-api.md §9).
    for (const part of (Array.isArray(raw) ? raw : [raw]).flatMap((h) => h.split(','))) {
      let text = part;
      try {
        text = decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        // keep the raw text
      }
      this.log.warn({ ccWarning: text.trim() }, 'Cloud Controller warning');
    }
  }
}

/**
 * Parses a body got kept as bytes (a request with its own `parseBody`) as got parses a json body: an empty body is ''
 * and a blank one `undefined`; a 2xx that does not parse throws got's ParseError (so it is retried and reported as got's
 * own would be), and an error status that does not parse keeps its text.
 */
function parseOwnBody(response: Response<unknown>, parse: (body: Uint8Array) => unknown): void {
  const raw = response.rawBody;
  if (raw === undefined || raw.length === 0) {
    response.body = '';
    return;
  }
  try {
    response.body = raw.every((byte) => JSON_SPACE.has(byte)) ? undefined : parse(raw);
  } catch (error) {
    response.body = new TextDecoder().decode(raw);
    if (response.statusCode < 400) throw new ParseError(error as Error, response);
  }
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** An error body that is not JSON (got keeps it as text) is no body: its status keeps its meaning. */
function errorBody(body: unknown): unknown {
  return typeof body === 'string' ? undefined : body;
}

/** Why a 2xx body could not be used, without quoting it. */
function unreadableReason(error: RequestError): string {
  return error instanceof ParseError ? 'not JSON' : `body cut short (${error.code ?? 'read error'})`;
}

/** What made a send fail, in a few words for a person: a status, a connection code, or an unreadable answer. */
function causeOf(error: RequestError): string {
  const status = error.response?.statusCode;
  if (status === undefined) return error.code ?? 'no answer';
  if (status < 400) return `unreadable answer (${unreadableReason(error)})`;
  return `${status} ${statusText(status)}`;
}
