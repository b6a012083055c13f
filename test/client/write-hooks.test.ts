import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from './helpers/memory-logger.js';
import {
  CfApiError,
  MalformedResponseError,
  NetworkError,
  type SendAnswer,
  type SendAttempt,
  type WriteHooks,
} from '../../src/client/index.js';
import { tokenReply, type Reply, type SeenRequest } from './helpers/cf-test-server.js';
import { startCf, testClient, type FakeCf } from './helpers/test-cf.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UNSHARE = '/v3/service_instances/si/relationships/shared_spaces/sp';
const UNAVAILABLE: Reply = {
  status: 503,
  body: { errors: [{ detail: 'Database connection failure', title: 'CF-ServiceUnavailable', code: 10015 }] },
};
const INVALID_TOKEN: Reply = {
  status: 401,
  body: { errors: [{ detail: 'Invalid Auth Token', title: 'CF-InvalidAuthToken', code: 1000 }] },
};
const FLAG = { name: 'x', enabled: true, updated_at: null, custom_error_message: null, links: {} };

let cf: FakeCf | undefined;
afterEach(async () => {
  await cf?.close();
  cf = undefined;
});

/** A fake CC answering `path` with the scripted replies in order (the last one repeats). */
async function scripted(
  path: string,
  replies: Reply[],
  token?: (req: SeenRequest, n: number) => Reply,
): Promise<FakeCf> {
  let i = 0;
  return startCf((req) => {
    if (req.path !== path) return undefined;
    const reply = replies[Math.min(i, replies.length - 1)];
    i += 1;
    return reply;
  }, token);
}

type HookEvent =
  | { hook: 'beforeSend'; attempt: SendAttempt; at: number }
  | { hook: 'afterAnswer'; attempt: SendAttempt; answer: SendAnswer; at: number };

/** Hooks that record every call; `before` runs inside beforeSend after it is recorded. */
function recordingHooks(before?: (attempt: SendAttempt) => Promise<void>): { hooks: WriteHooks; events: HookEvent[] } {
  const events: HookEvent[] = [];
  return {
    events,
    hooks: {
      async beforeSend(attempt) {
        events.push({ hook: 'beforeSend', attempt, at: Date.now() });
        await before?.(attempt);
      },
      async afterAnswer(attempt, answer) {
        events.push({ hook: 'afterAnswer', attempt, answer, at: Date.now() });
      },
    },
  };
}

const sentIds = (requests: SeenRequest[]) => requests.map((r) => r.headers['x-vcap-request-id']);

