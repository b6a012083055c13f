import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { UsageError } from '../../usage-error.js';

/** How the dashboard lets a request in: a token, basic-auth credentials, either, or (loopback only) anyone. */
export interface DashboardAuth {
  readonly token?: string;
  readonly basic?: { readonly user: string; readonly password: string };
}

/** The cookie a browser keeps after opening `?token=` once, so links within the dashboard work without it. */
export const TOKEN_COOKIE = 'cf_shares_dashboard';

/** Whether `host` is a loopback address (or `localhost`), which only this machine reaches. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/**
 * The dashboard's auth from the environment: CF_SHARES_DASHBOARD_TOKEN, and/or CF_SHARES_DASHBOARD_USER with
 * CF_SHARES_DASHBOARD_PASSWORD. Listening on anything but loopback without either is refused: queue data names
 * instances, spaces and orgs, and `--allow-actions` can cancel a campaign. Secrets come from the environment only:
 * flags show in `ps`.
 */
export function dashboardAuth(host: string, env: Readonly<Record<string, string | undefined>>): DashboardAuth {
  const token = env.CF_SHARES_DASHBOARD_TOKEN || undefined;
  const user = env.CF_SHARES_DASHBOARD_USER || undefined;
  const password = env.CF_SHARES_DASHBOARD_PASSWORD || undefined;
  if ((user === undefined) !== (password === undefined))
    throw new UsageError('set both CF_SHARES_DASHBOARD_USER and CF_SHARES_DASHBOARD_PASSWORD, or neither');
  const auth: DashboardAuth = {
    ...(token !== undefined && { token }),
    ...(user !== undefined && password !== undefined && { basic: { user, password } }),
  };
  if (!isLoopback(host) && auth.token === undefined && auth.basic === undefined)
    throw new UsageError(
      `refusing to serve the dashboard on ${host} without auth: set CF_SHARES_DASHBOARD_TOKEN, or CF_SHARES_DASHBOARD_USER and CF_SHARES_DASHBOARD_PASSWORD (or listen on 127.0.0.1)`,
    );
  return auth;
}

/** Compares secrets in constant time (hashes first, so lengths do not leak either). */
function same(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** What a request carries that could prove it may come in. */
export interface RequestCredentials {
  readonly authorization?: string | undefined;
  readonly cookie?: string | undefined;
  /** The `token` query parameter. */
  readonly queryToken?: string | undefined;
}

/** The verdict on a request: let in (and whether to set the token cookie), or refuse. */
export type AuthVerdict = { readonly allowed: true; readonly setCookie: boolean } | { readonly allowed: false };

/** Decides whether a request may come in: a bearer header, the token cookie, `?token=`, or basic credentials. */
export function checkRequest(auth: DashboardAuth, credentials: RequestCredentials): AuthVerdict {
  if (auth.token === undefined && auth.basic === undefined) return { allowed: true, setCookie: false };
  const header = credentials.authorization ?? '';
  if (auth.token !== undefined) {
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (bearer !== undefined && same(bearer.trim(), auth.token)) return { allowed: true, setCookie: false };
    const cookie = cookieValue(credentials.cookie, TOKEN_COOKIE);
    if (cookie !== undefined && same(cookie, auth.token)) return { allowed: true, setCookie: false };
    if (credentials.queryToken !== undefined && same(credentials.queryToken, auth.token))
      return { allowed: true, setCookie: true };
  }
  if (auth.basic !== undefined) {
    const encoded = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    if (encoded !== undefined) {
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (
        colon > 0 &&
        same(decoded.slice(0, colon), auth.basic.user) &&
        same(decoded.slice(colon + 1), auth.basic.password)
      )
        return { allowed: true, setCookie: false };
    }
  }
  return { allowed: false };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
