import { createHash } from 'node:crypto';
import { UsageError } from '../usage-error.js';

/**
 * A webhook URL's origin (`https://hooks.slack.com`), the only part of it cf-shares ever prints or logs: Slack-style
 * webhook URLs carry their token in the path, so the path and query are as secret as a password.
 */
export function notifyOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '[unparseable url]';
  }
}

/** A short hash of a webhook URL: it tells two URLs apart in job ids and logs without revealing either. */
export function notifyUrlHash(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 12);
}

/**
 * The webhook URLs of a command: the `--notify` flags, else CF_SHARES_NOTIFY_URL (comma-separated). Flags win over
 * the environment, as every connection flag does. Each must be an absolute http(s) URL; a bad one is refused naming
 * its position, never its text (it may hold a token).
 */
export function resolveNotifyUrls(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const fromFlags = (flags ?? []).map(String).filter((url) => url.trim() !== '');
  const source = fromFlags.length > 0 ? '--notify' : 'CF_SHARES_NOTIFY_URL';
  const urls =
    fromFlags.length > 0
      ? fromFlags
      : (env.CF_SHARES_NOTIFY_URL ?? '')
          .split(',')
          .map((url) => url.trim())
          .filter((url) => url !== '');
  urls.forEach((url, index) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      throw new UsageError(`${source} URL number ${index + 1} is not an http(s) URL`);
  });
  return [...new Set(urls)];
}

/**
 * Words as typed after `schedule add … --`, with the value of every `--notify` replaced by its origin and `/REDACTED`, for what
 * `schedule list` shows: the URL itself is kept only in the job data that delivery needs.
 */
export function redactNotifyWords(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    if (word === '--notify' && index + 1 < words.length) {
      out.push(word, `${notifyOrigin(words[index + 1]!)}/REDACTED`);
      index += 1;
    } else if (word.startsWith('--notify='))
      out.push(`--notify=${notifyOrigin(word.slice('--notify='.length))}/REDACTED`);
    // Any other URL, such as a second URL after one --notify: a webhook's path is its secret.
    else if (word.includes('://')) out.push(`${notifyOrigin(word)}/REDACTED`);
    else out.push(word);
  }
  return out;
}