describe('write hooks', () => {
  it('run once per send with n = 1..3 across 503 → 503 → 204, each with the id that reached CC', async () => {
    cf = await scripted(UNSHARE, [UNAVAILABLE, UNAVAILABLE, { status: 204 }]);
    const { client, waits } = testClient(cf);
    await client.login();
    const { hooks, events } = recordingHooks();
    const result = await client.serviceInstances.unshareFromSpace('si', 'sp', { hooks });

    expect(events.map((e) => [e.hook, e.attempt.n, e.hook === 'afterAnswer' ? e.answer : null])).toEqual([
      ['beforeSend', 1, null],
      ['afterAnswer', 1, { status: 503, requestId: null, ccCode: 10015 }],
      ['beforeSend', 2, null],
      ['afterAnswer', 2, { status: 503, requestId: null, ccCode: 10015 }],
      ['beforeSend', 3, null],
      ['afterAnswer', 3, { status: 204, requestId: null }],
    ]);
    const ids = events.filter((e) => e.hook === 'beforeSend').map((e) => e.attempt.requestId);
    expect(sentIds(cf.apiRequests())).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => UUID.test(id))).toBe(true);
    // afterAnswer sees the same attempt object as its beforeSend.
    expect(events.filter((e) => e.hook === 'afterAnswer').map((e) => e.attempt.requestId)).toEqual(ids);
    expect(result).toEqual({ status: 204, requestId: ids[2] });
    expect(waits).toHaveLength(2);
  });

  it('count the resend after a 401 token renewal', async () => {
    cf = await scripted(UNSHARE, [INVALID_TOKEN, { status: 204 }]);
    const { client } = testClient(cf);
    await client.login();
    const { hooks, events } = recordingHooks();
    await client.serviceInstances.unshareFromSpace('si', 'sp', { hooks });
    expect(events.map((e) => [e.hook, e.attempt.n, e.hook === 'afterAnswer' ? e.answer : null])).toEqual([
      ['beforeSend', 1, null],
      ['afterAnswer', 1, { status: 401, requestId: null, ccCode: 1000 }],
      ['beforeSend', 2, null],
      ['afterAnswer', 2, { status: 204, requestId: null }],
    ]);
    expect(cf.tokenRequests()).toHaveLength(2);
  });

  it('the resend after a token renewal does not use up the retry limit', async () => {
    cf = await scripted(UNSHARE, [UNAVAILABLE, INVALID_TOKEN, UNAVAILABLE, { status: 204 }]);
    const { client, waits } = testClient(cf, { retry: { limit: 2 } });
    await client.login();
    const { hooks, events } = recordingHooks();
    const result = await client.serviceInstances.unshareFromSpace('si', 'sp', { hooks });
    expect(result.status).toBe(204);
    expect(events.filter((e) => e.hook === 'afterAnswer').map((e) => (e.answer as { status: number }).status)).toEqual([
      503, 401, 503, 204,
    ]);
    // Two fault retries waited; the renewal resent at once.
    expect(waits).toHaveLength(2);
    expect(cf.tokenRequests()).toHaveLength(2);
  });

  it('a token renewal under one read slot does not wait for the slot its own request holds', async () => {
    cf = await scripted('/v3/feature_flags/x', [INVALID_TOKEN, { status: 200, body: FLAG }]);
    // The token request is paced as a read: the rejected GET's slot must be free before the renewal is sent.
    const { client } = testClient(cf, { pacing: { readsPerSecond: 0, writesPerSecond: 0, maxInFlight: 1 } });
    await client.login();
    const read = client.featureFlags.get('x').then(() => 'done');
    expect(await Promise.race([read, delay(5000).then(() => 'stuck')])).toBe('done');
    expect(cf.tokenRequests()).toHaveLength(2);
  });

  it('an error of a hook is thrown as it is and never retried, whatever its code', async () => {
    cf = await scripted(UNSHARE, [{ status: 204 }]);
    const { client, waits } = testClient(cf);
    await client.login();
    const redisDown = Object.assign(new Error('Connection is closed.'), { code: 'ECONNRESET' });
    const hooks: WriteHooks = {
      async beforeSend() {},
      async afterAnswer() {
        throw redisDown;
      },
    };
    await expect(client.serviceInstances.unshareFromSpace('si', 'sp', { hooks })).rejects.toBe(redisDown);
    expect(cf.apiRequests()).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('beforeSend is awaited before the request leaves', async () => {
    cf = await scripted(UNSHARE, [{ status: 204 }]);
    const { client } = testClient(cf);
    await client.login();
    let hookDone = 0;
    const { hooks } = recordingHooks(async () => {
      await delay(200);
      hookDone = Date.now();
    });
    await client.serviceInstances.unshareFromSpace('si', 'sp', { hooks });
    expect(hookDone).toBeGreaterThan(0);
    expect(cf.apiRequests()[0]!.at).toBeGreaterThanOrEqual(hookDone);
  });

  it('beforeSend runs after the pacer wait, right before the send', async () => {
    cf = await scripted(UNSHARE, [{ status: 204 }]);
    // A real sleep: two writes at 2/s are started 500 ms apart.
    const { client } = testClient(cf, { pacing: { readsPerSecond: 0, writesPerSecond: 2 }, sleep: (ms) => delay(ms) });
    await client.login();
    const { hooks, events } = recordingHooks();
    await Promise.all([
      client.serviceInstances.unshareFromSpace('si', 'sp', { hooks }),
      client.serviceInstances.unshareFromSpace('si', 'sp', { hooks }),
    ]);
    const before = events.filter((e) => e.hook === 'beforeSend').map((e) => e.at);
    const arrivals = cf.apiRequests().map((r) => r.at);
    expect(before[1]! - before[0]!).toBeGreaterThanOrEqual(450);
    // Far under the pacer interval, with room for a loaded test machine.
    arrivals.forEach((arrival, i) => expect(arrival - before[i]!).toBeLessThan(250));
  });

  it('a throwing beforeSend sends nothing, and its error propagates', async () => {
    cf = await scripted(UNSHARE, [{ status: 204 }]);
    const { client } = testClient(cf);
    await client.login();
    const sentBefore = client.requestCount;
    const boom = new Error('audit store down');
    const answers: SendAnswer[] = [];
    const hooks: WriteHooks = {
      beforeSend: async () => {
        throw boom;
      },
      afterAnswer: async (_attempt, answer) => void answers.push(answer),
    };
    await expect(client.serviceInstances.unshareFromSpace('si', 'sp', { hooks })).rejects.toBe(boom);
    expect(cf.apiRequests()).toEqual([]);
    expect(answers).toEqual([]);
    expect(client.requestCount).toBe(sentBefore);
  });

  it('a throwing afterAnswer propagates and stops the retries', async () => {
    cf = await scripted(UNSHARE, [UNAVAILABLE, { status: 204 }]);
    const { client } = testClient(cf);
    await client.login();
    const boom = new Error('audit store down');
    const hooks: WriteHooks = {
      beforeSend: async () => {},
      afterAnswer: async () => {
        throw boom;
      },
    };
    await expect(client.serviceInstances.unshareFromSpace('si', 'sp', { hooks })).rejects.toBe(boom);
    expect(cf.apiRequests()).toHaveLength(1);
  });

  it('binding delete and feature-flag patch take hooks too, and can answer status and request id', async () => {
    cf = await startCf((req) => {
      if (req.method === 'DELETE' && req.path === '/v3/service_credential_bindings/b1')
        return {
          status: 202,
          headers: { location: '/v3/jobs/j1', 'x-vcap-request-id': `${String(req.headers['x-vcap-request-id'])}::cc` },
        };
      if (req.method === 'PATCH' && req.path === '/v3/feature_flags/x') return { status: 200, body: FLAG };
      return undefined;
    });
    const { client } = testClient(cf);
    await client.login();
    const { hooks, events } = recordingHooks();
    expect(await client.serviceCredentialBindings.delete('b1', { hooks })).toBe('j1');
    const result = await client.serviceCredentialBindings.deleteWithResult('b1', { hooks });
    expect(result).toEqual({
      status: 202,
      jobGuid: 'j1',
      requestId: `${String(cf.apiRequests()[1]!.headers['x-vcap-request-id'])}::cc`,
    });
    expect(await client.featureFlags.patch('x', { enabled: false }, { hooks })).toEqual(FLAG);
    expect((await client.featureFlags.patchWithResult('x', { enabled: false }, { hooks })).flag).toEqual(FLAG);
    expect(
      events
        .filter((e) => e.hook === 'afterAnswer')
        .map((e) => (e.hook === 'afterAnswer' && 'status' in e.answer ? e.answer.status : null)),
    ).toEqual([202, 202, 200, 200]);
  });
});

