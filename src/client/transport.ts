import { randomUUID } from 'node:crypto';
import { RequestError, type Got } from 'got';
import { silentLogger, type Logger } from '../log.js';
import { createGot } from './create-got.js';
import { encodeQuery, type Query } from './encode-query.js';
import { CfApiError, MalformedResponseError, NetworkError, RateLimitWaitError, type CfErrorItem } from './errors.js';
import { createPacer, type Pacer, type RequestGroup } from './pacing.js';
import { redactUrl, redactedPath as fullRedactedPath } from './redact-url.js';
import {
  computeRetryDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  isRetryableUnreadableAnswer,
} from './retry-policy.js';

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Response headers as Node gives them. */
export type Headers = Record<string, string | string[] | undefined>;

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
}

/** A parsed response. `body` is `undefined` for an empty body (204, 202). */
export interface TransportResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The answer's `X-Vcap-Request-Id`, else the one we sent. */
  requestId: string;
}

/** How one send ended; hook errors are thrown instead, so they are never mistaken for a retryable fault. */
type SendOutcome =
  | { kind: 'response'; response: TransportResponse }
  | { kind: 'no-answer'; error: NetworkError }
  | { kind: 'unreadable'; error: MalformedResponseError };

/** Settings of a {@link Transport}; all already normalised (see `client-options.ts`). */
export interface TransportSettings {
  api: URL;
  version: string;
  skipSslValidation: boolean;
  timeoutMs: number;
  retry: { limit: number; baseMs: number; capMs: number; maxWaitMs: number };
  pacing: { readsPerSecond: number; writesPerSecond: number; maxInFlight: number; maxWritesInFlight: number };
  log?: Logger | undefined;
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

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Maps the v3 envelope, or the v2 one `{description,error_code,code}` (cc-api.md §9), to error items. */
function errorItems(body: unknown): CfErrorItem[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    return record.errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({
        detail: typeof e.detail === 'string' ? e.detail : undefined,
        title: typeof e.title === 'string' ? e.title : undefined,
        code: typeof e.code === 'number' ? e.code : undefined,
      }));
  }
  if (typeof record.error_code === 'string') {
    return [
      {
        detail: typeof record.description === 'string' ? record.description : undefined,
        title: record.error_code,
        code: typeof record.code === 'number' ? record.code : undefined,
      },
    ];
  }
  return undefined;
}

