import { createHmac, randomBytes } from 'node:crypto';

/** Maps a credentials object to an opaque token that is equal exactly when the credentials are. */
export type CredentialFingerprinter = (credentials: Readonly<Record<string, unknown>>) => string;

/**
 * A keyed hash for comparing credentials without keeping them: HMAC-SHA256 of their canonical JSON under a random key
 * made here and held only by the returned closure. A plain hash of a short password could be brute-forced from a
 * leaked fingerprint; with a key that never leaves this process (and dies with the run) a fingerprint says nothing
 * outside it. Fingerprints of two fingerprinters never match, so one crawl must use one fingerprinter.
 */
export function createCredentialFingerprinter(): CredentialFingerprinter {
  const key = randomBytes(32);
  return (credentials) => createHmac('sha256', key).update(canonicalJson(credentials)).digest('base64');
}

/**
 * JSON with object keys sorted at every depth, so that two brokers' answers that differ only in key order compare
 * equal. Arrays keep their order (it can mean something).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
