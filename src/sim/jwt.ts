import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims the simulator puts in (and reads from) its tokens, the UAA ones CC relies on (cc-api.md §10). */
export interface TokenClaims {
  jti: string;
  sub: string;
  scope: string[];
  client_id: string;
  cid: string;
  grant_type: string;
  user_id?: string;
  user_name?: string;
  origin?: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string[];
  /** Marks refresh tokens so they are never accepted as access tokens. */
  revocable?: boolean;
  token_use?: 'access' | 'refresh';
}

const b64 = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** Signs claims as an HS256 JWT. */
export function signJwt(claims: TokenClaims, secret: Buffer): string {
  const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'sim-key' }));
  const body = b64(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Verifies signature and expiry; null when either fails or the token is malformed. */
export function verifyJwt(token: string, secret: Buffer, nowMs = Date.now()): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, sig] = parts as [string, string, string];
  const expected = Buffer.from(createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url'));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    // CC decodes locally with a grace period of 0 (cc-api.md §9 "Token expiry").
    if (typeof claims.exp !== 'number' || nowMs >= claims.exp * 1000) return null;
    return claims;
  } catch {
    return null;
  }
}
