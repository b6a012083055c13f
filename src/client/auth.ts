import { silentLogger, type Logger } from '../log.js';
import type { ClientCredentialsAuth, PasswordAuth } from './client-options.js';
import { decodeJwtClaims, type JwtClaims } from './decode-jwt.js';
import { UaaError } from './errors.js';
import type { Authorizer, Transport } from './transport.js';
import { requestToken, type Grant, type TokenResponse } from './uaa.js';

/** How CC treats the identity: admins are exempt from the rate limiter, others are not (cc-api.md §8.1). */
export type IdentityKind = 'admin' | 'admin_read_only' | 'global_auditor' | 'user';

/** Who the client is logged in as. Holds no token. */
export interface Identity {
  kind: IdentityKind;
  scopes: readonly string[];
  /** Set for the password grant. */
  userName: string | undefined;
  /** The OAuth client: `cf` for the password grant. */
  clientId: string | undefined;
  /** UAA user id, or the client id for client_credentials (CC uses it as the user guid, cc-api.md §10). */
  userId: string | undefined;
}

/** Maps token scopes to the identity kind (cc-api.md §10 scopes). */
export function identityKind(scopes: readonly string[]): IdentityKind {
  if (scopes.includes('cloud_controller.admin')) return 'admin';
  if (scopes.includes('cloud_controller.admin_read_only')) return 'admin_read_only';
  if (scopes.includes('cloud_controller.global_auditor')) return 'global_auditor';
  return 'user';
}

/** Scopes from the JWT `scope` claim (a list in UAA tokens), else the response's space-delimited `scope`. */
function scopesOf(claims: JwtClaims | undefined, response: TokenResponse): string[] {
  const claim = claims?.scope;
  if (Array.isArray(claim)) return claim.filter((s): s is string => typeof s === 'string');
  return (typeof claim === 'string' ? claim : (response.scope ?? '')).split(/\s+/).filter(Boolean);
}

interface TokenState {
  header: string;
  refreshToken: string | undefined;
  /** When to renew: `skewMs` before expiry, or half-way for tokens shorter than twice the skew. */
  renewAt: number;
}

/** Input of {@link TokenManager}. */
export interface TokenManagerOptions {
  transport: Transport;
  /** The login (authorization) endpoint from `GET /`. */
  tokenEndpoint: string;
  auth: PasswordAuth | ClientCredentialsAuth;
  skewMs: number;
  now: () => number;
  log?: Logger | undefined;
}

/**
 * Fetches, caches and renews the UAA token. Concurrent callers share one in-flight fetch; a token is renewed
 * `skewMs` before it expires, with the refresh_token grant when there is a refresh token, else the original grant.
 */
export class TokenManager implements Authorizer {
  // ES private fields: util.inspect and JSON.stringify never show them, and they hold the token and the password.
  #state: TokenState | undefined;
  #pending: Promise<TokenState> | undefined;
  readonly #options: TokenManagerOptions;
  private currentIdentity: Identity | undefined;
  private warnedAboutLimiter = false;
  private readonly log: Logger;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    this.log = options.log ?? silentLogger;
  }

  /** The identity of the last token; `undefined` before the first fetch. */
  get identity(): Identity | undefined {
    return this.currentIdentity;
  }

  /** @inheritDoc */
  async authorization(): Promise<string> {
    const state = this.#state;
    if (state && this.#options.now() < state.renewAt) return state.header;
    return (await this.renew()).header;
  }

  /** @inheritDoc */
  invalidate(authorization: string): void {
    // Only the token that was rejected: a concurrent request may already have renewed it.
    if (this.#state?.header === authorization) this.#state = { ...this.#state, renewAt: 0 };
  }

  private renew(): Promise<TokenState> {
    this.#pending ??= this.fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  private async fetch(): Promise<TokenState> {
    const { auth } = this.#options;
    const refreshToken = this.#state?.refreshToken;
    let response: TokenResponse | undefined;
    let refreshed = false;
    if (refreshToken !== undefined) {
      try {
        response = await requestToken(this.#options.transport, this.#options.tokenEndpoint, {
          type: 'refresh_token',
          refreshToken,
          auth,
        });
        refreshed = true;
      } catch (error) {
        // An expired or revoked refresh token: log in again with the original grant.
        if (!(error instanceof UaaError)) throw error;
        this.log.info({ status: error.status, error: error.error }, 'token refresh rejected; logging in again');
      }
    }
    if (response === undefined) {
      const grant: Grant = 'username' in auth ? { type: 'password', auth } : { type: 'client_credentials', auth };
      response = await requestToken(this.#options.transport, this.#options.tokenEndpoint, grant);
    }
    // UAA may not rotate the refresh token; keep the one that worked, drop one that was rejected.
    this.#state = this.toState(response, refreshed ? refreshToken : undefined);
    return this.#state;
  }

  private toState(response: TokenResponse, previousRefreshToken: string | undefined): TokenState {
    const now = this.#options.now();
    const claims = decodeJwtClaims(response.access_token);
    const relativeEnd = typeof response.expires_in === 'number' ? now + response.expires_in * 1000 : undefined;
    let jwtEnd = typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
    if (jwtEnd !== undefined && relativeEnd !== undefined && jwtEnd <= now) {
      // A fresh token that is already expired by our clock means clock skew; trusting exp would renew on every request.
      this.log.warn(
        { skewSeconds: Math.round((now - jwtEnd) / 1000) },
        'token exp is in the past by the local clock; using expires_in (check the clock)',
      );
      jwtEnd = undefined;
    }
    const ends = [relativeEnd, jwtEnd].filter((t): t is number => t !== undefined);
    const end = ends.length > 0 ? Math.min(...ends) : Number.POSITIVE_INFINITY;
    const renewAt = end - Math.min(this.#options.skewMs, Math.max(0, (end - now) / 2));
    const scopes = scopesOf(claims, response);
    const auth = this.#options.auth;
    this.currentIdentity = Object.freeze({
      kind: identityKind(scopes),
      scopes: Object.freeze([...scopes]),
      userName:
        typeof claims?.user_name === 'string' ? claims.user_name : 'username' in auth ? auth.username : undefined,
      clientId: typeof claims?.client_id === 'string' ? claims.client_id : 'clientId' in auth ? auth.clientId : 'cf',
      userId:
        typeof claims?.user_id === 'string'
          ? claims.user_id
          : typeof claims?.client_id === 'string'
            ? claims.client_id
            : undefined,
    });
    this.warnIfRateLimited(this.currentIdentity);
    return {
      header: `bearer ${response.access_token}`,
      refreshToken: response.refresh_token ?? previousRefreshToken,
      renewAt,
    };
  }

  private warnIfRateLimited(identity: Identity): void {
    if (this.warnedAboutLimiter || identity.kind === 'admin' || identity.kind === 'admin_read_only') return;
    this.warnedAboutLimiter = true;
    this.log.warn(
      { identityKind: identity.kind, userName: identity.userName, clientId: identity.clientId },
      'this identity is subject to the Cloud Controller rate limiter (only admin and admin_read_only are exempt); large crawls may be slowed by 429s',
    );
  }
}
