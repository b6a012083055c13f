import { afterEach, describe, expect, it } from 'vitest';
import {
  CfApiError,
  CfClient,
  MalformedResponseError,
  NetworkError,
  PaginationError,
  RateLimitWaitError,
  UaaError,
  isInvalidToken,
  isRateLimited,
  isUnshareFailed,
} from '../../src/client/index.js';
import { fixture, jtiOf, startServer, tokenReply, type Reply, type SeenRequest } from './helpers/cf-test-server.js';
import { startCf, testClient, type FakeCf } from './helpers/test-cf.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const RATE_LIMITED = { errors: [{ detail: 'Rate Limit Exceeded', title: 'CF-RateLimitExceeded', code: 10013 }] };
const OK_LIST = { pagination: { total_results: 0, total_pages: 1, next: null }, resources: [] };

let cf: FakeCf | undefined;
afterEach(async () => {
  await cf?.close();
  cf = undefined;
});

/** A fake CC that answers `/v3/feature_flags/x` with the scripted replies in order (the last one repeats). */
async function scripted(replies: Reply[], token?: (req: SeenRequest, n: number) => Reply): Promise<FakeCf> {
  let i = 0;
  return startCf((req) => {
    if (req.path !== '/v3/feature_flags/x') return undefined;
    const reply = replies[Math.min(i, replies.length - 1)];
    i += 1;
    return reply;
  }, token);
}

const FLAG = {
  status: 200,
  body: { name: 'x', enabled: true, updated_at: null, custom_error_message: null, links: {} },
};

async function loggedIn(extra: Parameters<typeof testClient>[1] = {}) {
  const made = testClient(cf!, { now: () => NOW, ...extra });
  await made.client.login();
  return made;
}

