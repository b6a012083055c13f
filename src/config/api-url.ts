/** The API as every job and record carries it: lower-case origin, no default port, no trailing slash. */
export function normaliseApi(api: string): string {
  return new URL(api).href.replace(/\/+$/, '');
}