/**
 * The layered transport: pacing → auth (one renewal on 401 CF-InvalidAuthToken) → retry (429/5xx/network/unreadable
 * reads, honouring Retry-After) around one got instance (style.md trait 3); a request's write hooks run inside the
 * pacer slot, around each send.
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
    this.got = createGot(settings);
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
    const group = req.group ?? (req.method === 'GET' ? 'read' : 'write');
    const { retry } = this.settings;
    let retries = 0;
    let sends = 0;
    let renewedToken = false;

    for (;;) {
      let authorization: string | undefined;
      if (useAuth) {
        if (!this.authorizer) throw new Error('transport has no authorizer; call login() first');
        authorization = await this.authorizer.authorization();
      }
      sends += 1;
      const n = sends;
      const outcome = await this.pacer.run(group, () => this.send(req, url, authorization, n));
      if (outcome.kind !== 'response') {
        const lost = outcome.kind === 'no-answer';
        const retryable = lost
          ? isRetryableNetworkError(outcome.error.code, req.method, req.idempotent)
          : isRetryableUnreadableAnswer(req.method, req.idempotent);
        if (!retryable || retries >= retry.limit) throw outcome.error;
        const { delayMs } = computeRetryDelay({
          attempt: retries,
          now: this.settings.now(),
          baseMs: retry.baseMs,
          capMs: retry.capMs,
          random: this.settings.random(),
        });
        // The reason, never the body: an unreadable token or /details answer may still hold a credential.
        const fault = lost
          ? { code: outcome.error.code }
          : { status: outcome.error.status, reason: outcome.error.reason };
        this.log.info(
          { method: req.method, path: redactedPath(url), ...fault, retryInMs: delayMs, retry: retries + 1 },
          lost ? 'network error, retrying' : 'unreadable answer, retrying',
        );
        retries += 1;
        await this.settings.sleep(delayMs);
        continue;
      }
      const { response } = outcome;
      if (response.status < 400) return response as TransportResponse<T>;

      const apiError = this.toApiError(req.method, url, response);
      if (response.status === 401 && apiError.code === 1000 && authorization !== undefined && !renewedToken) {
        // An expired token gives 401 CF-InvalidAuthToken: renew, then retry exactly once (cc-api.md §9).
        renewedToken = true;
        this.authorizer?.invalidate(authorization);
        this.log.debug({ method: req.method, path: redactedPath(url) }, 'token rejected, renewing');
        continue;
      }
      if (retries < retry.limit && isRetryableStatus(response.status, apiError.code)) {
        const now = this.settings.now();
        const delay = computeRetryDelay({
          attempt: retries,
          retryAfter: header(response.headers, 'retry-after'),
          // CC sends X-RateLimit-Reset on every response to a limited user (cc-api.md §8.1): it means "wait" only on a 429.
          rateLimitReset: response.status === 429 ? header(response.headers, 'x-ratelimit-reset') : undefined,
          now,
          baseMs: retry.baseMs,
          capMs: retry.capMs,
          random: this.settings.random(),
        });
        if (delay.source !== 'backoff' && delay.delayMs > retry.maxWaitMs) {
          throw new RateLimitWaitError({
            ...this.errorInit(req.method, url, response),
            statusText: statusText(response.status),
            waitMs: delay.delayMs,
            resetAt: new Date(now + delay.delayMs),
          });
        }
        this.log.info(
          {
            method: req.method,
            path: redactedPath(url),
            status: response.status,
            code: apiError.code,
            retryInMs: delay.delayMs,
            retry: retries + 1,
          },
          'retrying',
        );
        retries += 1;
        await this.settings.sleep(delay.delayMs);
        continue;
      }
      if (req.throwHttpErrors === false) return response as TransportResponse<T>;
      throw apiError;
    }
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

  private async send(
    req: TransportRequest,
    url: URL,
    authorization: string | undefined,
    n: number,
  ): Promise<SendOutcome> {
    const attempt: SendAttempt = { n, requestId: randomUUID() };
    // Inside the pacer slot and right before got: a rate gate or write-ahead entry here matches the real send.
    await req.hooks?.beforeSend(attempt);
    const started = this.settings.now();
    if (req.counter === 'uaa') this.uaaCount += 1;
    else this.apiCount += 1;
    const logged = { method: req.method, path: redactedPath(url), requestId: attempt.requestId };
    let raw;
    try {
      raw = await this.got(url, {
        method: req.method,
        headers: {
          ...req.headers,
          'x-vcap-request-id': attempt.requestId,
          ...(authorization === undefined ? {} : { authorization }),
        },
        ...(req.json === undefined ? {} : { json: req.json }),
        ...(req.form === undefined ? {} : { form: req.form }),
      });
    } catch (error) {
      const code = error instanceof RequestError ? error.code : undefined;
      const detail = error instanceof Error ? error.message : String(error);
      const cut = error instanceof RequestError ? error.response : undefined;
      if (cut !== undefined) {
        // The status line arrived and the body did not (got 14: ReadError ECONNRESET "The server aborted pending
        // request", Z_BUF_ERROR for a cut gzip body): CC answered, so this is an answer, not a lost request.
        const headers = cut.headers as Headers;
        const answeredId = header(headers, 'x-vcap-request-id');
        this.log.debug(
          { ...logged, status: cut.statusCode, code, durationMs: this.settings.now() - started },
          'answer cut short',
        );
        await req.hooks?.afterAnswer(attempt, { status: cut.statusCode, requestId: answeredId ?? null });
        const requestId = answeredId ?? attempt.requestId;
        // An error status keeps its meaning without the body, as a non-JSON error body does below.
        if (cut.statusCode >= 400)
          return { kind: 'response', response: { status: cut.statusCode, headers, body: undefined, requestId } };
        return {
          kind: 'unreadable',
          error: new MalformedResponseError({
            method: req.method,
            url: redactUrl(url),
            status: cut.statusCode,
            reason: `body cut short (${code ?? 'read error'})`,
            requestId,
          }),
        };
      }
      this.log.debug({ ...logged, code, durationMs: this.settings.now() - started }, 'request failed');
      await req.hooks?.afterAnswer(attempt, { networkError: code ?? shortMessage(detail) });
      return {
        kind: 'no-answer',
        error: new NetworkError({
          method: req.method,
          url: redactUrl(url),
          code,
          detail,
          requestId: attempt.requestId,
        }),
      };
    }
    const headers = raw.headers as Headers;
    const answeredId = header(headers, 'x-vcap-request-id');
    const requestId = answeredId ?? attempt.requestId;
    this.log.debug({ ...logged, status: raw.statusCode, durationMs: this.settings.now() - started }, 'request');
    this.logWarnings(headers);
    await req.hooks?.afterAnswer(attempt, { status: raw.statusCode, requestId: answeredId ?? null });
    const text = raw.body;
    let body: unknown;
    if (text.trim() !== '') {
      try {
        // Parsed regardless of Content-Type: CC labels 429 bodies text/plain but sends JSON (cc-api.md §8.1).
        body = JSON.parse(text);
      } catch {
        if (raw.statusCode < 400) {
          // Not the parser's message: it quotes the start of the body, which may be a credential (/details, UAA).
          return {
            kind: 'unreadable',
            error: new MalformedResponseError({
              method: req.method,
              url: redactUrl(url),
              status: raw.statusCode,
              reason: 'not JSON',
              body: text,
              requestId,
            }),
          };
        }
        body = undefined;
      }
    }
    return { kind: 'response', response: { status: raw.statusCode, headers, body, requestId } };
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

const KEPT_HEADERS = [
  'content-type',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-vcap-request-id',
  'location',
];

function pickHeaders(headers: Headers): Headers {
  const kept: Headers = {};
  for (const name of KEPT_HEADERS) if (headers[name] !== undefined) kept[name] = headers[name];
  return kept;
}

/** A got message without a code is one line about the connection; cap it so a log line stays a line. */
function shortMessage(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return texts[status] ?? 'HTTP error';
}
