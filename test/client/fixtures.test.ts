import { afterEach, describe, expect, it } from 'vitest';
import { CfApiError, JobFailedError, isNotFound, type CfClient } from '../../src/client/index.js';
import { fixture, type SeenRequest } from './helpers/cf-test-server.js';
import { startCf, testClient, type FakeCf } from './helpers/test-cf.js';

/**
 * One row per fixture the client parses (style.md trait 16): the fake CC answers `method path` with the recorded CC
 * docs body; we assert what the client sent and what it returned.
 */
interface Row {
  description: string;
  fixture: string;
  status?: number;
  method: string;
  path: string;
  /** Query parameters that must have been sent (exact values). */
  query?: Record<string, string>;
  /** Expected JSON request body. */
  body?: unknown;
  headers?: Record<string, string>;
  action: (client: CfClient) => Promise<unknown>;
  /** `toMatchObject` expectation on the result. */
  expected?: unknown;
  /** Expected error properties. */
  error?: Record<string, unknown>;
}

const SI = 'c89b3280-fe8d-4aa0-a42e-44465bb1c61c';
const SPACE = '68d54d31-9b3a-463b-ba94-e8e4c32edbac';

const rows: Row[] = [
  {
    description: 'feature flag get',
    fixture: 'v3_feature_flag_get.json',
    method: 'GET',
    path: '/v3/feature_flags/my_feature_flag',
    action: (c) => c.featureFlags.get('my_feature_flag'),
    expected: { name: 'my_feature_flag', enabled: true, custom_error_message: 'error message the user sees' },
  },
  {
    description: 'feature flag patch sends the body',
    fixture: 'v3_feature_flag_get.json',
    method: 'PATCH',
    path: '/v3/feature_flags/service_instance_sharing',
    body: { enabled: false },
    action: (c) => c.featureFlags.patch('service_instance_sharing', { enabled: false }),
    expected: { name: 'my_feature_flag' },
  },
  {
    description: 'feature flags list, first page',
    fixture: 'v3_feature_flags_list.json',
    method: 'GET',
    path: '/v3/feature_flags',
    query: { per_page: '5000' },
    action: (c) => c.featureFlags.list().first(),
    expected: { name: 'my_feature_flag', enabled: true },
  },
  {
    description: 'organizations list with names filter',
    fixture: 'v3_organizations_list.json',
    method: 'GET',
    path: '/v3/organizations',
    query: { names: 'org1,org2', per_page: '5000' },
    action: (c) => c.organizations.listAll({ names: ['org1', 'org2'] }),
    expected: [
      { guid: '885735b5-aea4-4cf5-8e44-961af0e41920', name: 'org1' },
      { guid: 'd4c91047-7b29-4fda-b7f9-04033e5c9c9f', name: 'org2' },
    ],
  },
  {
    description: 'space get',
    fixture: 'v3_space_get.json',
    method: 'GET',
    path: '/v3/spaces/885735b5-aea4-4cf5-8e44-961af0e41920',
    action: (c) => c.spaces.get('885735b5-aea4-4cf5-8e44-961af0e41920'),
    expected: {
      name: 'my-space',
      relationships: { organization: { data: { guid: 'e00705b9-7b42-4561-ae97-2520399d2133' } } },
    },
  },
  {
    description: 'spaces list with include=organization and org filter',
    fixture: 'v3_spaces_list.json',
    method: 'GET',
    path: '/v3/spaces',
    query: { organization_guids: 'o1', include: 'organization', per_page: '100' },
    action: (c) => c.spaces.list({ organization_guids: ['o1'], include: 'organization', per_page: 100 }).all(),
    expected: [{ name: 'space1' }, { name: 'space2' }],
  },
  {
    description: 'service offering get: shareable',
    fixture: 'v3_service_offering_get.json',
    method: 'GET',
    path: '/v3/service_offerings/bf7eb420-11e5-11ea-b7db-4b5d5e7976a9',
    action: (c) => c.serviceOfferings.get('bf7eb420-11e5-11ea-b7db-4b5d5e7976a9'),
    expected: { name: 'my_service_offering', shareable: true },
  },
  {
    description: 'service offerings list, first page',
    fixture: 'v3_service_offerings_list.json',
    method: 'GET',
    path: '/v3/service_offerings',
    action: async (c) => (await c.serviceOfferings.list().pages().next()).value,
    expected: {
      pagination: { total_results: 3 },
      resources: [{ name: 'my_service_offering', shareable: true }, { name: 'other_service_offering' }],
    },
  },
  {
    description: 'service plans list by instance and space',
    fixture: 'v3_service_plans_list.json',
    method: 'GET',
    path: '/v3/service_plans',
    query: { space_guids: 's1', service_instance_guids: SI },
    action: (c) => c.servicePlans.list({ space_guids: ['s1'], service_instance_guids: [SI] }).first(),
    expected: { guid: 'bf7eb420-11e5-11ea-b7db-4b5d5e7976a9', name: 'my_big_service_plan' },
  },
  {
    description: 'plan visibility: public',
    fixture: 'v3_service_plan_visibility_public.json',
    method: 'GET',
    path: '/v3/service_plans/p1/visibility',
    action: (c) => c.servicePlans.visibility('p1'),
    expected: { type: 'public' },
  },
  {
    description: 'plan visibility: organization',
    fixture: 'v3_service_plan_visibility_organization.json',
    method: 'GET',
    path: '/v3/service_plans/p1/visibility',
    action: (c) => c.servicePlans.visibility('p1'),
    expected: {
      type: 'organization',
      organizations: [{ guid: 'bf7eb420-11e5-11ea-b7db-4b5d5e7976a9', name: 'my_org' }],
    },
  },
  {
    description: 'service instances list: managed and user-provided',
    fixture: 'v3_service_instances_list.json',
    method: 'GET',
    path: '/v3/service_instances',
    query: { type: 'managed', space_guids: 'a,b', 'fields[space]': 'guid,name', per_page: '5000' },
    action: (c) =>
      c.serviceInstances.listAll({ type: 'managed', space_guids: ['a', 'b'], fields: { space: ['guid', 'name'] } }),
    expected: [
      { guid: SI, type: 'managed', name: 'my-managed-instance' },
      { guid: '88ce23e5-27c3-4381-a2df-32a28ec43133', type: 'user-provided' },
    ],
  },
  {
    description: 'service instances list with fields: included collected',
    fixture: 'v3_service_instances_list_with_fields.json',
    method: 'GET',
    path: '/v3/service_instances',
    query: { 'fields[space]': 'name,guid,relationships.organization', 'fields[space.organization]': 'name,guid' },
    action: (c) =>
      c.serviceInstances
        .list({
          fields: { space: ['name', 'guid', 'relationships.organization'], 'space.organization': ['name', 'guid'] },
        })
        .allWithIncluded(),
    expected: {
      resources: [{ name: 'service_instance_1' }, { name: 'service_instance_2' }],
      included: {
        spaces: [{ name: 'space1' }, { name: 'space2' }],
        organizations: [{ name: 'org1' }, { name: 'org2' }],
      },
    },
  },
  {
    description: 'service instance get: managed',
    fixture: 'v3_service_instance_get_managed.json',
    method: 'GET',
    path: `/v3/service_instances/${SI}`,
    action: (c) => c.serviceInstances.get(SI),
    expected: {
      guid: SI,
      type: 'managed',
      last_operation: { state: 'succeeded' },
      relationships: { space: { data: { guid: '5a84d315-9513-4d74-95e5-f6a5501eeef7' } } },
    },
  },
  {
    description: 'service instance get: user-provided',
    fixture: 'v3_service_instance_get_user_provided.json',
    method: 'GET',
    path: '/v3/service_instances/88ce23e5-27c3-4381-a2df-32a28ec43133',
    action: (c) => c.serviceInstances.get('88ce23e5-27c3-4381-a2df-32a28ec43133'),
    expected: { type: 'user-provided', name: 'my-user-provided-instance' },
  },
  {
    description: 'shared spaces with fields',
    fixture: 'v3_service_instance_shared_spaces_relationship.json',
    method: 'GET',
    path: `/v3/service_instances/${SI}/relationships/shared_spaces`,
    query: { 'fields[space]': 'guid,name,relationships.organization', 'fields[space.organization]': 'guid,name' },
    action: (c) =>
      c.serviceInstances.listSharedSpaces(SI, {
        space: ['guid', 'name', 'relationships.organization'],
        'space.organization': ['guid', 'name'],
      }),
    expected: { data: [{ guid: SPACE }, { guid: 'b19f6525-cbd3-4155-b156-dc0c2a431b4c' }] },
  },
  {
    description: 'share to spaces sends a to-many body',
    fixture: 'v3_service_instance_shared_spaces_relationship.json',
    method: 'POST',
    path: `/v3/service_instances/${SI}/relationships/shared_spaces`,
    body: { data: [{ guid: SPACE }] },
    action: (c) => c.serviceInstances.shareToSpaces(SI, [SPACE]),
    expected: { data: [{ guid: SPACE }, { guid: 'b19f6525-cbd3-4155-b156-dc0c2a431b4c' }] },
  },
  {
    description: 'shared spaces usage summary',
    fixture: 'v3_service_instance_shared_spaces_usage_summary.json',
    method: 'GET',
    path: `/v3/service_instances/${SI}/relationships/shared_spaces/usage_summary`,
    action: (c) => c.serviceInstances.sharedSpacesUsageSummary(SI),
    expected: { usage_summary: [{ space: { guid: SPACE }, bound_app_count: 2 }, { bound_app_count: 0 }] },
  },
  {
    description: 'credential bindings list, type=app with include=app',
    fixture: 'v3_service_credential_bindings_list.json',
    method: 'GET',
    path: '/v3/service_credential_bindings',
    query: { type: 'app', include: 'app', service_instance_guids: SI },
    action: async (c) =>
      (
        await c.serviceCredentialBindings
          .list({ type: 'app', include: ['app'], service_instance_guids: [SI] })
          .pages()
          .next()
      ).value,
    expected: {
      resources: [
        { type: 'app', name: 'some-binding-name' },
        { type: 'key', name: 'some-key-name' },
      ],
    },
  },
  {
    description: 'credential binding get: app',
    fixture: 'v3_service_credential_binding_app.json',
    method: 'GET',
    path: '/v3/service_credential_bindings/dde5ad2a-d8f4-44dc-a56f-0452d744f1c3',
    action: (c) => c.serviceCredentialBindings.get('dde5ad2a-d8f4-44dc-a56f-0452d744f1c3'),
    expected: { type: 'app', relationships: { app: { data: { guid: '74f7c078-0934-470f-9883-4fddss5b8f13' } } } },
  },
  {
    description: 'credential binding get: key has no app relationship',
    fixture: 'v3_service_credential_binding_key.json',
    method: 'GET',
    path: '/v3/service_credential_bindings/k1',
    action: async (c) => {
      const key = await c.serviceCredentialBindings.get('k1');
      return { type: key.type, hasApp: key.relationships.app !== undefined };
    },
    expected: { type: 'key', hasApp: false },
  },
  {
    description: 'job complete',
    fixture: 'v3_job_complete.json',
    method: 'GET',
    path: '/v3/jobs/b19ae525-cbd3-4155-b156-dc0c2a431b4c',
    action: (c) => c.jobs.pollUntilTerminal('b19ae525-cbd3-4155-b156-dc0c2a431b4c'),
    expected: { state: 'COMPLETE', operation: 'app.delete' },
  },
  {
    description: 'job failed surfaces the job error',
    fixture: 'v3_job_failed.json',
    method: 'GET',
    path: '/v3/jobs/b19ae525-cbd3-4155-b156-dc0c2a431b4c',
    action: (c) => c.jobs.pollUntilTerminal('b19ae525-cbd3-4155-b156-dc0c2a431b4c'),
    error: {
      name: 'JobFailedError',
      code: 10008,
      title: 'CF-UnprocessableEntity',
      detail: 'something went wrong',
      jobGuid: 'b19ae525-cbd3-4155-b156-dc0c2a431b4c',
    },
  },
  {
    description: 'security group get: rules as stored',
    fixture: 'v3_security_group_get.json',
    method: 'GET',
    path: '/v3/security_groups/b85a788e-671f-4549-814d-e34cdb2f539a',
    action: (c) => c.securityGroups.get('b85a788e-671f-4549-814d-e34cdb2f539a'),
    expected: {
      name: 'my-group0',
      globally_enabled: { running: true },
      rules: [
        { protocol: 'tcp', ports: '443,80,8080' },
        { protocol: 'icmp', type: 8, code: 0 },
        { protocol: 'icmpv6', type: -1 },
        { destination: '1.1.1.1,2.2.2.2/24,10.0.0.0-10.0.0.255' },
      ],
    },
  },
  {
    description: 'security groups list with running space filter',
    fixture: 'v3_security_groups_list.json',
    method: 'GET',
    path: '/v3/security_groups',
    query: { running_space_guids: 's1', globally_enabled_running: 'true' },
    action: (c) => c.securityGroups.listAll({ running_space_guids: ['s1'], globally_enabled_running: true }),
    expected: [{ name: 'my-group0' }, { name: 'my-group1' }],
  },
  {
    description: 'running security groups of a space',
    fixture: 'v3_security_groups_list.json',
    method: 'GET',
    path: '/v3/spaces/s1/running_security_groups',
    action: (c) => c.securityGroups.runningForSpace('s1').all(),
    expected: [{ guid: 'b85a788e-671f-4549-814d-e34cdb2f539a' }, { guid: 'a89a788e-671f-4549-814d-e34c1b2f533a' }],
  },
  {
    description: 'audit events with types and created_ats[gt]',
    fixture: 'v3_organizations_list.json',
    method: 'GET',
    path: '/v3/audit_events',
    query: { types: 'audit.service_instance.unshare', 'created_ats[gt]': '2026-01-01T00:00:00Z', target_guids: SI },
    action: (c) =>
      c.auditEvents
        .list({
          types: ['audit.service_instance.unshare'],
          target_guids: [SI],
          created_ats: { gt: '2026-01-01T00:00:00Z' },
        })
        .first(),
    expected: { guid: '885735b5-aea4-4cf5-8e44-961af0e41920' },
  },
  {
    description: '404 CF-ResourceNotFound',
    fixture: 'v3_error_resource_not_found.json',
    status: 404,
    method: 'GET',
    path: '/v3/service_instances/gone',
    action: (c) => c.serviceInstances.get('gone'),
    error: {
      name: 'CfApiError',
      status: 404,
      code: 10010,
      title: 'CF-ResourceNotFound',
      detail: 'App not found',
      message: 'GET /v3/service_instances/gone → 404 CF-ResourceNotFound (10010): App not found',
    },
  },
  {
    description: '422 CF-UnprocessableEntity on unshare',
    fixture: 'v3_error_unprocessable_entity_example.json',
    status: 422,
    method: 'DELETE',
    path: `/v3/service_instances/${SI}/relationships/shared_spaces/nope`,
    action: (c) => c.serviceInstances.unshareFromSpace(SI, 'nope'),
    error: { status: 422, code: 10008, title: 'CF-UnprocessableEntity', detail: 'something went wrong' },
  },
];

