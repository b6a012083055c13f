import { UaaError } from './errors.js';
import { redactUrl } from './redact-url.js';
import type { ClientCredentialsAuth, PasswordAuth } from './client-options.js';
import type { Transport } from './transport.js';

/** The fields of a UAA token response we use (cc-api.md §10). */
export interface TokenResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
  refresh_token?: string;
  jti?: string;
}

/** A grant to send to `POST <login>/oauth/token`. */
export type Grant =
  | { type: 'password'; auth: PasswordAuth }
  | { type: 'client_credentials'; auth: ClientCredentialsAuth }
  | { type: 'refresh_token'; refreshToken: string; auth: PasswordAuth | ClientCredentialsAuth };

/** `cf` client with an empty secret, as the cf CLI sends: `Basic base64("cf:")` (cc-api.md §10). */
const CF_CLIENT_BASIC = 'Basic Y2Y6';

function who(auth: PasswordAuth | ClientCredentialsAuth): string {
  return 'username' in auth ? `user "${auth.username}"` : `client "${auth.clientId}"`;
}

function secretsOf(grant: Grant): string[] {
  const secrets = 'password' in grant.auth ? [grant.auth.password] : [grant.auth.clientSecret];
  if (grant.type === 'refresh_token') secrets.push(grant.refreshToken);
  return secrets.filter((s) => s.length > 0);
}

/**
 * Removes each secret from a UAA answer's text, as sent and as the request form encoded it (a UAA or a proxy in
 * front of it may echo the form back), longest first so no encoding is left half removed.
 */
function scrub(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  const forms = secrets
    .flatMap((secret) => [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])
    .sort((a, b) => b.length - a.length);
  return forms.reduce((acc, form) => acc.split(form).join('[REDACTED]'), text);
}

function formOf(grant: Grant): { form: Record<string, string>; headers: Record<string, string> } {
  switch (grant.type) {
    case 'password':
      return {
        form: { grant_type: 'password', username: grant.auth.username, password: grant.auth.password },
        headers: { authorization: CF_CLIENT_BASIC },
      };
    case 'client_credentials':
      // The cf CLI puts client credentials in the body, not in Basic; UAA accepts both (cc-api.md §10).
      return {
        form: {
          grant_type: 'client_credentials',
          client_id: grant.auth.clientId,
          client_secret: grant.auth.clientSecret,
        },
        headers: {},
      };
    case 'refresh_token':
      return {
        form: { client_id: 'cf', client_secret: '', grant_type: 'refresh_token', refresh_token: grant.refreshToken },
        headers: {},
      };
  }
}

/**
 * Requests a token from UAA. Failures become {@link UaaError} naming the user or client, never the password, secret or
 * refresh token.
 */
export async function requestToken(transport: Transport, tokenEndpoint: string, grant: Grant): Promise<TokenResponse> {
  const { form, headers } = formOf(grant);
  const url = `${tokenEndpoint.replace(/\/$/, '')}/oauth/token`;
  const origin = grant.type === 'password' ? grant.auth.origin : undefined;
  const response = await transport.request<unknown>({
    method: 'POST',
    path: url,
    auth: false,
    throwHttpErrors: false,
    group: 'read',
    counter: 'uaa',
    // A second token request only mints a second token, so resets and cut answers are retried like reads.
    idempotent: true,
    form,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    ...(origin === undefined ? {} : { query: { login_hint: JSON.stringify({ origin }) } }),
  });
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<
    string,
    unknown
  >;
  const action =
    grant.type === 'refresh_token' ? `token refresh for ${who(grant.auth)}` : `login of ${who(grant.auth)}`;
  if (response.status >= 400) {
    const secrets = secretsOf(grant);
    const error = typeof body.error === 'string' ? scrub(body.error, secrets) : undefined;
    const description = typeof body.error_description === 'string' ? scrub(body.error_description, secrets) : undefined;
    throw new UaaError({
      message: `UAA ${response.status >= 500 ? 'failed' : 'rejected'} the ${action}: ${response.status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''}`,
      status: response.status,
      ...(error === undefined ? {} : { error }),
      ...(description === undefined ? {} : { errorDescription: description }),
      url: redactUrl(url),
    });
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new UaaError({
      message: `UAA answered the ${action} with ${response.status} but no access_token`,
      status: response.status,
      url: redactUrl(url),
    });
  }
  return body as unknown as TokenResponse;
}
