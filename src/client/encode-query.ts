/** A query value: scalars, comma lists, or one level of `key[sub]` (`fields[space]`, `created_ats[gt]`). */
export type QueryValue = string | number | boolean | readonly string[] | undefined | { readonly [sub: string]: string | number | readonly string[] | undefined };

/** A query object whose keys are CC's own parameter names. */
export type Query = Readonly<Record<string, QueryValue>>;

function encodeScalarOrList(value: string | number | boolean | readonly string[]): string {
  // Comma is CC's list separator, so commas inside one element must be %2C (cc-api.md §7); the separators stay literal.
  if (Array.isArray(value)) return (value as readonly string[]).map((v) => encodeURIComponent(v)).join(',');
  return encodeURIComponent(String(value));
}

function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%5B/g, '[').replace(/%5D/g, ']');
}

/**
 * Encodes a query into `a=1&b=x,y&fields[space]=guid,name`. `undefined` values are left out; an empty list is sent as
 * `key=`, since dropping it would widen the filter to everything.
 */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, subValue] of Object.entries(value as Record<string, string | number | readonly string[] | undefined>)) {
        if (subValue === undefined) continue;
        parts.push(`${encodeKey(`${key}[${sub}]`)}=${encodeScalarOrList(subValue)}`);
      }
      continue;
    }
    parts.push(`${encodeKey(key)}=${encodeScalarOrList(value as string | number | boolean | readonly string[])}`);
  }
  return parts.join('&');
}
