import { describe, expect, it } from 'vitest';
import {
  CLIENT_DEFAULTS,
  ClientOptionsError,
  normaliseClientOptions,
  type CfClientOptions,
} from '../../src/client/index.js';

const base: CfClientOptions = { api: 'https://api.example.org', auth: { username: 'u', password: 'p' } };

describe('normaliseClientOptions', () => {
  it('applies the defaults from the one literal', () => {
    const o = normaliseClientOptions(base);
    expect(o.perPage).toBe(CLIENT_DEFAULTS.perPage);
    expect(o.guidBatchSize).toBe(200);
    expect(o.retry).toEqual({ limit: 5, baseMs: 500, capMs: 30_000, maxWaitMs: 60_000 });
    expect(o.pacing).toEqual({ readsPerSecond: 50, writesPerSecond: 5, maxInFlight: 8, maxWritesInFlight: 4 });
    expect(o.skipSslValidation).toBe(false);
    expect(o.api.href).toBe('https://api.example.org/');
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('accepts an API without a scheme as https', () => {
    expect(normaliseClientOptions({ ...base, api: 'api.sys.example.com' }).api.href).toBe(
      'https://api.sys.example.com/',
    );
  });

  it.each([
    {
      description: 'unknown top-level key',
      options: { ...base, perpage: 10 },
      message: 'unknown client option "perpage"',
    },
    {
      description: 'unknown pacing key',
      options: { ...base, pacing: { rps: 1 } },
      message: 'unknown client option "pacing.rps"',
    },
    {
      description: 'unknown retry key',
      options: { ...base, retry: { retries: 1 } },
      message: 'unknown client option "retry.retries"',
    },
    {
      description: 'mixed auth',
      options: { ...base, auth: { username: 'u', password: 'p', clientSecret: 'x' } },
      message: 'unknown client option "auth.clientSecret"',
    },
    { description: 'missing auth', options: { api: 'https://a' }, message: 'client option "auth" is required' },
    {
      description: 'empty password',
      options: { ...base, auth: { username: 'u', password: '' } },
      message: 'client option "auth.password" must be a non-empty string',
    },
    {
      description: 'perPage over CC max',
      options: { ...base, perPage: 5001 },
      message: 'client option "perPage" must be an integer between 1 and 5000 (got 5001)',
    },
    {
      description: 'negative rate',
      options: { ...base, pacing: { readsPerSecond: -1 } },
      message: 'client option "pacing.readsPerSecond" must be a number >= 0 (got -1)',
    },
    {
      description: 'credentials in the URL',
      options: { ...base, api: 'https://u:p@api.example.org' },
      message: 'must not contain credentials',
    },
    {
      description: 'non-boolean skipSslValidation',
      options: { ...base, skipSslValidation: 'yes' },
      message: '"skipSslValidation" must be a boolean',
    },
  ])('rejects $description', ({ options, message }) => {
    expect(() => normaliseClientOptions(options as unknown as CfClientOptions)).toThrow(ClientOptionsError);
    expect(() => normaliseClientOptions(options as unknown as CfClientOptions)).toThrow(message);
  });

  it('never puts the password in a validation message', () => {
    try {
      normaliseClientOptions({
        ...base,
        auth: { username: 'u', password: 'hunter2' },
        bogus: 1,
      } as unknown as CfClientOptions);
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});
