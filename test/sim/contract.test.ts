import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, login, tokenRequest, truth } from './helpers/sim-client.js';
import type { Json } from './helpers/sim-client.js';
import { fixture, missingKeys } from './helpers/key-structure.js';

let sim: RunningSim;
let admin: string;
let t: Json;

beforeAll(async () => {
  sim = await startSim({ seed: 7 });
  admin = await login(sim);
  t = await truth(sim);
});
afterAll(async () => sim.close());

async function get(path: string): Promise<Json> {
  const answer = await call(sim, 'GET', path, admin);
  expect(answer.status, `${path}: ${answer.text.slice(0, 300)}`).toBe(200);
  return answer.body;
}

describe('the helper', () => {
  it('reports keys missing from an actual body', () => {
    expect(missingKeys({ a: 1, b: { c: [{ d: 1 }] } }, { a: 0, b: { c: [{ d: 0, e: 0 }] } })).toEqual(['b.c[0].e']);
    expect(missingKeys({ a: 1 }, { a: 0, z: null })).toEqual(['z']);
  });
});

describe('responses carry the keys of the CC docs examples', () => {
  it('GET / (v2 link absent on purpose: temporary_enable_v2 is off)', async () => {
    const body = await get('/');
    expect(missingKeys(body, fixture('root_global.json'), '', ['links.cloud_controller_v2'])).toEqual([]);
    expect(body.links.uaa.href).toBe(`${sim.url}/uaa`);
    expect(body.links.login.href).toBe(`${sim.url}/uaa`);
    expect(body.links.cloud_controller_v3.meta.version).toMatch(/^3\./);
  });

  it('token endpoint', async () => {
    const answer = await tokenRequest(
      sim,
      { grant_type: 'password', username: sim.credentials.username, password: sim.credentials.password },
      'cf:',
    );
    expect(missingKeys(answer.body, fixture('uaa_oauth_token_password_grant.json'))).toEqual([]);
  });

  it.each([
    ['/v3/organizations', 'v3_organizations_list.json'],
    ['/v3/spaces?per_page=2', 'v3_spaces_list.json'],
    ['/v3/service_offerings?per_page=2', 'v3_service_offerings_list.json'],
    ['/v3/service_plans?per_page=2', 'v3_service_plans_list.json'],
    ['/v3/service_instances?type=managed&per_page=5', 'v3_service_instances_list.json'],
    ['/v3/service_credential_bindings?per_page=2', 'v3_service_credential_bindings_list.json'],
    ['/v3/security_groups', 'v3_security_groups_list.json'],
    ['/v3/feature_flags?per_page=2', 'v3_feature_flags_list.json'],
    ['/v3/widgets-of-pagination-example?x', null],
  ])('%s', async (path, name) => {
    if (!name) {
      // The generic pagination example: checked against a real list.
      const body = await get('/v3/spaces?per_page=1');
      expect(missingKeys(body, fixture('v3_pagination_example.json'), '', ['resources'])).toEqual([]);
      return;
    }
    const body = await get(path);
    expect(body.resources.length).toBeGreaterThan(0);
    expect(missingKeys(body, fixture(name))).toEqual([]);
  });

  it('single resources', async () => {
    const managed = (await get('/v3/service_instances?type=managed&per_page=1')).resources[0];
    const ups = (await get('/v3/service_instances?type=user-provided&per_page=1')).resources[0];
    expect(
      missingKeys(await get(`/v3/service_instances/${managed.guid}`), fixture('v3_service_instance_get_managed.json')),
    ).toEqual([]);
    expect(
      missingKeys(
        await get(`/v3/service_instances/${ups.guid}`),
        fixture('v3_service_instance_get_user_provided.json'),
      ),
    ).toEqual([]);
    // Managed-only and user-provided-only keys (cc-api.md §2).
    expect(ups.links.shared_spaces).toBeUndefined();
    expect(ups.dashboard_url).toBeUndefined();
    expect(managed.syslog_drain_url).toBeUndefined();
    const space = (await get('/v3/spaces?per_page=1')).resources[0];
    expect(missingKeys(await get(`/v3/spaces/${space.guid}`), fixture('v3_space_get.json'))).toEqual([]);
    const offering = (await get('/v3/service_offerings?per_page=1')).resources[0];
    expect(
      missingKeys(await get(`/v3/service_offerings/${offering.guid}`), fixture('v3_service_offering_get.json')),
    ).toEqual([]);
    const group = (await get('/v3/security_groups?per_page=1')).resources[0];
    expect(missingKeys(await get(`/v3/security_groups/${group.guid}`), fixture('v3_security_group_get.json'))).toEqual(
      [],
    );
    expect(
      missingKeys(await get('/v3/feature_flags/service_instance_sharing'), fixture('v3_feature_flag_get.json')),
    ).toEqual([]);
  });

  it('bindings and keys', async () => {
    const list = await get('/v3/service_credential_bindings?type=app&per_page=50&include=service_instance');
    const managed = new Set(
      list.included.service_instances.filter((si: Json) => si.type === 'managed').map((si: Json) => si.guid),
    );
    const app = list.resources.find((b: Json) => managed.has(b.relationships.service_instance.data.guid));
    const key = (await get('/v3/service_credential_bindings?type=key&per_page=1')).resources[0];
    expect(
      missingKeys(
        await get(`/v3/service_credential_bindings/${app.guid}`),
        fixture('v3_service_credential_binding_app.json'),
      ),
    ).toEqual([]);
    expect(
      missingKeys(
        await get(`/v3/service_credential_bindings/${key.guid}`),
        fixture('v3_service_credential_binding_key.json'),
      ),
    ).toEqual([]);
    expect(key.relationships.app).toBeUndefined();
    expect(key.links.app).toBeUndefined();
    const details = await get(`/v3/service_credential_bindings/${app.guid}/details`);
    expect(details.volume_mounts).toEqual([]);
    expect(typeof details.credentials.port).toBe('number');
    expect(details.credentials.hostname ?? details.credentials.host).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('shared spaces, usage summary, plan visibility', async () => {
    const shared = t.shared_instance_guids[0] as string;
    expect(
      missingKeys(
        await get(`/v3/service_instances/${shared}/relationships/shared_spaces`),
        fixture('v3_service_instance_shared_spaces_relationship.json'),
      ),
    ).toEqual([]);
    expect(
      missingKeys(
        await get(`/v3/service_instances/${shared}/relationships/shared_spaces/usage_summary`),
        fixture('v3_service_instance_shared_spaces_usage_summary.json'),
      ),
    ).toEqual([]);
    const plans = (await get('/v3/service_plans?per_page=100')).resources as Json[];
    const orgPlan = plans.find((p) => p.visibility_type === 'organization');
    const publicPlan = plans.find((p) => p.visibility_type === 'public');
    const orgVis = await get(`/v3/service_plans/${orgPlan.guid}/visibility`);
    expect(missingKeys(orgVis, fixture('v3_service_plan_visibility_organization.json'))).toEqual([]);
    expect(orgVis.organizations.length).toBeGreaterThan(0);
    expect(await get(`/v3/service_plans/${publicPlan.guid}/visibility`)).toEqual(
      fixture('v3_service_plan_visibility_public.json'),
    );
  });

  it('fields on service instances', async () => {
    const body = await get(
      '/v3/service_instances?per_page=3&fields[space]=name,guid,relationships.organization&fields[space.organization]=name,guid',
    );
    expect(missingKeys(body, fixture('v3_service_instances_list_with_fields.json'))).toEqual([]);
  });

  it('errors', async () => {
    const notFound = await call(sim, 'GET', '/v3/apps/not-found', admin);
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual(fixture('v3_error_resource_not_found.json'));
    const unprocessable = await call(
      sim,
      'DELETE',
      `/v3/service_instances/${t.shared_instance_guids[0]}/relationships/shared_spaces/nope`,
      admin,
    );
    expect(unprocessable.status).toBe(422);
    expect(missingKeys(unprocessable.body, fixture('v3_error_unprocessable_entity_example.json'))).toEqual([]);
    expect(Object.keys(unprocessable.body.errors[0])).toEqual(['detail', 'title', 'code']);
  });

  it('jobs', async () => {
    const binding = (await get('/v3/service_credential_bindings?type=key&per_page=5000')).resources.find((b: Json) =>
      t.shared_instance_guids.includes(b.relationships.service_instance.data.guid),
    );
    const del = await call(sim, 'DELETE', `/v3/service_credential_bindings/${binding.guid}`, admin);
    expect(del.status).toBe(202);
    const location = del.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${sim.url}/v3/jobs/`));
    let job: Json;
    for (let i = 0; i < 40; i++) {
      job = (await call(sim, 'GET', location, admin)).body;
      if (job.state !== 'PROCESSING' && job.state !== 'POLLING') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(job.state).toBe('COMPLETE');
    expect(missingKeys(job, fixture('v3_job_complete.json'))).toEqual([]);
    expect(job.links.service_credential_binding).toBeUndefined();
  });
});
