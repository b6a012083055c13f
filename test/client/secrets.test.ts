import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from './helpers/memory-logger.js';
import { CfClient } from '../../src/client/index.js';
import { makeJwt, rootReply, startServer, type TestServer } from './helpers/cf-test-server.js';

const PASSWORD = 'pa55-W0rd-SENTINEL';
const CLIENT_SECRET = 'cl1ent-SECRET-SENTINEL';
const ACCESS = makeJwt({
  jti: 'ACCESS-SENTINEL',
  scope: ['cloud_controller.read'],
  user_name: 'alice',
  exp: 4_000_000_000,
});
const REFRESH = 'refresh-SENTINEL-token';
const SECRETS = [
  PASSWORD,
  CLIENT_SECRET,
  ACCESS,
  REFRESH,
  'ACCESS-SENTINEL',
  Buffer.from(`cf:${PASSWORD}`).toString('base64'),
];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('secrets never leave the process', () => {
  it('no password, client secret, access or refresh token in logs or any rendering of thrown errors', async () => {
    let tokenCalls = 0;
    server = await startServer((req) => {
      if (req.path === '/') return rootReply(server!.url);
      if (req.path === '/oauth/token') {
        tokenCalls += 1;
        const grant = new URLSearchParams(req.body).get('grant_type');
        if (grant === 'client_credentials')
          return {
            status: 401,
            body: { error: 'unauthorized', error_description: `Bad credentials for ${CLIENT_SECRET}` },
          };
        if (grant === 'refresh_token') return { status: 500, body: 'boom' };
        return tokenCalls === 1
          ? {
              status: 200,
              body: { access_token: ACCESS, refresh_token: REFRESH, expires_in: 1200, token_type: 'bearer' },
            }
          : { status: 400, body: { error: 'invalid_grant', error_description: `password ${PASSWORD} rejected` } };
      }
      if (req.path === '/v3/service_instances')
        return {
          status: 500,
          body: { errors: [{ detail: 'An unknown error occurred.', title: 'UnknownError', code: 10001 }] },
        };
      if (req.path === '/v3/spaces')
        return {
          status: 401,
          body: { errors: [{ detail: 'Invalid Auth Token', title: 'CF-InvalidAuthToken', code: 1000 }] },
        };
      if (req.path === '/v3/bad') return { status: 200, body: `{"access_token":"${ACCESS}"` };
      if (req.path === '/v3/cut')
        return { status: 200, body: { credentials: { token: ACCESS, password: PASSWORD } }, cutAfter: 60 };
      return undefined;
    });
    const { lines, log } = memoryLogger();
    const errors: unknown[] = [];
    const capture = (p: Promise<unknown>) =>
      p.then(
        () => errors.push(new Error('expected a failure')),
        (e: unknown) => errors.push(e),
      );

    const user = new CfClient({
      api: server.url,
      auth: { username: 'alice', password: PASSWORD },
      log,
      sleep: async () => {},
      retry: { limit: 2 },
    });
    await user.login();
    await capture(user.serviceInstances.listAll()); // 500s until retries run out
    await capture(user.transport.request({ method: 'GET', path: '/v3/bad' }));
    await capture(user.transport.request({ method: 'GET', path: '/v3/cut' })); // cut short until retries run out
    await capture(user.spaces.listAll()); // 401 → refresh fails (500) → password grant fails (400)
    const service = new CfClient({
      api: `${server.url}/`,
      auth: { clientId: 'bot', clientSecret: CLIENT_SECRET },
      log,
      sleep: async () => {},
    });
    await capture(service.login());

    expect(errors).toHaveLength(5);
    expect(errors.map((e) => (e as Error).name)).toEqual([
      'CfApiError',
      'MalformedResponseError',
      'MalformedResponseError',
      'UaaError',
      'UaaError',
    ]);
    expect((errors[3] as Error).message).toContain('user "alice"');
    expect((errors[4] as Error).message).toContain('client "bot"');
    expect(lines.length).toBeGreaterThan(5);

    const renderings = [
      ...lines,
      inspect(user, { depth: 8 }),
      inspect(user.settings, { depth: 8 }),
      JSON.stringify(user.identity),
      ...errors.flatMap((e) => {
        const error = e as Error;
        return [
          error.message,
          String(error.stack),
          JSON.stringify(error),
          inspect(error, { depth: 10 }),
          inspect(error, { depth: 10, showHidden: true }).replace(/\[body\]: '.*'/g, ''),
        ];
      }),
    ];
    for (const text of renderings) {
      for (const secret of SECRETS) expect(text, 'a secret leaked').not.toContain(secret);
    }
  });

  it('a UAA that echoes the request form gets no secret through in any of its encodings', async () => {
    const secret = 'Pa$s/w+rd =&SENTINEL';
    server = await startServer((req) => {
      if (req.path === '/') return rootReply(server!.url);
      if (req.path === '/oauth/token')
        return { status: 400, body: { error: 'invalid_request', error_description: `could not read ${req.body}` } };
      return undefined;
    });
    const { lines, log } = memoryLogger();
    const client = new CfClient({ api: server.url, auth: { clientId: 'bot', clientSecret: secret }, log });
    const error = await client.login().then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(error.name).toBe('UaaError');
    const forms = [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
    expect(new Set(forms).size).toBe(3);
    for (const text of [...lines, error.message, inspect(error, { depth: 10, showHidden: true })])
      for (const form of forms) expect(text, 'a secret leaked').not.toContain(form);
  });
});
