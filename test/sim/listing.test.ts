import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, listAll, login, truth } from './helpers/sim-client.js';
import type { Json } from './helpers/sim-client.js';

let sim: RunningSim;
let admin: string;
let t: Json;

beforeAll(async () => {
  sim = await startSim({ seed: 3, instances: 300, spaces: 30, orgs: 5 });
  admin = await login(sim);
  t = await truth(sim);
});
afterAll(async () => sim.close());

describe('pagination (cc-api.md §7)', () => {
  it('walks every page and the walk matches total_results', async () => {
    // 300 generated instances plus the fixed broker-level sharing set (generate-broker-shares.ts).
    const total = t.counts.instances;
    expect(total).toBeGreaterThan(300);
    const first = await call(sim, 'GET', '/v3/service_instances?per_page=7', admin);
    expect(first.body.pagination.total_results).toBe(total);
    expect(first.body.pagination.total_pages).toBe(Math.ceil(total / 7));
    const all = await listAll(sim, '/v3/service_instances?per_page=7', admin);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((r) => r.guid)).size).toBe(total);
  });

  it('hrefs repeat per_page and every filter, keys sorted, absolute on this server', async () => {
    const body = (await call(sim, 'GET', '/v3/service_instances?type=managed&per_page=2&page=2&order_by=-name', admin))
      .body;
    const p = body.pagination;
    expect(p.next.href).toBe(`${sim.url}/v3/service_instances?order_by=-name&page=3&per_page=2&type=managed`);
    expect(p.previous.href).toBe(`${sim.url}/v3/service_instances?order_by=-name&page=1&per_page=2&type=managed`);
    expect(p.first.href).toContain('page=1&');
    const names = body.resources.map((r: Json) => r.name);
    expect([...names].sort().reverse()).toEqual(names);
  });

  it('an empty list still has total_pages 1 and null next/previous', async () => {
    const p = (await call(sim, 'GET', '/v3/service_instances?names=no-such-name', admin)).body.pagination;
    expect(p).toMatchObject({ total_results: 0, total_pages: 1, next: null, previous: null });
    expect(p.last.href).toContain('page=1');
  });

  it('rejects per_page out of range and unknown parameters with the real messages', async () => {
    const big = await call(sim, 'GET', '/v3/service_instances?per_page=5001', admin);
    expect(big.status).toBe(400);
    expect(big.body.errors[0]).toEqual({
      detail: 'The query parameter is invalid: Per page must be between 1 and 5000',
      title: 'CF-BadQueryParameter',
      code: 10005,
    });
    const zero = await call(sim, 'GET', '/v3/spaces?per_page=0', admin);
    expect(zero.status).toBe(400);
    const unknown = await call(sim, 'GET', '/v3/service_instances?fruit=apple', admin);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].detail).toMatch(
      /^The query parameter is invalid: Unknown query parameter\(s\): 'fruit'\. Valid parameters are: 'page', 'per_page'/,
    );
    const route = await call(sim, 'GET', '/v3/fruits', admin);
    expect(route.status).toBe(404);
    expect(route.body.errors[0]).toMatchObject({ title: 'CF-NotFound', code: 10000 });
  });
});

