import { describe, expect, it } from 'vitest';
import { resolveConnectionOptions } from '../../src/config/connection-options.js';
import { UsageError } from '../../src/usage-error.js';

const user = { username: 'alice', password: 's3cret-pw' };

describe('resolveConnectionOptions', () => {
  it('takes flags over environment over defaults, and freezes the result', () => {
    const options = resolveConnectionOptions(
      { api: 'https://api.flag.example/', ...user, prefix: 'team-a' },
      { CF_API: 'https://api.env.example', REDIS_URL: 'redis://10.0.0.5:6380', CF_SHARES_PREFIX: 'env-prefix' },
    );
    expect(options).toEqual({
      api: 'https://api.flag.example',
      auth: user,
      skipSslValidation: false,
      redisUrl: 'redis://10.0.0.5:6380',
      prefix: 'team-a',
    });
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.auth)).toBe(true);
  });

  it('reads everything from the environment', () => {
    const options = resolveConnectionOptions(
      {},
      {
        CF_API: 'http://127.0.0.1:9022',
        CF_CLIENT_ID: 'auditor',
        CF_CLIENT_SECRET: 'client-s3cret',
        CF_SKIP_SSL_VALIDATION: 'true',
      },
    );
    expect(options.auth).toEqual({ clientId: 'auditor', clientSecret: 'client-s3cret' });
    expect(options.skipSslValidation).toBe(true);
    expect(options.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(options.prefix).toBe('cf-shares');
  });

  it.each([
    [{}, {}, /no Cloud Controller API given: pass --api URL or set CF_API/],
    [{ api: 'not a url', ...user }, {}, /--api\/CF_API is not a URL/],
    [{ api: 'ftp://x', ...user }, {}, /--api\/CF_API must start with http:\/\/ or https:\/\//],
    [{ api: 'https://admin:pw@api.example' }, {}, /must not carry credentials/],
    [{ api: 'https://api.example' }, {}, /no credentials/],
    [{ api: 'https://api.example', username: 'alice' }, {}, /--username\/CF_USERNAME is set but no --password/],
    [{ api: 'https://api.example', clientId: 'c' }, {}, /--client-id\/CF_CLIENT_ID is set but no --client-secret/],
    [{ api: 'https://api.example', ...user, clientId: 'c', clientSecret: 'x' }, {}, /either a user .* or a client/],
    [
      { api: 'https://api.example', ...user, redis: 'http://localhost' },
      {},
      /--redis\/REDIS_URL must start with redis:\/\//,
    ],
    [{ api: 'https://api.example', ...user, prefix: 'a:b' }, {}, /--prefix\/CF_SHARES_PREFIX must be/],
  ])('rejects %j with one clear line', (flags, env, message) => {
    let error: unknown;
    try {
      resolveConnectionOptions(flags, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a password given in the API URL', () => {
    expect(() => resolveConnectionOptions({ api: 'https://admin:hunter2@api.example' }, {})).toThrow(UsageError);
    try {
      resolveConnectionOptions({ api: 'https://admin:hunter2@api.example' }, {});
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
