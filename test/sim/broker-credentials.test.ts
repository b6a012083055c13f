import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, listAll, login, truth } from './helpers/sim-client.js';
import type { Json } from './helpers/sim-client.js';

let sim: RunningSim;
let admin: string;

beforeEach(async () => {
  sim = await startSim({ seed: 1 });
  admin = await login(sim);
});
afterEach(async () => sim.close());

const details = async (guid: string): Promise<Json> =>
  (await call(sim, 'GET', `/v3/service_credential_bindings/${guid}/details`, admin)).body.credentials;
const bindingsOf = (instance: string): Promise<Json[]> =>
  listAll(sim, `/v3/service_credential_bindings?service_instance_guids=${instance}`, admin);

describe('brokers that reuse credentials (issue 13)', () => {
  it('the default seed has one broker of each kind, and the truth expects both findings', async () => {
    const t = await truth(sim);
    expect(t.credential_reuse.map((r: Json) => r.mode).sort()).toEqual(['first-key', 'per-instance']);
    const kinds = new Set(t.expected_findings.map((f: Json) => f.kind));
    expect(kinds.has('credentials_not_unique') && kinds.has('key_credentials_in_binding')).toBe(true);
    // Findings per place: each names an instance with such a broker and a space.
    const reusing = new Set(t.credential_reuse.map((r: Json) => r.instance_guid));
    for (const f of t.expected_findings.filter((f: Json) => f.kind.includes('credential'))) {
      expect(reusing.has(f.instance_guid)).toBe(true);
      expect(typeof f.space_guid).toBe('string');
    }
  });

  it('per-instance: every app binding of the instance gets the same credentials; keys and other instances their own', async () => {
    const t = await truth(sim);
    const instance = t.credential_reuse.find((r: Json) => r.mode === 'per-instance').instance_guid;
    const bindings = await bindingsOf(instance);
    const apps = bindings.filter((b) => b.type === 'app');
    expect(apps.length).toBeGreaterThan(1);
    const first = await details(apps[0].guid);
    for (const b of apps.slice(1)) expect(await details(b.guid)).toEqual(first);
    for (const k of bindings.filter((b) => b.type === 'key')) expect(await details(k.guid)).not.toEqual(first);
    const other = t.shares.find((s: Json) => s.binding_guids.length > 0 && s.instance_guid !== instance);
    expect(await details(other.binding_guids[0])).not.toEqual(first);
  });

  it("first-key: the app bindings carry the instance's first key's credentials", async () => {
    const t = await truth(sim);
    const instance = t.credential_reuse.find((r: Json) => r.mode === 'first-key').instance_guid;
    const bindings = await bindingsOf(instance);
    const key = bindings.find((b) => b.type === 'key');
    const keyCredentials = await details(key.guid);
    for (const b of bindings.filter((b) => b.type === 'app')) expect(await details(b.guid)).toEqual(keyCredentials);
  });

  it('PUT /_sim/service_instances/:guid/broker-credentials switches a broker, and the truth follows', async () => {
    const t = await truth(sim);
    const reusing = new Set(t.credential_reuse.map((r: Json) => r.instance_guid));
    // A share with two bindings in its target space and one elsewhere, on a broker that gives unique credentials.
    const edge = t.shares.find(
      (s: Json) =>
        !reusing.has(s.instance_guid) &&
        s.binding_guids.length > 0 &&
        t.shares.some((o: Json) => o.instance_guid === s.instance_guid && o !== s && o.binding_guids.length > 0),
    );
    const elsewhere = t.shares.find(
      (o: Json) => o.instance_guid === edge.instance_guid && o !== edge && o.binding_guids.length > 0,
    );
    expect(await details(edge.binding_guids[0])).not.toEqual(await details(elsewhere.binding_guids[0]));
    expect(t.expected_findings).not.toContainEqual(
      expect.objectContaining({ kind: 'credentials_not_unique', instance_guid: edge.instance_guid }),
    );

    const bad = await call(sim, 'PUT', `/_sim/service_instances/${edge.instance_guid}/broker-credentials`, undefined, {
      mode: 'shared',
    });
    expect(bad.status).toBe(400);
    const set = await call(sim, 'PUT', `/_sim/service_instances/${edge.instance_guid}/broker-credentials`, undefined, {
      mode: 'per-instance',
    });
    expect(set.status).toBe(200);
    const after = await truth(sim);
    expect(after.credential_reuse).toContainEqual({ instance_guid: edge.instance_guid, mode: 'per-instance' });
    expect(after.expected_findings).toContainEqual({
      kind: 'credentials_not_unique',
      instance_guid: edge.instance_guid,
      space_guid: edge.target_space_guid,
    });
    await call(sim, 'PUT', `/_sim/service_instances/${edge.instance_guid}/broker-credentials`, undefined, {
      mode: 'unique',
    });
    expect((await truth(sim)).expected_findings).not.toContainEqual(
      expect.objectContaining({ kind: 'credentials_not_unique', instance_guid: edge.instance_guid }),
    );
  });
});