describe('service instance listing (cc-api.md §2)', () => {
  it('space_guids returns instances shared INTO the spaces, with relationships.space naming the source', async () => {
    const share = t.shares[0];
    const listed = await listAll(
      sim,
      `/v3/service_instances?space_guids=${share.target_space_guid}&per_page=5000`,
      admin,
    );
    const hit = listed.find((r) => r.guid === share.instance_guid);
    expect(hit).toBeDefined();
    expect(hit.relationships.space.data.guid).toBe(share.source_space_guid);
    // Every instance returned is owned by or shared into the space.
    const sharedIn = new Set(
      t.shares.filter((s: Json) => s.target_space_guid === share.target_space_guid).map((s: Json) => s.instance_guid),
    );
    for (const r of listed)
      expect(r.relationships.space.data.guid === share.target_space_guid || sharedIn.has(r.guid)).toBe(true);
    expect(listed.filter((r) => r.relationships.space.data.guid !== share.target_space_guid).length).toBe(
      sharedIn.size,
    );
  });

  it('organization_guids matches share targets in the orgs too', async () => {
    const share = t.shares.find((s: Json) => s.source_org_guid !== s.target_org_guid);
    const listed = await listAll(
      sim,
      `/v3/service_instances?organization_guids=${share.target_org_guid}&per_page=5000`,
      admin,
    );
    expect(listed.some((r) => r.guid === share.instance_guid)).toBe(true);
  });

  it('type is a single value', async () => {
    const bad = await call(sim, 'GET', '/v3/service_instances?type=managed,user-provided', admin);
    expect(bad.status).toBe(400);
    const ups = await listAll(sim, '/v3/service_instances?type=user-provided&per_page=5000', admin);
    expect(ups.length).toBe(t.counts.instances - t.counts.managed_instances);
    expect(ups.every((r) => r.type === 'user-provided')).toBe(true);
  });

  it('service_plan_guids and fields[service_plan.service_offering]', async () => {
    const plans = (await call(sim, 'GET', '/v3/service_plans?per_page=100', admin)).body.resources;
    const plan = plans[0];
    const body = (
      await call(
        sim,
        'GET',
        `/v3/service_instances?service_plan_guids=${plan.guid}&fields[service_plan.service_offering]=name,guid&per_page=5000`,
        admin,
      )
    ).body;
    expect(body.resources.length).toBeGreaterThan(0);
    expect(body.resources.every((r: Json) => r.relationships.service_plan.data.guid === plan.guid)).toBe(true);
    expect(body.included.service_offerings).toEqual([
      { guid: plan.relationships.service_offering.data.guid, name: expect.any(String) },
    ]);
  });
});

describe('shared spaces and usage summary (cc-api.md §1.3, §1.4)', () => {
  it('lists every shared space and counts app binding rows per space', async () => {
    const si = t.shared_instance_guids[0];
    const rel = (await call(sim, 'GET', `/v3/service_instances/${si}/relationships/shared_spaces`, admin)).body;
    const expected = t.shares.filter((s: Json) => s.instance_guid === si);
    expect(rel.data.map((d: Json) => d.guid).sort()).toEqual(expected.map((s: Json) => s.target_space_guid).sort());
    const usage = (
      await call(sim, 'GET', `/v3/service_instances/${si}/relationships/shared_spaces/usage_summary`, admin)
    ).body;
    for (const entry of usage.usage_summary) {
      const share = expected.find((s: Json) => s.target_space_guid === entry.space.guid);
      expect(entry.bound_app_count).toBe(share.binding_guids.length);
    }
  });

  it('rejects unknown fields with the verbatim messages', async () => {
    const si = t.shared_instance_guids[0];
    const a = await call(
      sim,
      'GET',
      `/v3/service_instances/${si}/relationships/shared_spaces?fields[fruit]=name`,
      admin,
    );
    expect(a.body.errors[0].detail).toBe(
      "The query parameter is invalid: Fields [fruit] valid resources are: 'space', 'space.organization'",
    );
    const b = await call(
      sim,
      'GET',
      `/v3/service_instances/${si}/relationships/shared_spaces?fields[space]=color`,
      admin,
    );
    expect(b.body.errors[0].detail).toBe(
      "The query parameter is invalid: Fields valid keys for 'space' are: 'name', 'guid', 'relationships.organization'",
    );
  });
});

