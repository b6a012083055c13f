import got, { type Got } from 'got';

/** Input of {@link createGot}. */
export interface GotSettings {
  version: string;
  skipSslValidation: boolean;
  timeoutMs: number;
}

/**
 * The one got instance of a client. got's own retry is off (our policy in `retry-policy.ts` is testable and knows CC
 * codes); bodies come back as text so a malformed body becomes `MalformedResponseError`, not a got ParseError; redirects
 * are not followed so a bearer token never travels to another host.
 */
export function createGot(settings: GotSettings): Got {
  return got.extend({
    headers: { 'user-agent': `cf-shares/${settings.version}`, accept: 'application/json' },
    responseType: 'text',
    throwHttpErrors: false,
    followRedirect: false,
    retry: { limit: 0 },
    // A body cut short must surface as the connection error got reports while reading (ECONNRESET), which the
    // transport classifies; got 15+ would otherwise raise a content-length mismatch before the body is seen.
    strictContentLength: false,
    https: { rejectUnauthorized: !settings.skipSslValidation },
    timeout: { request: settings.timeoutMs },
  });
}
