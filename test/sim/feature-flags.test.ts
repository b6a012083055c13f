import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, listAll, login } from './helpers/sim-client.js';

let sim: RunningSim;
let admin: string;

beforeAll(async () => {
  sim = await startSim({ seed: 6, instances: 20, spaces: 4 });
  admin = await login(sim);
});
afterAll(async () => sim.close());

/** DEFAULT_FLAGS of CC:app/models/runtime/feature_flag.rb at the cc-api.md snapshot. */
const DEFAULTS: Record<string, boolean> = {
  user_org_creation: false,
  private_domain_creation: true,
  app_bits_upload: true,
  app_scaling: true,
  route_creation: true,
  service_instance_creation: true,
  diego_docker: false,
  diego_cnb: false,
  set_roles_by_username: true,
  unset_roles_by_username: true,
  task_creation: true,
  env_var_visibility: true,
  space_scoped_private_broker_creation: true,
  space_developer_env_var_visibility: true,
  service_instance_sharing: false,
  hide_marketplace_from_unauthenticated_users: false,
  resource_matching: true,
  route_sharing: false,
  hash_based_routing: false,
};

describe('feature flags (cc-api.md §5, §13)', () => {
  it('lists the 19 default flags by name with their defaults; sharing is switched on in the generated foundation', async () => {
    const flags = await listAll(sim, '/v3/feature_flags', admin);
    expect(flags.map((f) => f.name)).toEqual(Object.keys(DEFAULTS).sort());
    for (const flag of flags) {
      const expected = flag.name === 'service_instance_sharing' ? true : DEFAULTS[flag.name];
      expect(flag.enabled, flag.name).toBe(expected);
      if (flag.name !== 'service_instance_sharing') expect(flag.updated_at, flag.name).toBeNull();
    }
    const reversed = await listAll(sim, '/v3/feature_flags?order_by=-name', admin);
    expect(reversed.map((f) => f.name)).toEqual(Object.keys(DEFAULTS).sort().reverse());
  });

  it('refuses a created_ats filter; updated_ats lists only written flags', async () => {
    const refused = await call(sim, 'GET', '/v3/feature_flags?created_ats[gt]=2020-05-26T18:47:04Z', admin);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      {
        detail: "The query parameter is invalid: Filtering by 'created_ats' is not allowed on this resource.",
        title: 'CF-BadQueryParameter',
        code: 10005,
      },
    ]);
    const written = await listAll(sim, '/v3/feature_flags?updated_ats[gt]=2000-01-01T00:00:00Z', admin);
    expect(written.map((f) => f.name)).toEqual(['service_instance_sharing']);
  });

  it('a page past the end keeps the whole count (ListPaginator)', async () => {
    const p = (await call(sim, 'GET', '/v3/feature_flags?per_page=10&page=5', admin)).body.pagination;
    expect(p).toMatchObject({ total_results: 19, total_pages: 2, next: null });
  });

  it('PATCH of an unknown flag is 404 even for a non-admin (the lookup runs first); a known one is 403 for them', async () => {
    const developer = await login(sim, 'space_developer');
    const unknown = await call(sim, 'PATCH', '/v3/feature_flags/no_such_flag', developer, { enabled: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors).toEqual([
      { detail: 'Feature flag not found', title: 'CF-ResourceNotFound', code: 10010 },
    ]);
    expect((await call(sim, 'PATCH', '/v3/feature_flags/diego_docker', developer, { enabled: true })).status).toBe(403);
  });

  it('validates the PATCH body with the message validators, every error at once', async () => {
    const empty = await call(sim, 'PATCH', '/v3/feature_flags/diego_docker', admin, { custom_error_message: '' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([
      {
        detail: 'Custom error message is too short (minimum is 1 character)',
        title: 'CF-UnprocessableEntity',
        code: 10008,
      },
    ]);
    const many = await call(sim, 'PATCH', '/v3/feature_flags/diego_docker', admin, {
      fruit: 1,
      enabled: 'yes',
      custom_error_message: 'x'.repeat(251),
    });
    expect(many.body.errors[0].detail).toBe(
      "Unknown field(s): 'fruit', Enabled must be a boolean, Custom error message is too long (maximum is 250 characters)",
    );
    const ok = await call(sim, 'PATCH', '/v3/feature_flags/diego_docker', admin, {
      enabled: true,
      custom_error_message: 'ask the platform team',
    });
    expect(ok.body).toMatchObject({
      name: 'diego_docker',
      enabled: true,
      custom_error_message: 'ask the platform team',
    });
    expect(ok.body.updated_at).toMatch(/Z$/);
  });
});
