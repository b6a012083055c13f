import { afterEach, describe, expect, it } from 'vitest';
import { endpointFamily, type SendObservation } from '../../src/client/index.js';
import { startCf, testClient, type FakeCf } from './helpers/test-cf.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const RATE_LIMITED = { errors: [{ detail: 'Rate Limit Exceeded', title: 'CF-RateLimitExceeded', code: 10013 }] };
const GUID = '2f35885d-0c9d-4423-83ad-fd05066f8576';

let cf: FakeCf | undefined;
afterEach(async () => {
  await cf?.close();
  cf = undefined;
});

describe('endpointFamily', () => {
  it.each([
    ['https://api.example.com/v3/service_instances?page=2&per_page=5000', '/', '/v3/service_instances'],
    [`https://api.example.com/v3/service_instances/${GUID}/relationships/shared_spaces`, '/', '/v3/service_instances'],
    [`https://api.example.com/v3/service_credential_bindings/${GUID}`, '/', '/v3/service_credential_bindings'],
    ['https://api.example.com/cf/v3/spaces?guids=a,b', '/cf', '/v3/spaces'],
    ['https://uaa.example.com/oauth/token', '/', '/oauth/token'],
    ['https://api.example.com/', '/', '/'],
    [`https://api.example.com/${GUID}`, '/', '/:guid'],
  ])('%s under %s is %s', (url, root, family) => {
    expect(endpointFamily(new URL(url), root)).toBe(family);
  });
});

describe('onSend', () => {
  it('is told of every send with its family and status, and which sends were retries (429 then 200)', async () => {
    let n = 0;
    cf = await startCf((req) => {
      if (!req.path.startsWith('/v3/service_instances/')) return undefined;
      n += 1;
      return n === 1
        ? { status: 429, body: RATE_LIMITED, headers: { 'retry-after': '1' } }
        : { status: 200, body: { guid: GUID, name: 'db', type: 'managed', links: {} } };
    });
    const seen: SendObservation[] = [];
    const { client } = testClient(cf, { now: () => NOW, onSend: (send) => seen.push(send) });
    await client.login();
    await client.transport.request({ method: 'GET', path: `/v3/service_instances/${GUID}` });
    expect(seen.filter((s) => s.family.startsWith('/v3'))).toEqual([
      { family: '/v3/service_instances', method: 'GET', status: 429, retry: false },
      { family: '/v3/service_instances', method: 'GET', status: 200, retry: true },
    ]);
    // The login (root document, token) went through the same transport and is counted under its own families.
    expect(seen.some((s) => s.family === '/' && s.method === 'GET')).toBe(true);
    expect(seen.some((s) => s.family === '/oauth/token' && s.method === 'POST')).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(GUID);
  });

  it('an observer that throws does not fail the request', async () => {
    cf = await startCf((req) =>
      req.path === '/v3/spaces' ? { status: 200, body: { pagination: { next: null }, resources: [] } } : undefined,
    );
    const { client } = testClient(cf, {
      now: () => NOW,
      onSend: () => {
        throw new Error('observer bug');
      },
    });
    await client.login();
    const answer = await client.transport.request({ method: 'GET', path: '/v3/spaces' });
    expect(answer.status).toBe(200);
  });
});
