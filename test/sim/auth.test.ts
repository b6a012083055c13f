import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, login, tokenRequest, truth } from './helpers/sim-client.js';
import type { Json } from './helpers/sim-client.js';

let sim: RunningSim;
let t: Json;

beforeAll(async () => {
  sim = await startSim({ seed: 11, tokenTtlSeconds: 600 });
  t = await truth(sim);
});
afterAll(async () => sim.close());

const decode = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

describe('UAA token endpoint (cc-api.md §10)', () => {
  it('password grant with Basic cf: gives a JWT with user_id, scopes and a refresh token', async () => {
    const a = await tokenRequest(
      sim,
      { grant_type: 'password', username: sim.credentials.username, password: sim.credentials.password },
      'cf:',
    );
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ token_type: 'bearer', expires_in: 600 });
    expect(a.body.scope.split(' ')).toContain('cloud_controller.admin');
    const claims = decode(a.body.access_token);
    expect(claims).toMatchObject({ client_id: 'cf', user_name: sim.credentials.username });
    expect(typeof claims.user_id).toBe('string');
    expect(claims.exp - claims.iat).toBe(600);
    expect(typeof a.body.refresh_token).toBe('string');
  });

  it('client credentials in the body or in Basic; no refresh token', async () => {
    const body = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
    });
    expect(body.status).toBe(200);
    expect(body.body.refresh_token).toBeUndefined();
    expect(decode(body.body.access_token).user_id).toBeUndefined();
    const basic = await tokenRequest(
      sim,
      { grant_type: 'client_credentials' },
      `${sim.credentials.clientId}:${sim.credentials.clientSecret}`,
    );
    expect(basic.status).toBe(200);
  });

  it('bad credentials and bad refresh tokens in OAuth shape', async () => {
    const bad = await tokenRequest(
      sim,
      { grant_type: 'password', username: sim.credentials.username, password: 'wrong' },
      'cf:',
    );
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: 'unauthorized', error_description: 'Bad credentials' });
    const badClient = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId,
      client_secret: 'nope',
    });
    expect(badClient.status).toBe(401);
    const refresh = await tokenRequest(sim, {
      client_id: 'cf',
      client_secret: '',
      grant_type: 'refresh_token',
      refresh_token: 'garbage',
    });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error).toBe('invalid_token');
  });

  it('an expired token gives 401 CF-InvalidAuthToken; refreshing gives a working one', async () => {
    const sim = await startSim({ seed: 11, tokenTtlSeconds: 1 });
    onTestFinished(() => sim.close());
    const a = await tokenRequest(
      sim,
      { grant_type: 'password', username: sim.credentials.username, password: sim.credentials.password },
      'cf:',
    );
    expect((await call(sim, 'GET', '/v3/organizations', a.body.access_token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await call(sim, 'GET', '/v3/organizations', a.body.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0]).toEqual({ detail: 'Invalid Auth Token', title: 'CF-InvalidAuthToken', code: 1000 });
    const r = await tokenRequest(sim, {
      client_id: 'cf',
      client_secret: '',
      grant_type: 'refresh_token',
      refresh_token: a.body.refresh_token,
    });
    expect(r.status).toBe(200);
    expect(decode(r.body.access_token).exp).toBeGreaterThan(decode(a.body.access_token).exp);
  });

  it('no token: 401 CF-NotAuthenticated; forged token: CF-InvalidAuthToken', async () => {
    const none = await call(sim, 'GET', '/v3/service_instances');
    expect(none.status).toBe(401);
    expect(none.body.errors[0]).toMatchObject({ title: 'CF-NotAuthenticated', code: 10002 });
    const forged = await call(sim, 'GET', '/v3/service_instances', 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoieCJ9.c2ln');
    expect(forged.body.errors[0]).toMatchObject({ title: 'CF-InvalidAuthToken', code: 1000 });
    // The root needs no token.
    expect((await call(sim, 'GET', '/')).status).toBe(200);
  });
});

describe('roles', () => {
  it('admin_read_only and global_auditor read everything but may not write', async () => {
    for (const role of ['admin_read_only', 'global_auditor'] as const) {
      const token = await login(sim, role);
      const list = await call(sim, 'GET', '/v3/service_instances?per_page=1', token);
      expect(list.body.pagination.total_results).toBe(t.counts.instances);
      const share = t.shares[0];
      const del = await call(
        sim,
        'DELETE',
        `/v3/service_instances/${share.instance_guid}/relationships/shared_spaces/${share.target_space_guid}`,
        token,
      );
      expect(del.status).toBe(403);
      expect(del.body.errors[0]).toMatchObject({ title: 'CF-NotAuthorized', code: 10003 });
      const patch = await call(sim, 'PATCH', '/v3/feature_flags/service_instance_sharing', token, { enabled: false });
      expect(patch.status).toBe(403);
    }
  });

  it('space developer: sees its spaces, names omitted for unreadable spaces, 403 unsharing an instance it only receives', async () => {
    const dev = await login(sim, 'space_developer');
    const spaces = (await call(sim, 'GET', '/v3/spaces', dev)).body.resources.map((s: Json) => s.guid).sort();
    expect(spaces).toEqual([...t.space_developer_space_guids].sort());
    const [source, target] = t.space_developer_space_guids as string[];
    // An instance owned by the developer's source space, shared into spaces it cannot read.
    const owned = t.shares.find((s: Json) => s.source_space_guid === source && !spaces.includes(s.target_space_guid));
    const rel = (
      await call(
        sim,
        'GET',
        `/v3/service_instances/${owned.instance_guid}/relationships/shared_spaces?fields[space]=name,guid`,
        dev,
      )
    ).body;
    const unreadable = rel.included.spaces.find((s: Json) => s.guid === owned.target_space_guid);
    expect(unreadable).toEqual({ guid: owned.target_space_guid });
    // An instance shared into the developer's other space from a space it does not have.
    const received = t.shares.find(
      (s: Json) => s.target_space_guid === target && !spaces.includes(s.source_space_guid),
    );
    expect((await call(sim, 'GET', `/v3/service_instances/${received.instance_guid}`, dev)).status).toBe(200);
    const del = await call(
      sim,
      'DELETE',
      `/v3/service_instances/${received.instance_guid}/relationships/shared_spaces/${target}`,
      dev,
    );
    expect(del.status).toBe(403);
    // An instance it cannot read at all: 404.
    const foreign = t.shares.find(
      (s: Json) =>
        !spaces.includes(s.source_space_guid) &&
        !spaces.includes(s.target_space_guid) &&
        !t.shares.some((o: Json) => o.instance_guid === s.instance_guid && spaces.includes(o.target_space_guid)),
    );
    const hidden = await call(
      sim,
      'DELETE',
      `/v3/service_instances/${foreign.instance_guid}/relationships/shared_spaces/${foreign.target_space_guid}`,
      dev,
    );
    expect(hidden.status).toBe(404);
    expect(hidden.body.errors[0].detail).toBe('Service instance not found');
  });

  it('space developer cannot see app bindings in target spaces of its own instance (§3.1)', async () => {
    const dev = await login(sim, 'space_developer');
    const [source] = t.space_developer_space_guids as string[];
    const share = t.shares.find(
      (s: Json) =>
        s.source_space_guid === source &&
        s.binding_guids.length > 0 &&
        !t.space_developer_space_guids.includes(s.target_space_guid),
    );
    if (!share) return;
    const list = (
      await call(
        sim,
        'GET',
        `/v3/service_credential_bindings?service_instance_guids=${share.instance_guid}&per_page=5000`,
        dev,
      )
    ).body.resources;
    for (const g of share.binding_guids) expect(list.map((b: Json) => b.guid)).not.toContain(g);
  });
});
