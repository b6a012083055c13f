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

const unsharePath = (si: string, space: string): string =>
  `/v3/service_instances/${si}/relationships/shared_spaces/${space}`;
const hasShare = (tr: Json, si: string, space: string): boolean =>
  tr.shares.some((s: Json) => s.instance_guid === si && s.target_space_guid === space);
const NOT_FOUND = { detail: 'Service instance not found', title: 'CF-ResourceNotFound', code: 10010 };

describe('DELETE /_sim/service_instances/:guid (gone out of band)', () => {
  it('removes the instance with its shares, bindings and keys; CC then answers 404 and the truth agrees', async () => {
    const si = t.keys_on_shared_instances[0].instance_guid;
    const edges = t.shares.filter((s: Json) => s.instance_guid === si);
    const bindings = edges.flatMap((s: Json) => s.binding_guids);
    const removed = await call(sim, 'DELETE', `/_sim/service_instances/${si}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ deleted: si, instances: 1, shares: edges.length });
    expect(removed.body.bindings).toBeGreaterThanOrEqual(bindings.length + 1);
    expect((await call(sim, 'GET', `/v3/service_instances/${si}`, admin)).status).toBe(404);
    for (const b of bindings)
      expect((await call(sim, 'GET', `/v3/service_credential_bindings/${b}`, admin)).status).toBe(404);
    expect(await listAll(sim, `/v3/service_credential_bindings?service_instance_guids=${si}`, admin)).toEqual([]);
    const unshare = await call(sim, 'DELETE', unsharePath(si, edges[0].target_space_guid), admin);
    expect(unshare.status).toBe(404);
    expect(unshare.body.errors).toEqual([NOT_FOUND]);
    const after = await truth(sim);
    expect(after.shared_instance_guids).not.toContain(si);
    expect(after.keys_on_shared_instances.some((k: Json) => k.instance_guid === si)).toBe(false);
    expect(after.counts.instances).toBe(t.counts.instances - 1);
    expect(after.counts.shares).toBe(t.counts.shares - edges.length);
    expect((await call(sim, 'DELETE', `/_sim/service_instances/${si}`)).status).toBe(404);
  });
});

describe('DELETE /_sim/spaces/:guid', () => {
  it('shared-in instances lose the share, the space apps and their bindings go, owned instances go; unshare then answers 422', async () => {
    const edge = t.shares.find((s: Json) => s.binding_guids.length > 0);
    const space = edge.target_space_guid;
    const apps = await listAll(sim, `/v3/apps?space_guids=${space}`, admin);
    const owned = await listAll(sim, `/v3/service_instances?space_guids=${space}&per_page=5000`, admin);
    expect((await call(sim, 'DELETE', `/_sim/spaces/${space}`)).body).toMatchObject({
      deleted: space,
      apps: apps.length,
    });
    expect((await call(sim, 'GET', `/v3/spaces/${space}`, admin)).status).toBe(404);
    for (const app of apps) expect((await call(sim, 'GET', `/v3/apps/${app.guid}`, admin)).status).toBe(404);
    for (const b of edge.binding_guids)
      expect((await call(sim, 'GET', `/v3/service_credential_bindings/${b}`, admin)).status).toBe(404);
    const data = (
      await call(sim, 'GET', `/v3/service_instances/${edge.instance_guid}/relationships/shared_spaces`, admin)
    ).body.data;
    expect(data.map((d: Json) => d.guid)).not.toContain(space);
    for (const si of owned.filter((r) => r.relationships.space.data.guid === space)) {
      expect((await call(sim, 'GET', `/v3/service_instances/${si.guid}`, admin)).status).toBe(404);
    }
    const unshare = await call(sim, 'DELETE', unsharePath(edge.instance_guid, space), admin);
    expect(unshare.status).toBe(422);
    expect(unshare.body.errors[0].detail).toBe(
      `Unable to unshare service instance from space ${space}. Ensure the space exists.`,
    );
    const after = await truth(sim);
    expect(after.shares.some((s: Json) => s.target_space_guid === space || s.source_space_guid === space)).toBe(false);
    expect(after.counts.spaces).toBe(t.counts.spaces - 1);
  });
});

describe('PUT /_sim/spaces/:guid/deleting (cc-api.md §1.1 row 4, §13)', () => {
  it("while the SOURCE space is being deleted a developer's unshare answers 422 CF-ResourceBeingDeleted; admins are exempt", async () => {
    const source = t.space_developer_space_guids[0];
    const edges = t.shares.filter((s: Json) => s.source_space_guid === source);
    expect(edges.length).toBeGreaterThanOrEqual(2);
    // Plain brokers, so a successful unshare is not held up by a scripted one.
    for (const b of edges.flatMap((s: Json) => s.binding_guids))
      await call(sim, 'PUT', `/_sim/bindings/${b}/behaviour`, undefined, { unbind: 'sync' });
    const developer = await login(sim, 'space_developer');
    const set = await call(sim, 'PUT', `/_sim/spaces/${source}/deleting`, undefined, { deleting: true });
    expect(set.body).toEqual({ space_guid: source, deleting: true });
    expect((await truth(sim)).deleting_space_guids).toEqual([source]);
    const refused = await call(
      sim,
      'DELETE',
      unsharePath(edges[0].instance_guid, edges[0].target_space_guid),
      developer,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { detail: 'The space is being deleted', title: 'CF-ResourceBeingDeleted', code: 10020 },
    ]);
    expect(hasShare(await truth(sim), edges[0].instance_guid, edges[0].target_space_guid)).toBe(true);
    // writable_space_state is :active for whoever can write globally.
    expect(
      (await call(sim, 'DELETE', unsharePath(edges[1].instance_guid, edges[1].target_space_guid), admin)).status,
    ).toBe(204);
    await call(sim, 'PUT', `/_sim/spaces/${source}/deleting`, undefined, { deleting: false });
    expect(
      (await call(sim, 'DELETE', unsharePath(edges[0].instance_guid, edges[0].target_space_guid), developer)).status,
    ).toBe(204);
    expect((await truth(sim)).deleting_space_guids).toEqual([]);
  });

  it('validates the operator call', async () => {
    expect((await call(sim, 'PUT', '/_sim/spaces/no-such-space/deleting', undefined, { deleting: true })).status).toBe(
      404,
    );
    expect(
      (await call(sim, 'PUT', `/_sim/spaces/${t.shares[0].target_space_guid}/deleting`, undefined, { deleting: 'yes' }))
        .status,
    ).toBe(400);
  });
});

describe('unshare by a user who cannot see the instance (cc-api.md §1.2 roles)', () => {
  it('answers 404 Service instance not found to a developer of unrelated spaces; 403 where only a target space is readable', async () => {
    const mine = new Set<string>(t.space_developer_space_guids);
    const unrelated = t.shares.find(
      (s: Json) =>
        !mine.has(s.source_space_guid) &&
        !t.shares.some((o: Json) => o.instance_guid === s.instance_guid && mine.has(o.target_space_guid)),
    );
    const developer = await login(sim, 'space_developer');
    const hidden = await call(
      sim,
      'DELETE',
      unsharePath(unrelated.instance_guid, unrelated.target_space_guid),
      developer,
    );
    expect(hidden.status).toBe(404);
    expect(hidden.body.errors).toEqual([NOT_FOUND]);
    expect(hasShare(await truth(sim), unrelated.instance_guid, unrelated.target_space_guid)).toBe(true);
    const readable = t.shares.find((s: Json) => mine.has(s.target_space_guid) && !mine.has(s.source_space_guid));
    expect(
      (await call(sim, 'DELETE', unsharePath(readable.instance_guid, readable.target_space_guid), developer)).status,
    ).toBe(403);
  });
});