let cf: FakeCf | undefined;
afterEach(async () => {
  await cf?.close();
  cf = undefined;
});

describe('client against recorded CC bodies', () => {
  it.each(rows)('$description', async (row) => {
    cf = await startCf((req) =>
      req.method === row.method && req.path === row.path
        ? { status: row.status ?? 200, body: fixture(row.fixture), ...(row.headers ? { headers: row.headers } : {}) }
        : undefined,
    );
    const { client } = testClient(cf);
    await client.login();
    if (row.error) {
      const error = await row.action(client).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CfApiError);
      expect(error).toMatchObject(row.error);
    } else {
      expect(await row.action(client)).toMatchObject(row.expected as object);
    }
    const sent: SeenRequest[] = cf.apiRequests();
    expect(sent.length).toBeGreaterThan(0);
    const first = sent[0]!;
    expect(first.method).toBe(row.method);
    expect(first.path).toBe(row.path);
    for (const [key, value] of Object.entries(row.query ?? {})) expect(first.query.get(key), key).toBe(value);
    if (row.body !== undefined) expect(JSON.parse(first.body)).toEqual(row.body);
    expect(first.headers.authorization).toMatch(/^bearer /);
    expect(first.headers['user-agent']).toBe('cf-shares/0.1.0');
  });
});

