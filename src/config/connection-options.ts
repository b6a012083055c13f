import { normaliseApi } from './api-url.js';
import { UsageError } from '../usage-error.js';
import { fleetEntry, loadFleetFile, type Fleet, type FleetEntry } from './fleet-file.js';
import { fleetAuth } from './fleet-credentials.js';
import { isClusterUrl, parseRedisTarget } from './redis-url.js';

/** How a command reaches the Cloud Controller and Redis, after flags, environment and defaults are merged. */
export interface ConnectionOptions {
  readonly api: string;
  readonly auth:
    Readonly<{ username: string; password: string }> | Readonly<{ clientId: string; clientSecret: string }>;
  readonly skipSslValidation: boolean;
  readonly redisUrl: string;
  readonly prefix: string;
  /** The foundation's region, from its fleet file entry (`landscape`), for broker-level shares. */
  readonly landscape?: string;
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
  /** A foundation of the fleet file by name (`all` only where a command fans out; a worker takes several). */
  foundation?: string | string[] | undefined;
  /** The fleet file (`--foundations`, or CF_SHARES_FOUNDATIONS). */
  foundations?: string | undefined;
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
 * Decides every connection setting in one step: flags beat the fleet entry (`--foundation NAME`, or `entry` when a
 * command fans out over the fleet), the entry beats the environment, the environment beats defaults. Credentials go
 * as one unit: a flag naming an identity (`--username`, `--client-id`) takes them from flags and environment as
 * before; otherwise an entry naming credential sources is used whole, so a user from CF_USERNAME never mixes with a
 * client from the entry. The result is frozen. Fails with a {@link UsageError} naming the flag, key or variable when
 * something is missing or malformed.
 */
export function resolveConnectionOptions(
  flags: ConnectionFlags,
  env: Env = process.env,
  entry: FleetEntry | undefined = selectedFleetEntry(flags, env),
): ConnectionOptions {
  const api = nonEmpty(flags.api) ?? entry?.api ?? nonEmpty(env.CF_API);
  if (api === undefined)
    throw new UsageError(
      'no Cloud Controller API given: pass --api URL or set CF_API (or name a --foundation of a fleet file)',
    );
  const apiUrl = parseUrl(api, '--api/CF_API', ['http:', 'https:']);
  if (apiUrl.username || apiUrl.password) {
    throw new UsageError(
      '--api/CF_API must not carry credentials in the URL: use --username/--password or --client-id/--client-secret',
    );
  }

  const flagIdentity = nonEmpty(flags.username) !== undefined || nonEmpty(flags.clientId) !== undefined;
  const entryAuth = entry !== undefined && !flagIdentity ? fleetAuth(entry, env) : undefined;
  const auth = entryAuth ?? resolveAuth(flags, env);

  const { redisUrl, prefix } = resolveRedisOptions(flags, env);

  const skipSslValidation = flags.skipSslValidation ?? entry?.skip_ssl_validation ?? isTrue(env.CF_SKIP_SSL_VALIDATION);

  return Object.freeze({
    api: normaliseApi(apiUrl.href),
    auth,
    skipSslValidation,
    redisUrl,
    prefix,
    ...(entry?.landscape !== undefined && { landscape: entry.landscape }),
  });
}

/** Credentials from flags, then the CF_* environment, as before fleet files. */
function resolveAuth(flags: ConnectionFlags, env: Env): ConnectionOptions['auth'] {
  const username = nonEmpty(flags.username) ?? nonEmpty(env.CF_USERNAME);
  const password = flags.password ?? env.CF_PASSWORD;
  const clientId = nonEmpty(flags.clientId) ?? nonEmpty(env.CF_CLIENT_ID);
  const clientSecret = flags.clientSecret ?? env.CF_CLIENT_SECRET;

  if (clientId !== undefined) {
    if (clientSecret === undefined)
      throw new UsageError('--client-id/CF_CLIENT_ID is set but no --client-secret/CF_CLIENT_SECRET');
    if (username !== undefined)
      throw new UsageError('give either a user (--username) or a client (--client-id), not both');
    return Object.freeze({ clientId, clientSecret });
  }
  if (username !== undefined) {
    if (password === undefined) throw new UsageError('--username/CF_USERNAME is set but no --password/CF_PASSWORD');
    return Object.freeze({ username, password });
  }
  throw new UsageError(
    'no credentials: pass --username and --password (or CF_USERNAME/CF_PASSWORD), or --client-id and --client-secret (CF_CLIENT_ID/CF_CLIENT_SECRET), or name a --foundation of a fleet file',
  );
}

/** The fleet file of `--foundations` or CF_SHARES_FOUNDATIONS, loaded and checked; a UsageError when none is given. */
export function resolveFleet(flags: Pick<ConnectionFlags, 'foundations'>, env: Env = process.env): Fleet {
  const path = nonEmpty(flags.foundations) ?? nonEmpty(env.CF_SHARES_FOUNDATIONS);
  if (path === undefined)
    throw new UsageError('--foundation needs a fleet file: pass --foundations FILE or set CF_SHARES_FOUNDATIONS');
  return loadFleetFile(path);
}

/**
 * The one fleet entry `--foundation NAME` names, or undefined without `--foundation` (today's flags and environment
 * then apply, even when CF_SHARES_FOUNDATIONS is set). `all` and several names are for commands that fan out.
 */
export function selectedFleetEntry(
  flags: Pick<ConnectionFlags, 'foundation' | 'foundations'>,
  env: Env = process.env,
): FleetEntry | undefined {
  const names = flags.foundation === undefined ? [] : [flags.foundation].flat();
  if (names.length === 0) return undefined;
  if (names.length > 1 || names[0] === 'all')
    throw new UsageError(`this command works on one foundation: --foundation NAME (not ${names.join(', ')})`);
  return fleetEntry(resolveFleet(flags, env), names[0]!);
}

/**
 * Every foundation of the fleet file when `--foundation all`, for commands that fan out (report, export, schedule
 * add); undefined otherwise, and the command works on one foundation as before.
 */
export function fanOutEntries(
  flags: Pick<ConnectionFlags, 'foundation' | 'foundations'>,
  env: Env = process.env,
): readonly FleetEntry[] | undefined {
  return flags.foundation === 'all' ? resolveFleet(flags, env).foundations : undefined;
}

/**
 * `--api`/CF_API when given, normalised like every job's, for commands that read or steer one foundation's records
 * in Redis without logging in (campaign list, schedules): undefined means every foundation.
 */
export function resolveOptionalApi(
  flags: Pick<ConnectionFlags, 'api' | 'foundation' | 'foundations'>,
  env: Env = process.env,
): string | undefined {
  const api = nonEmpty(flags.api) ?? selectedFleetEntry(flags, env)?.api ?? nonEmpty(env.CF_API);
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
  else checkRedisUrl(redisUrl);
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

/** A Redis URL is not echoed: its password may sit in the userinfo, hold a '/', or come in the query. */
function checkRedisUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('--redis/REDIS_URL is not a URL (its text is not shown, it may hold a password)');
  }
  if (!['redis:', 'rediss:'].includes(url.protocol))
    throw new UsageError(
      `--redis/REDIS_URL must start with redis://, rediss://, redis+cluster:// or rediss+cluster:// (got '${url.protocol}')`,
    );
}

/** A cluster URL lists several hosts, which WHATWG URL cannot hold: it has a parser of its own. */
function checkClusterUrl(value: string): void {
  try {
    parseRedisTarget(value);
  } catch (error) {
    throw new UsageError(
      `--redis/REDIS_URL: ${(error as Error).message} (the URL is not shown, it may hold a password)`,
    );
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}

/** Drops `user:password@` from a URL-looking string before it is shown. */
function redactUserinfo(value: string): string {
  return value.replace(/\/\/[^/@\s]*@/, '//***@');
}
