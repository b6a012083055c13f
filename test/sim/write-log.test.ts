import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, login, truth } from './helpers/sim-client.js';
import type { Json } from './helpers/sim-client.js';

let sim: RunningSim;
let admin: string;
let t: Json;

beforeAll(async () => {
  sim = await startSim({ seed: 8, instances: 60, spaces: 8 });
  admin = await login(sim);
  t = await truth(sim);
});
afterAll(async () => sim.close());
beforeEach(async () => {
  await call(sim, 'PUT', '/_sim/faults', undefined, {});
  await call(sim, 'POST', '/_sim/requests/reset');
});

const writes = async (query = ''): Promise<Json[]> => (await call(sim, 'GET', `/_sim/writes${query}`)).body.writes;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const unsharePath = (share: Json): string =>
  `/v3/service_instances/${share.instance_guid}/relationships/shared_spaces/${share.target_space_guid}`;

describe('GET /_sim/writes', () => {
  it('lists every non-GET /v3 request in arrival order with its route, path, status and request id; reads and UAA are left out', async () => {
    const started = Date.now();
    const share = t.shares.find((s: Json) => s.binding_guids.length === 0);
    const unshare = await call(sim, 'DELETE', `${unsharePath(share)}?ignored=1`, admin);
    await call(sim, 'GET', '/v3/service_instances', admin);
    const patch = await call(sim, 'PATCH', '/v3/feature_flags/diego_docker', admin, { enabled: false });
    const unknown = await call(sim, 'POST', '/v3/fruits', admin, {});
    await login(sim);
    const log = await writes();
    expect(log.map((w) => [w.method, w.path, w.route, w.status])).toEqual([
      ['DELETE', unsharePath(share), 'DELETE /v3/service_instances/:guid/relationships/shared_spaces/:space_guid', 204],
      ['PATCH', '/v3/feature_flags/diego_docker', 'PATCH /v3/feature_flags/:name', 200],
      ['POST', '/v3/fruits', 'POST /v3/fruits', 404],
    ]);
    expect(log.map((w) => w.request_id)).toEqual(
      [unshare, patch, unknown].map((a) => a.headers.get('x-vcap-request-id')),
    );
    expect(log[0].at).toBeGreaterThanOrEqual(started - 1);
    expect(log[2].at).toBeLessThanOrEqual(Date.now() + 1);
    expect(log[0].at).toBeLessThan(log[1].at);
    expect(log[1].at).toBeLessThan(log[2].at);
  });

  it('records a write on arrival: status null while it is held, filled in when answered, null for ever when the connection is dropped', async () => {
    await call(sim, 'PUT', '/_sim/faults', undefined, { latencyMs: 300, routes: ['PATCH /v3/feature_flags/:name'] });
    const before = Date.now();
    const pending = call(sim, 'PATCH', '/v3/feature_flags/diego_docker', admin, { enabled: false });
    await sleep(100);
    const held = await writes();
    expect(held).toHaveLength(1);
    expect(held[0].status).toBeNull();
    expect(held[0].at).toBeLessThan(before + 100);
    expect((await pending).status).toBe(200);
    expect((await writes())[0].status).toBe(200);
    await call(sim, 'PUT', '/_sim/faults', undefined, { resetRate: 1, routes: ['PATCH /v3/feature_flags/:name'] });
    await expect(
      fetch(`${sim.url}/v3/feature_flags/diego_docker`, {
        method: 'PATCH',
        headers: { Authorization: `bearer ${admin}` },
        body: '{}',
      }),
    ).rejects.toThrow();
    expect((await writes())[1]).toMatchObject({ method: 'PATCH', status: null });
  });

  it('since=<ms> keeps later arrivals; POST /_sim/requests/reset and /_sim/reset clear the log', async () => {
    await call(sim, 'PATCH', '/v3/feature_flags/diego_docker', admin, { enabled: false });
    await call(sim, 'PATCH', '/v3/feature_flags/diego_docker', admin, { enabled: true });
    const [first, second] = await writes();
    expect(await writes(`?since=${second.at}`)).toEqual([second]);
    expect(await writes(`?since=${first.at}`)).toEqual([first, second]);
    expect((await call(sim, 'GET', '/_sim/writes?since=soon')).status).toBe(400);
    await call(sim, 'POST', '/_sim/requests/reset');
    expect(await writes()).toEqual([]);
    await call(sim, 'PATCH', '/v3/feature_flags/diego_docker', admin, { enabled: true });
    await call(sim, 'POST', '/_sim/reset');
    expect(await writes()).toEqual([]);
  });
});
