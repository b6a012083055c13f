/** A query value: scalars, comma lists, or one level of `key[sub]` (`fields[space]`, `created_ats[gt]`). */
export type QueryValue =
  | string
  | number
  | boolean
  | readonly string[]
  | undefined
  | { readonly [sub: string]: string | number | readonly string[] | undefined };

/** A query object whose keys are CC's own parameter names. */
export type Query = Readonly<Record<string, QueryValue>>;

/**
 * One element of a list parameter. CC splits a list on a comma plus any whitespace after it, then percent-decodes
 * each element once more (cc-api.md §13), so whatever that second pass would read — `%`, a comma, leading
 * whitespace — is escaped once before the usual encoding: a comma inside a value travels as `%252C`.
 */
function encodeListElement(value: string): string {
  const shielded = value
    .replace(/[%,]/g, (c) => (c === '%' ? '%25' : '%2C'))
    .replace(/^[ \t\r\n\f\v]+/, (ws) => encodeURIComponent(ws));
  return encodeURIComponent(shielded);
}

function encodeScalarOrList(value: string | number | boolean | readonly string[]): string {
  // The separators stay literal commas.
  if (Array.isArray(value)) return (value as readonly string[]).map(encodeListElement).join(',');
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
      for (const [sub, subValue] of Object.entries(
        value as Record<string, string | number | readonly string[] | undefined>,
      )) {
        if (subValue === undefined) continue;
        parts.push(`${encodeKey(`${key}[${sub}]`)}=${encodeScalarOrList(subValue)}`);
      }
      continue;
    }
    parts.push(`${encodeKey(key)}=${encodeScalarOrList(value as string | number | boolean | readonly string[])}`);
  }
  return parts.join('&');
}
