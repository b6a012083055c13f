import type { IncomingHttpHeaders } from 'node:http';
import { signJwt, verifyJwt, type TokenClaims } from './jwt.js';
import type { Principal } from './model.js';
import type { SimState } from './sim-state.js';

/** Refresh tokens live as long as cf-deployment's `cf` client allows (cc-api.md §10). */
const REFRESH_TTL_SECONDS = 2_592_000;

/** An answer of the token endpoint. */
export interface UaaResponse {
  status: number;
  body: Record<string, unknown>;
}

const badCredentials = (): UaaResponse => ({
  status: 401,
  body: { error: 'unauthorized', error_description: 'Bad credentials' },
});

/** Client id and secret from `Authorization: Basic` or, failing that, the form body (UAA accepts both). */
function clientOf(headers: IncomingHttpHeaders, form: URLSearchParams): { id: string; secret: string } | null {
  const auth = headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id');
  return id === null ? null : { id, secret: form.get('client_secret') ?? '' };
}

/**
 * `POST /uaa/oauth/token`: password grant with client `cf` and an empty secret (what `cf login` sends),
 * client_credentials (body or Basic) and refresh_token. Tokens are HS256 JWTs carrying the claims CC reads.
 */
export function tokenEndpoint(
  state: SimState,
  secret: Buffer,
  issuer: string,
  headers: IncomingHttpHeaders,
  form: URLSearchParams,
): UaaResponse {
  const f = state.foundation;
  const grant = form.get('grant_type');
  const client = clientOf(headers, form);
  if (!client)
    return {
      status: 401,
      body: { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' },
    };
  const issue = (principal: Principal, grantType: string, withRefresh: boolean, isClient: boolean): UaaResponse => {
    const iat = Math.floor(Date.now() / 1000);
    const jti = state.newGuid().replace(/-/g, '');
    const claims: TokenClaims = {
      jti,
      sub: principal.guid,
      scope: principal.scopes,
      client_id: client.id,
      cid: client.id,
      grant_type: grantType,
      ...(!isClient && { user_id: principal.guid, user_name: principal.username, origin: 'uaa' }),
      iat,
      exp: iat + state.tokenTtlSeconds,
      iss: issuer,
      aud: ['cloud_controller', 'openid', client.id],
      token_use: 'access',
    };
    const body: Record<string, unknown> = {
      access_token: signJwt(claims, secret),
      token_type: 'bearer',
      expires_in: state.tokenTtlSeconds,
      scope: principal.scopes.join(' '),
      jti,
    };
    if (withRefresh) {
      body.refresh_token = signJwt(
        { ...claims, jti: `${jti}-r`, exp: iat + REFRESH_TTL_SECONDS, revocable: true, token_use: 'refresh' },
        secret,
      );
    }
    return { status: 200, body };
  };
  switch (grant) {
    case 'password': {
      if (client.id !== 'cf' || client.secret !== '') return badCredentials();
      const user = f.principals.find((p) => p.username === form.get('username') && p.guid !== p.username);
      if (!user || user.password !== form.get('password')) return badCredentials();
      return issue(user, 'password', true, false);
    }
    case 'client_credentials': {
      const principal = f.principalByGuid.get(client.id);
      if (!principal || principal.username !== client.id || principal.password !== client.secret)
        return badCredentials();
      // No refresh token for client credentials (TokenEndpointDocs.java).
      return issue(principal, 'client_credentials', false, true);
    }
    case 'refresh_token': {
      if (client.id !== 'cf' || client.secret !== '') return badCredentials();
      const claims = verifyJwt(form.get('refresh_token') ?? '', secret);
      const user =
        claims?.token_use === 'refresh' && claims.user_id ? f.principalByGuid.get(claims.user_id) : undefined;
      if (!user) return { status: 401, body: { error: 'invalid_token', error_description: 'Invalid refresh token' } };
      return issue(user, 'refresh_token', true, false);
    }
    default:
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${grant ?? ''}` },
      };
  }
}
