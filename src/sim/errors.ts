/**
 * Cloud Controller v3 errors as the simulator raises them. The envelope and the codes follow cc-api.md §9
 * (`CC:errors/v2.yml`, `V3ErrorHasher` emits keys in the order detail, title, code).
 */
export class CcError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly code: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'CcError';
  }

  /** The v3 error envelope. */
  toBody(): { errors: Array<{ detail: string; title: string; code: number }> } {
    return { errors: [{ detail: this.detail, title: this.title, code: this.code }] };
  }
}

/** 404 CF-NotFound for a route the Cloud Controller does not have. */
export const unknownRoute = (): CcError => new CcError(404, 'CF-NotFound', 10000, 'Unknown request');
/** 401 CF-NotAuthenticated: no token at all. */
export const notAuthenticated = (): CcError => new CcError(401, 'CF-NotAuthenticated', 10002, 'Authentication error');
/** 401 CF-InvalidAuthToken: bad signature, malformed or expired (cc-api.md §9 "Token expiry"). */
export const invalidAuthToken = (): CcError => new CcError(401, 'CF-InvalidAuthToken', 1000, 'Invalid Auth Token');
/** 403 CF-NotAuthorized. */
export const notAuthorized = (): CcError =>
  new CcError(403, 'CF-NotAuthorized', 10003, 'You are not authorized to perform the requested action');
/** 400 CF-BadQueryParameter with the `The query parameter is invalid: %s` template. */
export const badQuery = (message: string): CcError =>
  new CcError(400, 'CF-BadQueryParameter', 10005, `The query parameter is invalid: ${message}`);
/** 422 CF-UnprocessableEntity. */
export const unprocessable = (message: string): CcError => new CcError(422, 'CF-UnprocessableEntity', 10008, message);
/** 404 CF-ResourceNotFound, e.g. `Service instance not found`. */
export const resourceNotFound = (what: string): CcError =>
  new CcError(404, 'CF-ResourceNotFound', 10010, `${what} not found`);
/** 400 CF-MessageParseError for a body that is not JSON. */
export const parseError = (): CcError =>
  new CcError(400, 'CF-MessageParseError', 1001, 'Request invalid due to parse error: invalid request body');
/** 403 CF-FeatureDisabled (cc-api.md §1.1 check 1). */
export const featureDisabled = (text: string): CcError =>
  new CcError(403, 'CF-FeatureDisabled', 330002, `Feature Disabled: ${text}`);
/** 502 CF-ServiceInstanceUnshareFailed (cc-api.md §1.2), message template `Unshare of service instance failed: \n\n%s`. */
export const unshareFailed = (inner: string): CcError =>
  new CcError(502, 'CF-ServiceInstanceUnshareFailed', 390001, `Unshare of service instance failed: \n\n${inner}`);
/** 503 CF-ServiceUnavailable, the way v3 reports a database disconnect. */
export const serviceUnavailable = (): CcError =>
  new CcError(503, 'CF-ServiceUnavailable', 10015, 'Database connection failure');
/** 500 UnknownError. */
export const unknownError = (): CcError => new CcError(500, 'UnknownError', 10001, 'An unknown error occurred.');
/** 429 CF-RateLimitExceeded (cc-api.md §8.1). */
export const rateLimitExceeded = (): CcError => new CcError(429, 'CF-RateLimitExceeded', 10013, 'Rate Limit Exceeded');
/** 422 CF-ResourceBeingDeleted (`CC:errors/v2.yml` 10020, `The %s is being deleted`). */
export const resourceBeingDeleted = (what: 'space' | 'organization'): CcError =>
  new CcError(422, 'CF-ResourceBeingDeleted', 10020, `The ${what} is being deleted`);
/** 409 CF-AsyncServiceInstanceOperationInProgress (`CC:errors/v2.yml` 60016), raised by `LockCheck`. */
export const instanceOperationInProgress = (name: string): CcError =>
  new CcError(
    409,
    'CF-AsyncServiceInstanceOperationInProgress',
    60016,
    `An operation for service instance ${name} is in progress.`,
  );
/** 400 CF-ServiceFetchInstanceParametersNotSupported (`CC:errors/v2.yml` 120004). */
export const fetchParametersNotSupported = (): CcError =>
  new CcError(
    400,
    'CF-ServiceFetchInstanceParametersNotSupported',
    120004,
    'This service does not support fetching service instance parameters.',
  );
