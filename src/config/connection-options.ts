import { normaliseApi } from './api-url.js';
import { UsageError } from '../usage-error.js';
import { isClusterUrl, parseRedisTarget } from './redis-url.js';

/** How a command reaches the Cloud Controller and Redis, after flags, environment and defaults are merged. */
export interface ConnectionOptions {
  readonly api: string;
  readonly auth:
    Readonly<{ username: string; password: string }> | Readonly<{ clientId: string; clientSecret: string }>;
  readonly skipSslValidation: boolean;
  readonly redisUrl: string;
  readonly prefix: string;
}

/** The flags every connected command accepts; each falls back to an environment variable. */
export interface ConnectionFlags {
  api?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  redis?: string | undefined;
  prefix?: string | undefined;
  skipSslValidation?: boolean | undefined;
}

/** Defaults in one place. */
export const CONNECTION_DEFAULTS = {
  redisUrl: 'redis://127.0.0.1:6379',
  prefix: 'cf-shares',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

/**
 * Decides every connection setting in one step: flags beat environment, environment beats defaults. The result is
 * frozen. Fails with a {@link UsageError} naming the flag and the variable when something is missing or malformed.
 */
export function resolveConnectionOptions(flags: ConnectionFlags, env: Env = process.env): ConnectionOptions {
  const api = nonEmpty(flags.api) ?? nonEmpty(env.CF_API);
  if (api === undefined) throw new UsageError('no Cloud Controller API given: pass --api URL or set CF_API');
  const apiUrl = parseUrl(api, '--api/CF_API', ['http:', 'https:']);
  if (apiUrl.username || apiUrl.password) {
    throw new UsageError(
      '--api/CF_API must not carry credentials in the URL: use --username/--password or --client-id/--client-secret',
    );
  }

  const username = nonEmpty(flags.username) ?? nonEmpty(env.CF_USERNAME);
  const password = flags.password ?? env.CF_PASSWORD;
  const clientId = nonEmpty(flags.clientId) ?? nonEmpty(env.CF_CLIENT_ID);
  const clientSecret = flags.clientSecret ?? env.CF_CLIENT_SECRET;

  let auth: ConnectionOptions['auth'];
  if (clientId !== undefined) {
    if (clientSecret === undefined)
      throw new UsageError('--client-id/CF_CLIENT_ID is set but no --client-secret/CF_CLIENT_SECRET');
    if (username !== undefined)
      throw new UsageError('give either a user (--username) or a client (--client-id), not both');
    auth = Object.freeze({ clientId, clientSecret });
  } else if (username !== undefined) {
    if (password === undefined) throw new UsageError('--username/CF_USERNAME is set but no --password/CF_PASSWORD');
    auth = Object.freeze({ username, password });
  } else {
    throw new UsageError(
      'no credentials: pass --username and --password (or CF_USERNAME/CF_PASSWORD), or --client-id and --client-secret (CF_CLIENT_ID/CF_CLIENT_SECRET)',
    );
  }

  const { redisUrl, prefix } = resolveRedisOptions(flags, env);

  const skipSslValidation = flags.skipSslValidation ?? isTrue(env.CF_SKIP_SSL_VALIDATION);

  return Object.freeze({ api: normaliseApi(apiUrl.href), auth, skipSslValidation, redisUrl, prefix });
}

/**
 * `--api`/CF_API when given, normalised like every job's, for commands that read or steer one foundation's records
 * in Redis without logging in (campaign list, schedules): undefined means every foundation.
 */
export function resolveOptionalApi(flags: Pick<ConnectionFlags, 'api'>, env: Env = process.env): string | undefined {
  const api = nonEmpty(flags.api) ?? nonEmpty(env.CF_API);
  return api === undefined ? undefined : normaliseApi(parseUrl(api, '--api/CF_API', ['http:', 'https:']).href);
}

/**
 * Redis and prefix only, for commands that read or steer what is in Redis and need no Cloud Controller credentials
 * (reports, schedules, campaigns); {@link resolveConnectionOptions} uses it too, so both validate alike.
 */
export function resolveRedisOptions(
  flags: Pick<ConnectionFlags, 'redis' | 'prefix'>,
  env: Env = process.env,
): Readonly<{ redisUrl: string; prefix: string }> {
  const redisUrl = nonEmpty(flags.redis) ?? nonEmpty(env.REDIS_URL) ?? CONNECTION_DEFAULTS.redisUrl;
  if (isClusterUrl(redisUrl)) checkClusterUrl(redisUrl);
  else parseUrl(redisUrl, '--redis/REDIS_URL', ['redis:', 'rediss:', 'redis+cluster:']);
  const prefix = nonEmpty(flags.prefix) ?? nonEmpty(env.CF_SHARES_PREFIX) ?? CONNECTION_DEFAULTS.prefix;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) {
    throw new UsageError(`--prefix/CF_SHARES_PREFIX must be 1-64 letters, digits, '_', '.' or '-' (got '${prefix}')`);
  }
  return Object.freeze({ redisUrl, prefix });
}

function parseUrl(value: string, name: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} is not a URL: '${redactUserinfo(value)}'`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new UsageError(
      `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got '${url.protocol}')`,
    );
  }
  return url;
}

/** A cluster URL lists several hosts, which WHATWG URL cannot hold: it has a parser of its own. */
function checkClusterUrl(value: string): void {
  try {
    parseRedisTarget(value);
  } catch (error) {
    throw new UsageError(`--redis/REDIS_URL: ${(error as Error).message} (in '${redactUserinfo(value)}')`);
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}

/** Drops `user:password@` from a URL-looking string before it is shown. */
export function redactUserinfo(value: string): string {
  return value.replace(/\/\/[^/@\s]*@/, '//***@');
}
