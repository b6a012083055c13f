/**
 * Typed errors for everything the client can fail with. Code branches on `instanceof` or on the CC `code`, never on
 * message text (style.md trait 4). No error ever holds a token, password or client secret: request and response
 * snapshots are non-enumerable and carry no Authorization header (trait 15).
 */

/** One item of the CC v3 error envelope `{"errors":[{detail,title,code}]}` (cc-api.md §9). */
export interface CfErrorItem {
  detail?: string;
  title?: string;
  code?: number;
}

/** What we keep of a request for debugging: never headers, so never a token. */
export interface ErrorRequestSnapshot {
  method: string;
  url: string;
}

/** What we keep of a response: status, a few headers and the parsed error body. */
export interface ErrorResponseSnapshot {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function defineHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
}

function pathOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

/** Constructor input of {@link CfApiError}. `url` must already be redacted (see `redactUrl`). */
export interface CfApiErrorInit {
  status: number;
  method: string;
  url: string;
  errors?: CfErrorItem[];
  requestId?: string | undefined;
  statusText?: string | undefined;
  response?: ErrorResponseSnapshot;
  cause?: unknown;
}

/**
 * An HTTP error answered by the Cloud Controller. `code`, `title` and `detail` come from the first item of the CC
 * error envelope; all items are in `errors` (compound errors have several, cc-api.md §9).
 */
export class CfApiError extends Error {
  override name = 'CfApiError';
  readonly status: number;
  readonly code: number | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly errors: CfErrorItem[];
  readonly method: string;
  /** The request URL with userinfo and secret query values removed. */
  readonly url: string;
  /**
   * The answer's `X-Vcap-Request-Id` (CC answers `<sent>::<uuid>`, cc-api.md §13), else the id we sent, so CC's logs
   * can still be searched for it.
   */
  readonly requestId: string | undefined;
  declare readonly request: ErrorRequestSnapshot;
  declare readonly response: ErrorResponseSnapshot | undefined;

