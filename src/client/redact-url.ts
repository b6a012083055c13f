/** Query parameter names whose values are never shown (OAuth and signed-URL secrets). */
const SECRET_PARAM = /token|password|secret|code|signature|credential|assertion|key/i;

/**
 * Returns `url` with userinfo removed and secret-looking query values replaced by `[REDACTED]`, so it can go into
 * error messages and logs (style.md trait 15; got `stripUrlAuth`).
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url.toString());
  } catch {
    return '[unparseable url]';
  }
  // Each setter serialises the whole URL again: only when there is something to remove.
  if (parsed.username !== '') parsed.username = '';
  if (parsed.password !== '') parsed.password = '';
  for (const name of [...new Set(parsed.searchParams.keys())]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '[REDACTED]');
  }
  return parsed.toString();
}

/** The path and (redacted) query of `url`, without origin: what a log line or error message shows. */
export function redactedPath(url: string | URL): string {
  const redacted = redactUrl(url);
  try {
    const parsed = new URL(redacted);
    return decodeURIComponent(parsed.pathname) + parsed.search;
  } catch {
    return redacted;
  }
}