describe('other fixture-backed behaviour', () => {
  it('discovers the token endpoint from links.login, as the cf CLI does', async () => {
    cf = await startCf((req) => (req.path === '/' ? { status: 200, body: fixture('root_global.json') } : undefined));
    const { client } = testClient(cf);
    expect(await client.root.tokenEndpoint()).toBe('https://login.example.org');
  });

  it('falls back to links.uaa when links.login is absent', async () => {
    const root = fixture<{ links: Record<string, unknown> }>('root_global.json');
    delete root.links.login;
    cf = await startCf((req) => (req.path === '/' ? { status: 200, body: root } : undefined));
    const { client } = testClient(cf);
    expect(await client.root.tokenEndpoint()).toBe('https://uaa.example.org');
  });

  it('parses the UAA password-grant fixture: scopes from the JWT claim, user name', async () => {
    cf = await startCf(
      () => undefined,
      () => ({ status: 200, body: fixture('uaa_oauth_token_password_grant.json') }),
    );
    const { client } = testClient(cf, { auth: { username: 'marissa', password: 'koala' } });
    const identity = await client.login();
    expect(identity).toEqual({
      kind: 'user',
      scopes: ['cloud_controller.read', 'cloud_controller.write', 'openid', 'password.write', 'scim.userids'],
      userName: 'marissa',
      clientId: 'app',
      userId: '7f791ea9-99b9-423d-988b-931f0222a79f',
    });
    const tokenRequest = cf.tokenRequests()[0]!;
    expect(tokenRequest.headers.authorization).toBe('Basic Y2Y6');
    expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
      grant_type: 'password',
      username: 'marissa',
      password: 'koala',
    });
  });

  it('unshare answers {status: 204}', async () => {
    cf = await startCf((req) => (req.method === 'DELETE' ? { status: 204 } : undefined));
    const { client } = testClient(cf);
    await client.login();
    // No X-Vcap-Request-Id in the answer: the id we sent is the one CC's logs would hold.
    const sent = () => cf!.apiRequests().at(-1)!.headers['x-vcap-request-id'];
    expect(await client.serviceInstances.unshareFromSpace(SI, SPACE)).toEqual({ status: 204, requestId: sent() });
  });

  it('binding delete: 202 Location → job guid, polled to COMPLETE; 204 → null', async () => {
    const job = fixture<{ guid: string }>('v3_job_complete.json');
    cf = await startCf((req) => {
      if (req.method === 'DELETE' && req.path === '/v3/service_credential_bindings/managed') {
        return { status: 202, headers: { location: `https://api.example.org/v3/jobs/${job.guid}` } };
      }
      if (req.method === 'DELETE' && req.path === '/v3/service_credential_bindings/ups') return { status: 204 };
      if (req.path === `/v3/jobs/${job.guid}`) return { status: 200, body: job };
      return undefined;
    });
    const { client } = testClient(cf);
    await client.login();
    expect(await client.serviceCredentialBindings.delete('ups')).toBeNull();
    expect(await client.serviceCredentialBindings.deleteAndWait('managed')).toMatchObject({ state: 'COMPLETE' });
  });

  it('job polling waits while PROCESSING/POLLING, growing the interval', async () => {
    const states = ['PROCESSING', 'POLLING', 'COMPLETE'];
    const job = fixture<Record<string, unknown>>('v3_job_complete.json');
    cf = await startCf((req) =>
      req.path.startsWith('/v3/jobs/') ? { status: 200, body: { ...job, state: states.shift() } } : undefined,
    );
    const { client, waits } = testClient(cf);
    await client.login();
    expect(await client.jobs.pollUntilTerminal('j1', { intervalMs: 100 })).toMatchObject({ state: 'COMPLETE' });
    expect(waits).toEqual([100, 150]);
  });

  it('isNotFound also matches 60004 CF-ServiceInstanceNotFound', () => {
    const error = new CfApiError({
      status: 404,
      method: 'POST',
      url: 'http://x/v3/a',
      errors: [{ code: 60004, title: 'CF-ServiceInstanceNotFound', detail: 'x' }],
    });
    expect(isNotFound(error)).toBe(true);
    expect(
      isNotFound(
        new JobFailedError({ jobGuid: 'j', operation: 'o', errors: [{ code: 10010 }], url: 'http://x/v3/jobs/j' }),
      ),
    ).toBe(false);
  });
});