describe('retry', () => {
  it('429 with Retry-After seconds, then 200: waits what CC asked', async () => {
    cf = await scripted([{ status: 429, body: RATE_LIMITED, headers: { 'retry-after': '3' } }, FLAG]);
    const told: unknown[] = [];
    const { client, waits } = await loggedIn({ onRetryWait: (wait) => told.push(wait) });
    expect(await client.featureFlags.get('x')).toMatchObject({ name: 'x' });
    expect(waits).toEqual([3000]);
    expect(told).toEqual([
      {
        method: 'GET',
        path: '/v3/feature_flags/x',
        cause: '429 Too Many Requests',
        delayMs: 3000,
        source: 'retry-after',
        retry: 1,
        limit: 5,
      },
    ]);
    expect(cf.apiRequests()).toHaveLength(2);
  });

  it('429 with an HTTP-date Retry-After', async () => {
    cf = await scripted([
      { status: 429, body: RATE_LIMITED, headers: { 'retry-after': new Date(NOW + 12_000).toUTCString() } },
      FLAG,
    ]);
    const { client, waits } = await loggedIn();
    await client.featureFlags.get('x');
    expect(waits).toEqual([12_000]);
  });

  it('429 labelled text/plain still yields the JSON error (cc-api.md §8.1)', async () => {
    cf = await scripted([
      {
        status: 429,
        body: JSON.stringify(RATE_LIMITED),
        headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' },
      },
    ]);
    const { client } = await loggedIn({ retry: { limit: 0 } });
    const error = await client.featureFlags.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CfApiError);
    expect(error).toMatchObject({
      status: 429,
      code: 10013,
      title: 'CF-RateLimitExceeded',
      detail: 'Rate Limit Exceeded',
    });
    expect(isRateLimited(error)).toBe(true);
  });

  it('honours X-RateLimit-Reset when there is no Retry-After', async () => {
    cf = await scripted([
      { status: 429, body: RATE_LIMITED, headers: { 'x-ratelimit-reset': String(NOW / 1000 + 5) } },
      FLAG,
    ]);
    const { client, waits } = await loggedIn();
    await client.featureFlags.get('x');
    expect(waits).toEqual([5000]);
  });

  it('X-RateLimit-Reset on a 500 (sent to every limited user) does not turn backoff into a long wait', async () => {
    cf = await scripted([
      {
        status: 500,
        body: '',
        headers: { 'x-ratelimit-reset': String(NOW / 1000 + 3000), 'x-ratelimit-remaining': '1000' },
      },
      FLAG,
    ]);
    const { client, waits } = await loggedIn();
    await client.featureFlags.get('x');
    expect(waits).toEqual([375]);
  });

  it('a wait over retry.maxWaitMs throws RateLimitWaitError instead of sleeping', async () => {
    cf = await scripted([
      { status: 429, body: RATE_LIMITED, headers: { 'retry-after': '3600', 'x-vcap-request-id': 'req-1' } },
    ]);
    const { client, waits } = await loggedIn({ retry: { maxWaitMs: 60_000 } });
    const error = await client.featureFlags.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitWaitError);
    expect(error).toMatchObject({
      waitMs: 3_600_000,
      resetAt: new Date(NOW + 3_600_000),
      status: 429,
      code: 10013,
      requestId: 'req-1',
    });
    expect(isRateLimited(error)).toBe(true);
    expect(waits).toEqual([]);
    expect(cf.apiRequests()).toHaveLength(1);
  });

  it('5xx then success, with backoff', async () => {
    cf = await scripted([
      {
        status: 503,
        body: { errors: [{ detail: 'Database connection failure', title: 'CF-ServiceUnavailable', code: 10015 }] },
      },
      { status: 500, body: 'oops' },
      FLAG,
    ]);
    const { client, waits } = await loggedIn();
    await client.featureFlags.get('x');
    expect(waits).toEqual([375, 750]);
  });

  it('gives up after retry.limit and throws the last error', async () => {
    cf = await scripted([{ status: 504, body: '' }]);
    const { client, waits } = await loggedIn({ retry: { limit: 2 } });
    await expect(client.featureFlags.get('x')).rejects.toMatchObject({
      status: 504,
      message: 'GET /v3/feature_flags/x → 504 Gateway Timeout',
    });
    expect(waits).toHaveLength(2);
    expect(cf.apiRequests()).toHaveLength(3);
  });

  it('502 CF-ServiceInstanceUnshareFailed (390001) is not retried', async () => {
    const body = {
      errors: [
        {
          detail:
            'Unshare of service instance failed: \n\nUnshare of service instance failed because one or more bindings could not be deleted.',
          title: 'CF-ServiceInstanceUnshareFailed',
          code: 390001,
        },
      ],
    };
    cf = await startCf((req) => (req.method === 'DELETE' ? { status: 502, body } : undefined));
    const { client, waits } = await loggedIn();
    const error = await client.serviceInstances.unshareFromSpace('si', 'sp').catch((e: unknown) => e);
    expect(isUnshareFailed(error)).toBe(true);
    expect((error as Error).message).toBe(
      'DELETE /v3/service_instances/si/relationships/shared_spaces/sp → 502 CF-ServiceInstanceUnshareFailed (390001): Unshare of service instance failed: Unshare of service instance failed because one or more bindings could not be deleted.',
    );
    expect(waits).toEqual([]);
    expect(cf.apiRequests()).toHaveLength(1);
  });

  it.each([400, 403, 404, 409, 422])('%i is not retried', async (status) => {
    cf = await scripted([{ status, body: { errors: [{ detail: 'no', title: 'CF-Something', code: 1 }] } }]);
    const { client, waits } = await loggedIn();
    await expect(client.featureFlags.get('x')).rejects.toMatchObject({ status });
    expect(waits).toEqual([]);
    expect(cf.apiRequests()).toHaveLength(1);
  });

  it('connection reset, then success', async () => {
    cf = await scripted([{ status: 0, reset: true }, FLAG]);
    const { client, waits } = await loggedIn();
    expect(await client.featureFlags.get('x')).toMatchObject({ name: 'x' });
    expect(waits).toHaveLength(1);
  });

  it('a malformed body becomes MalformedResponseError', async () => {
    cf = await scripted([{ status: 200, body: '<html>gorouter</html>' }]);
    const { client } = await loggedIn();
    const error = await client.featureFlags.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toMatch(/^GET \/v3\/feature_flags\/x → 200 malformed response: not JSON/);
  });

  it('a refused connection is one line naming the API', async () => {
    const dead = await startServer(() => undefined);
    await dead.close();
    const client = new CfClient({
      api: dead.url,
      auth: { username: 'admin', password: 'pw' },
      retry: { limit: 1 },
      sleep: async () => {},
    });
    const error = await client.login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach ${dead.url}: `));
    expect(client.requestCount).toBe(2); // GET / and its one retry
  });
});

describe('auth', () => {
  it('401 CF-InvalidAuthToken → refresh → retry once → success', async () => {
    const invalid: Reply = {
      status: 401,
      body: { errors: [{ detail: 'Invalid Auth Token', title: 'CF-InvalidAuthToken', code: 1000 }] },
    };
    cf = await scripted([invalid, FLAG]);
    const { client } = await loggedIn();
    await client.featureFlags.get('x');
    const tokens = cf.tokenRequests().map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(tokens).toEqual([
      { grant_type: 'password', username: 'admin', password: 'pw' },
      { client_id: 'cf', client_secret: '', grant_type: 'refresh_token', refresh_token: 'r1' },
    ]);
    expect(cf.apiRequests().map(jtiOf)).toEqual(['t1', 't2']);
    expect({ api: client.requestCount, uaa: client.tokenRequestCount }).toEqual({ api: 3, uaa: 2 }); // GET /, 401, 200
  });

  it('a second 401 surfaces', async () => {
    cf = await scripted([
      { status: 401, body: { errors: [{ detail: 'Invalid Auth Token', title: 'CF-InvalidAuthToken', code: 1000 }] } },
    ]);
    const { client } = await loggedIn();
    const error = await client.featureFlags.get('x').catch((e: unknown) => e);
    expect(isInvalidToken(error)).toBe(true);
    expect(cf.apiRequests()).toHaveLength(2);
    expect(cf.tokenRequests()).toHaveLength(2);
  });

  it('refreshes shortly before expiry, without a 401', async () => {
    let now = NOW;
    cf = await scripted([FLAG], (_req, n) =>
      tokenReply({ access: `t${n}`, refresh: 'r1', expiresIn: 120, nowMs: now }),
    );
    const { client } = testClient(cf, { now: () => now });
    await client.login();
    await client.featureFlags.get('x');
    now += 100_000; // 20 s left: inside the 30 s skew
    await client.featureFlags.get('x');
    expect(cf.apiRequests().map(jtiOf)).toEqual(['t1', 't2']);
    expect(new URLSearchParams(cf.tokenRequests()[1]!.body).get('grant_type')).toBe('refresh_token');
  });

  it('a token whose exp is already past (clock skew, or the UAA docs example) is not renewed on every request', async () => {
    cf = await scripted([FLAG], () => ({ status: 200, body: fixture('uaa_oauth_token_password_grant.json') }));
    const { client } = await loggedIn();
    await client.featureFlags.get('x');
    await client.featureFlags.get('x');
    expect(cf.tokenRequests()).toHaveLength(1);
  });

  it('concurrent requests share one token fetch', async () => {
    let now = NOW;
    cf = await scripted([FLAG], (_req, n) => tokenReply({ access: `t${n}`, refresh: 'r1', expiresIn: 60, nowMs: now }));
    const { client } = testClient(cf, { now: () => now });
    await client.login();
    now += 60_000;
    await Promise.all(Array.from({ length: 10 }, () => client.featureFlags.get('x')));
    expect(cf.tokenRequests()).toHaveLength(2);
    expect(new Set(cf.apiRequests().map(jtiOf))).toEqual(new Set(['t2']));
  });

  it('a rejected refresh token falls back to the original grant', async () => {
    let now = NOW;
    cf = await scripted([FLAG], (req, n) =>
      new URLSearchParams(req.body).get('grant_type') === 'refresh_token'
        ? { status: 401, body: { error: 'invalid_token', error_description: 'expired' } }
        : tokenReply({ access: `t${n}`, refresh: 'r1', expiresIn: 60, nowMs: now }),
    );
    const { client } = testClient(cf, { now: () => now });
    await client.login();
    now += 60_000;
    await client.featureFlags.get('x');
    expect(cf.tokenRequests().map((r) => new URLSearchParams(r.body).get('grant_type'))).toEqual([
      'password',
      'refresh_token',
      'password',
    ]);
    expect(cf.apiRequests().map(jtiOf)).toEqual(['t3']);
  });

  it('client_credentials: id and secret in the body, no refresh token, re-runs the grant', async () => {
    let now = NOW;
    cf = await scripted([FLAG], (_req, n) =>
      tokenReply({ access: `t${n}`, expiresIn: 60, nowMs: now, scopes: ['cloud_controller.admin_read_only'] }),
    );
    const { client } = testClient(cf, { now: () => now, auth: { clientId: 'auditor', clientSecret: 's3cret' } });
    const identity = await client.login();
    expect(identity.kind).toBe('admin_read_only');
    now += 60_000;
    await client.featureFlags.get('x');
    const first = cf.tokenRequests()[0]!;
    expect(first.headers.authorization).toBeUndefined();
    expect(cf.tokenRequests().map((r) => Object.fromEntries(new URLSearchParams(r.body)))).toEqual([
      { grant_type: 'client_credentials', client_id: 'auditor', client_secret: 's3cret' },
      { grant_type: 'client_credentials', client_id: 'auditor', client_secret: 's3cret' },
    ]);
  });

  it('origin is sent as login_hint', async () => {
    cf = await scripted([FLAG]);
    const { client } = testClient(cf, { auth: { username: 'u', password: 'p', origin: 'ldap' } });
    await client.login();
    expect(cf.tokenRequests()[0]!.query.get('login_hint')).toBe('{"origin":"ldap"}');
  });

  it('bad credentials: UaaError naming the user', async () => {
    cf = await scripted([FLAG], () => ({
      status: 401,
      body: { error: 'unauthorized', error_description: 'Bad credentials' },
    }));
    const { client } = testClient(cf);
    const error = await client.login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UaaError);
    expect((error as Error).message).toBe('UAA rejected the login of user "admin": 401 unauthorized: Bad credentials');
  });

  it.each([
    [['cloud_controller.admin', 'cloud_controller.read'], 'admin'],
    [['cloud_controller.admin_read_only'], 'admin_read_only'],
    [['cloud_controller.global_auditor'], 'global_auditor'],
    [['cloud_controller.read', 'cloud_controller.write'], 'user'],
  ])('scopes %j → identity kind %s', async (scopes, kind) => {
    cf = await scripted([FLAG], () => tokenReply({ access: 't', scopes }));
    const { client } = testClient(cf);
    expect((await client.login()).kind).toBe(kind);
    expect(client.identity?.scopes).toEqual(scopes);
  });
});

describe('pagination', () => {
  it('follows next.href exactly as given across 3 pages, rebased on the API origin', async () => {
    cf = await startCf((req) => {
      if (req.path !== '/v3/service_instances') return undefined;
      const page = req.query.get('page') ?? '1';
      const next: Record<string, string | null> = {
        '1': `${cf!.url}/v3/service_instances?type=managed&page=2&per_page=2`,
        '2': 'https://api.example.org/v3/service_instances?per_page=2&page=3&type=managed',
        '3': null,
      };
      const href = next[page];
      return {
        status: 200,
        body: {
          pagination: { total_results: 5, total_pages: 3, next: href ? { href } : null },
          resources: [{ guid: `g${page}a` }, { guid: `g${page}b` }],
          included: { spaces: [{ guid: 's1' }, { guid: `s${page}` }] },
        },
      };
    });
    const { client } = await loggedIn();
    const { resources, included } = await client.serviceInstances
      .list({ type: 'managed', per_page: 2 })
      .allWithIncluded();
    expect(resources.map((r) => r.guid)).toEqual(['g1a', 'g1b', 'g2a', 'g2b', 'g3a', 'g3b']);
    expect(included.spaces).toEqual([{ guid: 's1' }, { guid: 's2' }, { guid: 's3' }]);
    expect(cf.apiRequests().map((r) => r.url)).toEqual([
      '/v3/service_instances?per_page=2&type=managed',
      '/v3/service_instances?type=managed&page=2&per_page=2',
      '/v3/service_instances?per_page=2&page=3&type=managed',
    ]);
  });

  it('batches 450 guids into 3 requests of at most 200', async () => {
    cf = await startCf((req) =>
      req.path === '/v3/service_instances'
        ? {
            status: 200,
            body: {
              ...OK_LIST,
              resources: (req.query.get('space_guids') ?? '').split(',').map((g) => ({ guid: `si-${g}` })),
            },
          }
        : undefined,
    );
    const { client } = await loggedIn();
    const guids = Array.from({ length: 450 }, (_, i) => `space-${i}`);
    const seen: string[] = [];
    for await (const page of client.serviceInstances.listByGuidFilter('space_guids', guids, { type: 'managed' }))
      seen.push(...page.resources.map((r) => r.guid));
    const sent = cf.apiRequests();
    expect(sent.map((r) => (r.query.get('space_guids') ?? '').split(',').length)).toEqual([200, 200, 50]);
    expect(sent.every((r) => r.query.get('type') === 'managed' && r.query.get('per_page') === '5000')).toBe(true);
    expect(sent[0]!.url).toContain('space_guids=space-0,space-1,');
    expect(seen).toHaveLength(450);
    expect(seen[449]).toBe('si-space-449');
  });

  it('requestLimit stops an endless walk', async () => {
    let n = 0;
    cf = await startCf((req) =>
      req.path === '/v3/spaces'
        ? {
            status: 200,
            body: { pagination: { next: { href: `/v3/spaces?page=${(n += 1) + 1}` } }, resources: [{ guid: `s${n}` }] },
          }
        : undefined,
    );
    const { client } = await loggedIn();
    await expect(client.spaces.list({ requestLimit: 3 }).all()).rejects.toBeInstanceOf(PaginationError);
    expect(cf.apiRequests()).toHaveLength(3);
  });

  it('a repeated next link is an error, not a loop', async () => {
    cf = await startCf((req) =>
      req.path === '/v3/spaces'
        ? { status: 200, body: { pagination: { next: { href: '/v3/spaces?page=2' } }, resources: [] } }
        : undefined,
    );
    const { client } = await loggedIn();
    await expect(client.spaces.listAll()).rejects.toThrow(/same next link twice/);
  });

  it('single() and first()', async () => {
    cf = await startCf((req) =>
      req.path === '/v3/organizations'
        ? {
            status: 200,
            body: {
              pagination: { next: null },
              resources: req.query.get('names') === 'one' ? [{ guid: 'o1' }] : [{ guid: 'o1' }, { guid: 'o2' }],
            },
          }
        : undefined,
    );
    const { client } = await loggedIn();
    expect(await client.organizations.list({ names: ['one'] }).single()).toEqual({ guid: 'o1' });
    await expect(client.organizations.list().single()).rejects.toThrow(/more than one/);
    expect(await client.organizations.list().first()).toEqual({ guid: 'o1' });
  });

  it('resource first() and single() ask CC for one and two resources', async () => {
    cf = await startCf((req) =>
      req.path === '/v3/organizations'
        ? { status: 200, body: { pagination: { next: null }, resources: [{ guid: 'o1' }] } }
        : undefined,
    );
    const { client } = await loggedIn();
    expect(await client.organizations.first({ names: ['a'] })).toEqual({ guid: 'o1' });
    expect(await client.organizations.single({ names: ['a'] })).toEqual({ guid: 'o1' });
    expect(cf.apiRequests().map((r) => r.url)).toEqual([
      '/v3/organizations?per_page=1&names=a',
      '/v3/organizations?per_page=2&names=a',
    ]);
  });

  it('a list body without pagination is MalformedResponseError', async () => {
    cf = await startCf((req) => (req.path === '/v3/spaces' ? { status: 200, body: { data: [] } } : undefined));
    const { client } = await loggedIn();
    await expect(client.spaces.listAll()).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('got options', () => {
  it('validates TLS by default; skipSslValidation turns it off', () => {
    const strict = new CfClient({ api: 'https://api.example.org', auth: { username: 'u', password: 'p' } });
    expect(strict.transport.got.defaults.options.https.rejectUnauthorized).toBe(true);
    // got runs the retries; the policy (and the resend after a token renewal, one above the fault limit) is ours.
    expect(strict.transport.got.defaults.options.retry.limit).toBe(6);
    expect(strict.transport.got.defaults.options.retry.calculateDelay).toBeTypeOf('function');
    const lax = new CfClient({
      api: 'https://api.example.org',
      auth: { username: 'u', password: 'p' },
      skipSslValidation: true,
    });
    expect(lax.transport.got.defaults.options.https.rejectUnauthorized).toBe(false);
  });

  it('refuses to send the token to another origin', async () => {
    cf = await scripted([FLAG]);
    const { client } = await loggedIn();
    await expect(client.transport.request({ method: 'GET', path: 'https://evil.example.org/v3/x' })).rejects.toThrow(
      /refusing to send the API token/,
    );
  });
});
