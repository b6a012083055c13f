/** The Cloud Controller v3 + UAA client: the package edge (barrel). */
export { CfClient, createCfClient } from './cf-client.js';
export {
  CLIENT_DEFAULTS,
  ClientOptionsError,
  normaliseClientOptions,
  type CfClientOptions,
  type ClientCredentialsAuth,
  type NormalisedClientOptions,
  type PacingOptions,
  type PasswordAuth,
  type RetryOptions,
} from './client-options.js';
export {
  CfApiError,
  JobFailedError,
  JobTimeoutError,
  MalformedResponseError,
  NotCloudControllerError,
  NetworkError,
  PaginationError,
  RateLimitWaitError,
  SingleResultError,
  UaaError,
  isFeatureDisabled,
  isInvalidToken,
  isNotFound,
  isRateLimited,
  isUnshareFailed,
  type CfErrorItem,
} from './errors.js';
export type { FieldSelection } from './parse-page.js';
export { identityKind, type Identity, type IdentityKind } from './auth.js';
export {
  paginate,
  batchedList,
  batchedPages,
  type Page,
  type Paginator,
  type Selected,
  type Included,
  type Pagination,
} from './paginate.js';
export {
  computeRetryDelay,
  isRetryableStatus,
  isRetryableNetworkError,
  isRetryableUnreadableAnswer,
  RETRYABLE_STATUSES,
  NEVER_RETRY_STATUSES,
  NEVER_RETRY_CODES,
  type RetryWait,
} from './retry-policy.js';
export type {
  SendAnswer,
  SendObservation,
  SendAttempt,
  Transport,
  TransportRequest,
  TransportResponse,
  WriteHooks,
  WriteOptions,
  WriteResult,
} from './transport.js';
export type { Query, QueryValue } from './encode-query.js';
export type * from './resources/audit-events.js';
export type * from './resources/feature-flags.js';
export type * from './resources/jobs.js';
export type * from './resources/organizations.js';
export type * from './resources/root.js';
export type * from './resources/security-groups.js';
export type * from './resources/service-credential-bindings.js';
export type * from './resources/service-instances.js';
export type * from './resources/service-offerings.js';
export type * from './resources/service-plans.js';
export type * from './resources/spaces.js';
export type * from './resources/wire-common.js';
export { isTerminal, POLL_DEFAULTS } from './resources/jobs.js';
export { endpointFamily } from './endpoint-family.js';
