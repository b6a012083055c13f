import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { redactUrl, redactedPath } from '../../src/client/redact-url.js';
import { startCf, testClient, type FakeCf } from './helpers/test-cf.js';
import { tokenReply } from './helpers/cf-test-server.js';

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level: 'trace' }, stream) };
}

let cf: FakeCf | undefined;
afterEach(async () => {
  await cf?.close();
  cf = undefined;
});

describe('redactUrl', () => {
  it.each([
    ['https://user:pass@api.example.org/v3/x', 'https://api.example.org/v3/x'],
    [
      'https://login.example.org/oauth/token?access_token=abc&page=2',
      'https://login.example.org/oauth/token?access_token=%5BREDACTED%5D&page=2',
    ],
    [
      'https://api.example.org/v3/service_instances?names=a&per_page=5000',
      'https://api.example.org/v3/service_instances?names=a&per_page=5000',
    ],
    ['not a url', '[unparseable url]'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('redactedPath drops the origin', () => {
    expect(redactedPath('https://u:p@api.example.org/v3/jobs/j1?refresh_token=x')).toBe(
      '/v3/jobs/j1?refresh_token=%5BREDACTED%5D',
    );
  });
});

describe('logging', () => {
  it('logs each request at debug with method, path, status, duration and never headers', async () => {
    cf = await startCf((req) =>
      req.path === '/v3/feature_flags/x'
        ? {
            status: 200,
            body: { name: 'x' },
            headers: { 'x-cf-warnings': 'The+feature+flag+has+an+override,second%20warning' },
          }
        : undefined,
    );
    const { lines, log } = memoryLogger();
    const { client } = testClient(cf, { log });
    await client.login();
    await client.featureFlags.get('x');
    const request = lines.find((l) => l.msg === 'request' && l.path === '/v3/feature_flags/x');
    expect(request).toMatchObject({ level: 20, method: 'GET', status: 200, component: 'cf-client' });
    expect(typeof request?.durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toMatch(/authorization|bearer/i);
    expect(lines.filter((l) => l.msg === 'Cloud Controller warning').map((l) => l.ccWarning)).toEqual([
      'The feature flag has an override',
      'second warning',
    ]);
  });

  it.each([
    [['cloud_controller.read'], true],
    [['cloud_controller.global_auditor'], true],
    [['cloud_controller.admin'], false],
    [['cloud_controller.admin_read_only'], false],
  ])('scopes %j → rate-limiter warning %s', async (scopes, warned) => {
    cf = await startCf(
      () => undefined,
      () => tokenReply({ access: 't', scopes }),
    );
    const { lines, log } = memoryLogger();
    const { client } = testClient(cf, { log });
    await client.login();
    expect(lines.some((l) => l.level === 40 && String(l.msg).includes('rate limiter'))).toBe(warned);
  });
});