describe('request ids', () => {
  it('CC answers <sent>::<uuid>: CfApiError and afterAnswer keep the answered id', async () => {
    cf = await startCf((req) =>
      req.path === UNSHARE
        ? {
            status: 422,
            body: { errors: [{ detail: 'space is being deleted', title: 'CF-ResourceBeingDeleted', code: 10020 }] },
            headers: { 'x-vcap-request-id': `${String(req.headers['x-vcap-request-id'])}::4b1e-cc` },
          }
        : undefined,
    );
    const { client } = testClient(cf);
    await client.login();
    const { hooks, events } = recordingHooks();
    const error = await client.serviceInstances.unshareFromSpace('si', 'sp', { hooks }).catch((e: unknown) => e);
    const sent = cf.apiRequests()[0]!.headers['x-vcap-request-id'];
    expect(sent).toMatch(UUID);
    expect(error).toBeInstanceOf(CfApiError);
    expect((error as CfApiError).requestId).toBe(`${String(sent)}::4b1e-cc`);
    expect(events.at(-1)).toMatchObject({
      hook: 'afterAnswer',
      attempt: { n: 1, requestId: sent },
      answer: { status: 422, requestId: `${String(sent)}::4b1e-cc` },
    });
  });

  it('without an answered id, CfApiError keeps the one sent', async () => {
    cf = await scripted(UNSHARE, [
      { status: 404, body: { errors: [{ detail: 'not found', title: 'CF-ResourceNotFound', code: 10010 }] } },
    ]);
    const { client } = testClient(cf);
    await client.login();
    const error = await client.serviceInstances.unshareFromSpace('si', 'sp').catch((e: unknown) => e);
    expect((error as CfApiError).requestId).toBe(cf.apiRequests()[0]!.headers['x-vcap-request-id']);
  });

  it('every request, reads and token requests included, sends a fresh id', async () => {
    cf = await scripted('/v3/feature_flags/x', [{ status: 200, body: FLAG }]);
    const { client } = testClient(cf);
    await client.login();
    await client.featureFlags.get('x');
    await client.featureFlags.get('x');
    const ids = sentIds(cf.requests);
    expect(ids).toHaveLength(4); // GET /, token, 2 reads
    expect(ids.every((id) => UUID.test(String(id)))).toBe(true);
    expect(new Set(ids).size).toBe(4);
  });

  it('NetworkError carries the id sent, and afterAnswer the code', async () => {
    cf = await scripted(UNSHARE, [{ status: 0, reset: true }]);
    const { client } = testClient(cf, { retry: { limit: 0 } });
    await client.login();
    const { hooks, events } = recordingHooks();
    const error = await client.serviceInstances.unshareFromSpace('si', 'sp', { hooks }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).requestId).toBe(cf.apiRequests()[0]!.headers['x-vcap-request-id']);
    expect(events.at(-1)).toMatchObject({ hook: 'afterAnswer', answer: { networkError: 'ECONNRESET' } });
  });
});