describe('credential bindings (cc-api.md §3.1)', () => {
  it('type is single-valued with the real message; filters and include work', async () => {
    const bad = await call(sim, 'GET', '/v3/service_credential_bindings?type=app,key', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].detail).toBe("The query parameter is invalid: Type must be one of 'app', 'key'");
    const share = t.shares.find((s: Json) => s.binding_guids.length > 0);
    const body = (
      await call(
        sim,
        'GET',
        `/v3/service_credential_bindings?service_instance_guids=${share.instance_guid}&type=app&include=app,service_instance&per_page=5000`,
        admin,
      )
    ).body;
    const guids = body.resources.map((b: Json) => b.guid);
    for (const g of share.binding_guids) expect(guids).toContain(g);
    expect(body.included.service_instances.map((s: Json) => s.guid)).toEqual([share.instance_guid]);
    expect(body.included.apps.length).toBeGreaterThan(0);
    const badInclude = await call(sim, 'GET', '/v3/service_credential_bindings?include=space', admin);
    expect(badInclude.body.errors[0].detail).toBe(
      "The query parameter is invalid: Invalid included resource: 'space'. Valid included resources are: 'app', 'service_instance'",
    );
  });

  it('keys in truth match type=key listing', async () => {
    const keys = await listAll(sim, '/v3/service_credential_bindings?type=key&per_page=5000', admin);
    expect(keys.length).toBe(t.counts.keys);
    const onShared = keys.filter((k) => t.shared_instance_guids.includes(k.relationships.service_instance.data.guid));
    expect(onShared.length).toBe(t.keys_on_shared_instances.length);
  });
});

describe('security groups, spaces, plans, flags, events', () => {
  it('running_space_guids and the per-space running groups agree with globally enabled groups', async () => {
    const space = t.shares[0].target_space_guid;
    const perSpace = await listAll(sim, `/v3/spaces/${space}/running_security_groups`, admin);
    const bound = await listAll(sim, `/v3/security_groups?running_space_guids=${space}`, admin);
    const global = await listAll(sim, '/v3/security_groups?globally_enabled_running=true', admin);
    expect(perSpace.map((g) => g.guid).sort()).toEqual([...new Set([...bound, ...global].map((g) => g.guid))].sort());
  });

  it('service_plans space_guids returns public plans and org plans visible to the space org (§6 caveat)', async () => {
    const finding = t.expected_findings.find((f: Json) => f.kind === 'plan_not_visible');
    const si = (await call(sim, 'GET', `/v3/service_instances/${finding.instance_guid}`, admin)).body;
    const planGuid = si.relationships.service_plan.data.guid;
    const inTarget = await listAll(sim, `/v3/service_plans?space_guids=${finding.space_guid}&per_page=5000`, admin);
    const vis = (await call(sim, 'GET', `/v3/service_plans/${planGuid}/visibility`, admin)).body;
    if (vis.type === 'organization') expect(inTarget.some((p) => p.guid === planGuid)).toBe(false);
    expect(inTarget.some((p) => p.visibility_type === 'public')).toBe(true);
  });

  it('spaces include=organization and the sharing flag is enabled in the generated foundation', async () => {
    const body = (await call(sim, 'GET', '/v3/spaces?include=organization&per_page=3', admin)).body;
    expect(body.included.organizations.length).toBeGreaterThan(0);
    const flag = (await call(sim, 'GET', '/v3/feature_flags/service_instance_sharing', admin)).body;
    expect(flag.enabled).toBe(true);
    expect(t.expected_findings).toContainEqual({ kind: 'sharing_flag_enabled' });
  });

  it('audit events filter by type and target', async () => {
    const si = t.shared_instance_guids[0];
    const events = await listAll(sim, `/v3/audit_events?types=audit.service_instance.share&target_guids=${si}`, admin);
    expect(events.length).toBe(1);
    expect(events[0]).toMatchObject({
      type: 'audit.service_instance.share',
      target: { guid: si, type: 'service_instance' },
    });
    const later = await listAll(sim, `/v3/audit_events?created_ats[gt]=2100-01-01T00:00:00Z`, admin);
    expect(later).toEqual([]);
  });
});
