import type { Argv } from 'yargs';
import type { ConnectionFlags } from './connection-options.js';

/** `--redis` and `--prefix`, as every command that uses Redis shows them: in a group, with their defaults. */
export function redisFlags(group: string) {
  return {
    redis: { type: 'string', describe: 'Redis URL [env REDIS_URL, default redis://127.0.0.1:6379]', group },
    prefix: { type: 'string', describe: 'Redis key and queue prefix [env CF_SHARES_PREFIX, default cf-shares]', group },
  } as const;
}

/**
 * `--foundations FILE` and `--foundation NAME`: a foundation of the fleet file instead of --api and credentials.
 * Commands that fan out over the fleet (`all`) or serve several foundations describe `--foundation` again.
 */
export function fleetFlags(group: string) {
  return {
    foundations: {
      type: 'string',
      describe:
        'Fleet file (YAML or JSON): foundations and where their credentials come from [env CF_SHARES_FOUNDATIONS]',
      group,
    },
    foundation: { type: 'string', describe: 'A foundation of the fleet file, by name', group },
  } as const;
}

/** The flags of commands that work from Redis alone (stored reports, schedules, campaign records). */
export function withRedisFlags<T>(y: Argv<T>): Argv<T & Pick<ConnectionFlags, 'redis' | 'prefix'>> {
  return y.options(redisFlags('Redis:')).options(fleetFlags('Fleet:')) as unknown as Argv<
    T & Pick<ConnectionFlags, 'redis' | 'prefix'>
  >;
}

/** The Cloud Controller flags: where the API is and who logs in to it. */
export function withCcFlags<T>(y: Argv<T>): Argv<T & ConnectionFlags> {
  return y
    .option('api', { type: 'string', describe: 'Cloud Controller API URL [env CF_API]', group: 'Connection:' })
    .option('username', {
      type: 'string',
      describe: 'UAA user (password grant, client "cf") [env CF_USERNAME]',
      group: 'Connection:',
    })
    .option('password', {
      type: 'string',
      describe: 'Password of --username; prefer the environment [env CF_PASSWORD]',
      group: 'Connection:',
    })
    .option('client-id', {
      type: 'string',
      describe: 'UAA client (client_credentials grant) [env CF_CLIENT_ID]',
      group: 'Connection:',
    })
    .option('client-secret', {
      type: 'string',
      describe: 'Secret of --client-id; prefer the environment [env CF_CLIENT_SECRET]',
      group: 'Connection:',
    })
    .option('skip-ssl-validation', {
      type: 'boolean',
      describe: 'Accept any TLS certificate, as cf CLI [env CF_SKIP_SSL_VALIDATION]',
      group: 'Connection:',
    }) as unknown as Argv<T & ConnectionFlags>;
}

/** The connection flags every connected command takes; each falls back to its environment variable. */
export function withConnectionFlags<T>(y: Argv<T>): Argv<T & ConnectionFlags> {
  return withCcFlags(y).options(redisFlags('Connection:')).options(fleetFlags('Fleet:')) as unknown as Argv<
    T & ConnectionFlags
  >;
}