  constructor(init: CfApiErrorInit) {
    const first = init.errors?.[0];
    const what = first?.title
      ? `${first.title}${first.code === undefined ? '' : ` (${first.code})`}${first.detail ? `: ${oneLine(first.detail)}` : ''}`
      : (init.statusText ?? 'HTTP error');
    super(
      `${init.method} ${pathOf(init.url)} → ${init.status} ${what}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.status = init.status;
    this.code = first?.code;
    this.title = first?.title;
    this.detail = first?.detail;
    this.errors = init.errors ?? [];
    this.method = init.method;
    this.url = init.url;
    this.requestId = init.requestId;
    defineHidden(this, 'request', { method: init.method, url: init.url });
    defineHidden(this, 'response', init.response);
  }
}

/** Thrown when CC asks us to wait longer than `retry.maxWaitMs`: the caller (a job) should pause its whole queue. */
export class RateLimitWaitError extends CfApiError {
  override name = 'RateLimitWaitError';
  /** How long CC asked us to wait. */
  readonly waitMs: number;
  /** When the wait ends. */
  readonly resetAt: Date;

  constructor(init: CfApiErrorInit & { waitMs: number; resetAt: Date }) {
    super(init);
    this.waitMs = init.waitMs;
    this.resetAt = init.resetAt;
    this.message = `${this.message} (asked to wait ${Math.ceil(init.waitMs / 1000)} s, until ${init.resetAt.toISOString()})`;
  }
}

/** A failed UAA token request (OAuth error shape `{"error","error_description"}`, cc-api.md §10). */
export class UaaError extends Error {
  override name = 'UaaError';
  readonly status: number | undefined;
  /** The OAuth `error` value, e.g. `unauthorized`, `invalid_grant`, `invalid_token`. */
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  readonly url: string;

  constructor(init: {
    message: string;
    status?: number;
    error?: string;
    errorDescription?: string;
    url: string;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.error = init.error;
    this.errorDescription = init.errorDescription;
    this.url = init.url;
  }
}

/**
 * A response whose body is not the JSON we expect, or was cut short. `status` is what CC answered: for a write, the
 * write was applied. The body itself is kept non-enumerable (it may hold credentials).
 */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly reason: string;
  /** The answer's `X-Vcap-Request-Id`, else the one we sent; `undefined` for a body checked after the transport. */
  readonly requestId: string | undefined;
  declare readonly body: string | undefined;

  constructor(init: {
    method: string;
    url: string;
    status: number;
    reason: string;
    body?: string;
    requestId?: string | undefined;
  }) {
    super(`${init.method} ${pathOf(init.url)} → ${init.status} malformed response: ${init.reason}`);
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.reason = init.reason;
    this.requestId = init.requestId;
    defineHidden(this, 'body', init.body);
  }
}

/** A connection-level failure (refused, reset, timed out, DNS): no answer arrived. `code` is the Node/got error code. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  readonly code: string | undefined;
  readonly method: string;
  readonly url: string;
  /** The `X-Vcap-Request-Id` we sent: CC may have received the request and logged it under this id. */
  readonly requestId: string | undefined;

  constructor(init: {
    method: string;
    url: string;
    code: string | undefined;
    detail: string;
    requestId?: string | undefined;
  }) {
    // The cause is rebuilt from the message only: got's own error holds the request options, Authorization included.
    super(networkMessage(init), { cause: Object.assign(new Error(init.detail), { code: init.code }) });
    this.code = init.code;
    this.method = init.method;
    this.url = init.url;
    this.requestId = init.requestId;
  }
}

/** The API URL answers, but not as a Cloud Controller (`GET /` is not CC's root document). */
export class NotCloudControllerError extends Error {
  override name = 'NotCloudControllerError';
  readonly origin: string;
  constructor(origin: string, answered: string) {
    super(`${origin} is not a Cloud Controller API: ${answered} (check the API URL)`);
    this.origin = origin;
  }
}

/** A paginated walk stopped by its `requestLimit` guard, or CC sent a `next` link we already followed. */
export class PaginationError extends Error {
  override name = 'PaginationError';
}

/** `single()` found zero or several resources. */
export class SingleResultError extends Error {
  override name = 'SingleResultError';
  readonly count: number;
  constructor(path: string, count: number) {
    super(`expected exactly one resource from ${path}, got ${count === 2 ? 'more than one' : count}`);
    this.count = count;
  }
}

/** A job ended FAILED; code/title/detail are the job's first error (cc-api.md §3.3). */
export class JobFailedError extends CfApiError {
  override name = 'JobFailedError';
  readonly jobGuid: string;
  readonly operation: string;

  constructor(init: { jobGuid: string; operation: string; errors: CfErrorItem[]; url: string }) {
    super({ status: 200, method: 'GET', url: init.url, errors: init.errors, statusText: 'job FAILED' });
    this.jobGuid = init.jobGuid;
    this.operation = init.operation;
    const first = init.errors[0];
    this.message = `job ${init.jobGuid} (${init.operation}) FAILED${first ? `: ${first.title ?? ''} (${first.code ?? '?'}): ${oneLine(first.detail ?? '')}` : ''}`;
  }
}

/** Polling a job exceeded its timeout; the job may still finish on CC. */
export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
  readonly jobGuid: string;
  readonly lastState: string;
  constructor(jobGuid: string, lastState: string, timeoutMs: number) {
    super(`job ${jobGuid} still ${lastState} after ${Math.round(timeoutMs / 1000)} s`);
    this.jobGuid = jobGuid;
    this.lastState = lastState;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Connection failures a person can act on, said in their words; anything else keeps Node's first line. */
const NETWORK_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (nothing listens there; check the API URL)',
  ENOTFOUND: 'host not found (check the API URL)',
  EAI_AGAIN: 'host name lookup failed for now (DNS)',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'no answer in time',
  ECONNRESET: 'the server closed the connection without an HTTP answer (is this a Cloud Controller API?)',
  EPROTO: 'TLS handshake failed (does the server speak TLS on this port? try http://)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on this port (try http://)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed (--skip-ssl-validation trusts it)',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed (--skip-ssl-validation trusts it)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified (--skip-ssl-validation trusts it)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate issuer is unknown here (--skip-ssl-validation trusts it)',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** Codes meaning the API is not there at all, as opposed to a request that failed on the way. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function networkMessage(init: { method: string; url: string; code: string | undefined; detail: string }): string {
  const code = init.code ?? '';
  // OpenSSL's text ("...:ssl3_get_record:wrong version number:../deps/openssl/...") is not for people.
  const wrongTls = code === 'EPROTO' && /wrong version number/i.test(init.detail);
  const cause = wrongTls ? NETWORK_CAUSES.ERR_SSL_WRONG_VERSION_NUMBER : NETWORK_CAUSES[code];
  const lead = UNREACHABLE_CODES.has(code)
    ? `cannot reach ${originOf(init.url)}`
    : `${init.method} ${pathOf(init.url)} on ${originOf(init.url)} failed`;
  if (cause === undefined) return `${lead}: ${init.detail.split('\n')[0] ?? init.detail}`;
  return `${lead}: ${cause} [${code}]`;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The resource is gone or unreadable: 404, or CC codes 10010 (ResourceNotFound) / 60004 (ServiceInstanceNotFound). */
export function isNotFound(error: unknown): error is CfApiError {
  return (
    error instanceof CfApiError &&
    !(error instanceof JobFailedError) &&
    (error.status === 404 || error.code === 10010 || error.code === 60004)
  );
}

/** CC rate-limited us (429, cc-api.md §8), including a wait too long to sit out ({@link RateLimitWaitError}). */
export function isRateLimited(error: unknown): error is CfApiError {
  return error instanceof CfApiError && error.status === 429;
}

/** 502 CF-ServiceInstanceUnshareFailed (390001): some bindings in the target space could not be deleted (cc-api.md §1.2). */
export function isUnshareFailed(error: unknown): error is CfApiError {
  return error instanceof CfApiError && error.code === 390001;
}

/** 401 CF-InvalidAuthToken (1000): expired or rejected token (cc-api.md §9). */
export function isInvalidToken(error: unknown): error is CfApiError {
  return error instanceof CfApiError && error.status === 401 && error.code === 1000;
}

/** 403 CF-FeatureDisabled (330002), e.g. `service_instance_sharing` off (cc-api.md §1.1). */
export function isFeatureDisabled(error: unknown): error is CfApiError {
  return error instanceof CfApiError && error.code === 330002;
}