describe('transient faults', () => {
  it('a connection reset on the token request is retried', async () => {
    cf = await startCf(
      () => undefined,
      (_req, n) => (n === 1 ? { status: 0, reset: true } : tokenReply({ access: `t${n}` })),
    );
    const { client, waits } = testClient(cf);
    expect((await client.login()).kind).toBe('admin');
    expect(cf.tokenRequests()).toHaveLength(2);
    expect(client.tokenRequestCount).toBe(2);
    expect(waits).toHaveLength(1);
  });

  it('a connection reset on another POST is not retried (it may have been applied)', async () => {
    cf = await scripted('/v3/service_instances/si/relationships/shared_spaces', [
      { status: 0, reset: true },
      { status: 200, body: { data: [], links: {} } },
    ]);
    const { client, waits } = testClient(cf);
    await client.login();
    await expect(client.serviceInstances.shareToSpaces('si', ['sp'])).rejects.toMatchObject({
      name: 'NetworkError',
      code: 'ECONNRESET',
    });
    expect(cf.apiRequests()).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('a token answer cut short is retried, and neither logs nor retries show the token', async () => {
    const first = tokenReply({ access: 'CUT-SENTINEL' });
    const firstToken = (first.body as { access_token: string }).access_token;
    cf = await startCf(
      () => undefined,
      (_req, n) => (n === 1 ? { ...first, cutAfter: 40 } : tokenReply({ access: `t${n}` })),
    );
    const { lines, log } = memoryLogger();
    const { client } = testClient(cf, { log });
    await client.login();
    expect(cf.tokenRequests()).toHaveLength(2);
    expect(lines.some((l) => l.includes('unreadable answer, retrying'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(firstToken.slice(0, 30));
  });

  it('a 200 body cut short on a GET is retried, then succeeds', async () => {
    cf = await scripted('/v3/feature_flags/x', [
      { status: 200, body: FLAG, cutAfter: 10 },
      { status: 200, body: FLAG },
    ]);
    const { client, waits } = testClient(cf);
    await client.login();
    const { hooks, events } = recordingHooks();
    expect((await client.transport.request({ method: 'GET', path: '/v3/feature_flags/x', hooks })).body).toEqual(FLAG);
    expect(cf.apiRequests()).toHaveLength(2);
    expect(waits).toHaveLength(1);
    // The status line arrived: an answer, not a network error.
    expect(
      events.filter((e) => e.hook === 'afterAnswer').map((e) => (e.hook === 'afterAnswer' ? e.answer : null)),
    ).toEqual([
      { status: 200, requestId: null },
      { status: 200, requestId: null },
    ]);
  });

  it('a GET whose body is cut every time gives up after retry.limit with MalformedResponseError', async () => {
    cf = await scripted('/v3/feature_flags/x', [{ status: 200, body: FLAG, cutAfter: 10 }]);
    const { client, waits } = testClient(cf, { retry: { limit: 2 } });
    await client.login();
    const error = await client.featureFlags.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error).toMatchObject({
      status: 200,
      reason: 'body cut short (ECONNRESET)',
      requestId: cf.apiRequests()[2]!.headers['x-vcap-request-id'],
    });
    expect(cf.apiRequests()).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('a non-JSON 200 on a GET is retried, then succeeds', async () => {
    cf = await scripted('/v3/feature_flags/x', [
      { status: 200, body: '<html>gorouter</html>' },
      { status: 200, body: FLAG },
    ]);
    const { client } = testClient(cf);
    await client.login();
    expect(await client.featureFlags.get('x')).toEqual(FLAG);
    expect(cf.apiRequests()).toHaveLength(2);
  });

  it.each([
    [
      'DELETE',
      UNSHARE,
      (c: ReturnType<typeof testClient>['client']) => c.serviceInstances.unshareFromSpace('si', 'sp'),
    ],
    [
      'PATCH',
      '/v3/feature_flags/x',
      (c: ReturnType<typeof testClient>['client']) => c.featureFlags.patch('x', { enabled: false }),
    ],
  ] as const)('a 200 body cut short on a %s is not retried: the write happened', async (_method, path, write) => {
    cf = await scripted(path, [
      { status: 200, body: FLAG, cutAfter: 10 },
      { status: 200, body: FLAG },
    ]);
    const { client, waits } = testClient(cf);
    await client.login();
    const error = await write(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error).toMatchObject({ status: 200, reason: 'body cut short (ECONNRESET)' });
    expect(cf.apiRequests()).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('a non-JSON 2xx on a DELETE is not retried', async () => {
    cf = await scripted(UNSHARE, [{ status: 200, body: '<html>gorouter</html>' }, { status: 204 }]);
    const { client } = testClient(cf);
    await client.login();
    await expect(client.serviceInstances.unshareFromSpace('si', 'sp')).rejects.toMatchObject({
      name: 'MalformedResponseError',
      status: 200,
      reason: 'not JSON',
    });
    expect(cf.apiRequests()).toHaveLength(1);
  });

  it('a 503 whose body is cut short is still a 503, retried by status', async () => {
    cf = await scripted(UNSHARE, [{ ...UNAVAILABLE, cutAfter: 5 }, { status: 204 }]);
    const { client, waits } = testClient(cf);
    await client.login();
    expect(await client.serviceInstances.unshareFromSpace('si', 'sp')).toMatchObject({ status: 204 });
    expect(cf.apiRequests()).toHaveLength(2);
    expect(waits).toHaveLength(1);
  });
});
