const SECRET_KEY = /credential|password|passwd|secret|token|private[_-]?key|^uri$|^url$/i;

/**
 * A deep copy with every value under a secret-looking key replaced by `[Redacted]`. For data that comes from the API
 * and goes into files (audit events carry request bodies), as a second line of defence after CC's own masking.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[Redacted]' : redactSecrets(inner)]),
  );
}
