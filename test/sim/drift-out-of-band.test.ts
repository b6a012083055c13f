import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, listAll, login, truth } from './helpers/sim-client.js';
import type { Json } from './helpers/sim-client.js';

let sim: RunningSim;
let admin: string;
let t: Json;

beforeEach(async () => {
  sim = await startSim({ seed: 5 });
  admin = await login(sim);
  t = await truth(sim);
});
afterEach(async () => sim.close());

describe('POST /_sim/bindings (a new app bound after a plan)', () => {
  it('adds an app in the space and an app binding CC lists, which the truth counts on the share', async () => {
    const edge = t.shares[0];
    const made = await call(sim, 'POST', '/_sim/bindings', undefined, {
      service_instance_guid: edge.instance_guid,
      space_guid: edge.target_space_guid,
      app_name: 'late <b>app</b>',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ app_guid: expect.any(String), binding_guid: expect.any(String) });
    const app = await call(sim, 'GET', `/v3/apps/${made.body.app_guid}`, admin);
    expect(app.body).toMatchObject({ name: 'late <b>app</b>' });
    expect(app.body.relationships.space.data.guid).toBe(edge.target_space_guid);
    const bindings = await listAll(
      sim,
      `/v3/service_credential_bindings?service_instance_guids=${edge.instance_guid}&type=app`,
      admin,
    );
    expect(bindings.map((b: Json) => b.guid)).toContain(made.body.binding_guid);
    const after = (await truth(sim)).shares.find(
      (s: Json) => s.instance_guid === edge.instance_guid && s.target_space_guid === edge.target_space_guid,
    );
    expect(after.binding_guids).toEqual([...edge.binding_guids, made.body.binding_guid]);
  });

  it('answers 404 for an unknown instance or space and 400 for a bad body', async () => {
    const edge = t.shares[0];
    const body = { service_instance_guid: 'nope', space_guid: edge.target_space_guid };
    expect((await call(sim, 'POST', '/_sim/bindings', undefined, body)).status).toBe(404);
    const noSpace = { service_instance_guid: edge.instance_guid, space_guid: 'nope' };
    expect((await call(sim, 'POST', '/_sim/bindings', undefined, noSpace)).status).toBe(404);
    expect((await call(sim, 'POST', '/_sim/bindings', undefined, { space_guid: 1 })).status).toBe(400);
  });
});

describe('POST /_sim/shares (a share made after a plan)', () => {
  it('shares the instance into the space: CC lists it and the truth has the edge', async () => {
    const edge = t.shares[0];
    const shared = new Set(
      t.shares.filter((s: Json) => s.instance_guid === edge.instance_guid).map((s: Json) => s.target_space_guid),
    );
    const spaces = await listAll(sim, '/v3/spaces?per_page=5000', admin);
    const space = spaces.find((s: Json) => s.guid !== edge.source_space_guid && !shared.has(s.guid));
    const made = await call(sim, 'POST', '/_sim/shares', undefined, {
      service_instance_guid: edge.instance_guid,
      space_guid: space.guid,
    });
    expect(made.status).toBe(201);
    const listed = await call(
      sim,
      'GET',
      `/v3/service_instances/${edge.instance_guid}/relationships/shared_spaces`,
      admin,
    );
    expect(listed.body.data.map((d: Json) => d.guid)).toContain(space.guid);
    expect(
      (await truth(sim)).shares.some(
        (s: Json) => s.instance_guid === edge.instance_guid && s.target_space_guid === space.guid,
      ),
    ).toBe(true);
    const own = { service_instance_guid: edge.instance_guid, space_guid: edge.source_space_guid };
    expect((await call(sim, 'POST', '/_sim/shares', undefined, own)).status).toBe(422);
  });
});
