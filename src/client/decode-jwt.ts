/** The JWT claims we read. */
export interface JwtClaims {
  exp?: number;
  scope?: string[] | string;
  user_name?: string;
  user_id?: string;
  client_id?: string;
  origin?: string;
  [claim: string]: unknown;
}

/**
 * Decodes a JWT payload without verifying it: CC verifies; we only read `exp` and `scope` for planning. Returns
 * `undefined` for anything that is not a JWT.
 */
export function decodeJwtClaims(token: string): JwtClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}
