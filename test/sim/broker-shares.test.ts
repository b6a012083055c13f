import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { BROKER_FINDINGS_IN_EXPECTED } from '../../src/sim/truth.js';
import { call, listAll, login, truth, type Json } from './helpers/sim-client.js';

// Broker-level sharing (cc-api.md §14, issue 10): the credstore/vault-share offerings, parameters, updates with
// jobs, proxy creation against pending or permanent sharing configurations, and the truth about all of it.

let sim: RunningSim;
let admin: string;
let t: Json;

beforeAll(async () => {
  sim = await startSim({ seed: 1 });
  admin = await login(sim);
});
afterAll(async () => sim.close());
beforeEach(async () => {
  await call(sim, 'POST', '/_sim/reset');
  t = await truth(sim);
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const byName = (name: string): Json => {
  const found = t.broker_shares.find((s: Json) => s.proxy_name === name);
  if (!found) throw new Error(`no proxy ${name}`);
  return found;
};
const original = (name: string): Json => {
  const found = t.broker_originals.find((o: Json) => o.name === name);
  if (!found) throw new Error(`no original ${name}`);
  return found;
};
const params = (guid: string, token = admin): Promise<Json> =>
  call(sim, 'GET', `/v3/service_instances/${guid}/parameters`, token);
const patch = (guid: string, body: unknown, token = admin): Promise<Json> =>
  call(sim, 'PATCH', `/v3/service_instances/${guid}`, token, body);
const jobOf = async (answer: Json): Promise<Json> =>
  (await call(sim, 'GET', answer.headers.get('location'), admin)).body;

/** Polls a job until CC would stop (neither PROCESSING nor POLLING). */
async function finished(answer: Json, timeoutMs = 5000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobOf(answer);
    if (job.state !== 'PROCESSING' && job.state !== 'POLLING') return job;
    if (Date.now() > deadline) throw new Error(`job still ${job.state}`);
    await sleep(50);
  }
}

async function planGuid(offering: string, plan: string): Promise<string> {
  const plans = await listAll(sim, `/v3/service_plans?service_offering_names=${offering}&names=${plan}`, admin);
  return plans[0].guid;
}

async function create(
  name: string,
  spaceGuid: string,
  offering: string,
  plan: string,
  parameters?: unknown,
): Promise<Json> {
  return call(sim, 'POST', '/v3/service_instances', admin, {
    type: 'managed',
    name,
    relationships: {
      space: { data: { guid: spaceGuid } },
      service_plan: { data: { guid: await planGuid(offering, plan) } },
    },
    ...(parameters !== undefined && { parameters }),
  });
}

const instanceGuidOf = (job: Json): string => job.links.service_instances.href.split('/').pop();

describe('catalog', () => {
  it('credstore (retrievable) and vault-share (not) have their own brokers; the other offerings are not retrievable', async () => {
    const offerings = await listAll(sim, '/v3/service_offerings', admin);
    const features = Object.fromEntries(
      offerings.map((o: Json) => [o.name, o.broker_catalog.features.instances_retrievable]),
    );
    expect(features).toMatchObject({ credstore: true, 'vault-share': false, 'p.mysql': false, 's3-gateway': false });
    expect(offerings.map((o: Json) => o.name).slice(0, 6)).toEqual([
      'p.mysql',
      'p.redis',
      'p.rabbitmq',
      'postgres-legacy',
      'elasticsearch',
      's3-gateway',
    ]);
    const credstore = offerings.find((o: Json) => o.name === 'credstore');
    const vault = offerings.find((o: Json) => o.name === 'vault-share');
    expect(new Set(offerings.map((o: Json) => o.relationships.service_broker.data.guid)).size).toBe(3);
    expect(credstore.relationships.service_broker.data.guid).not.toBe(vault.relationships.service_broker.data.guid);
    const plans = await listAll(sim, '/v3/service_plans?service_offering_names=credstore', admin);
    expect(plans.map((p: Json) => p.name)).toEqual(['free', 'standard', 'proxy']);
    const vaultPlans = await listAll(sim, '/v3/service_plans?service_offering_names=vault-share', admin);
    expect(vaultPlans.map((p: Json) => p.name)).toEqual(['standard', 'proxy']);
  });
});

describe('GET /v3/service_instances/:guid/parameters', () => {
  it('answers the broker parameters themselves (200), for every reader of the owning space', async () => {
    const proxy = byName('team-a-secrets-ext');
    const answer = await params(proxy.proxy_guid);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ origin: { serviceGuid: original('credstore-team-a').guid } });
    for (const role of ['admin_read_only', 'global_auditor'] as const)
      expect((await params(proxy.proxy_guid, await login(sim, role))).body).toEqual(answer.body);
    const remote = await params(byName('remote-secrets').proxy_guid);
    expect(remote.body).toEqual({
      origin: { serviceGuid: byName('remote-secrets').original_guid, landscape: 'cf-us20' },
    });
  });

  it('400 CF-ServiceFetchInstanceParametersNotSupported when the broker cannot fetch them, and for user-provided', async () => {
    const answer = await params(byName('vault-proxy-ext').proxy_guid);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errors: [
        {
          detail: 'This service does not support fetching service instance parameters.',
          title: 'CF-ServiceFetchInstanceParametersNotSupported',
          code: 120004,
        },
      ],
    });
    const ups = (await listAll(sim, '/v3/service_instances?type=user-provided&per_page=1', admin))[0];
    expect((await params(ups.guid)).body.errors[0].code).toBe(120004);
  });

  it('409 CF-AsyncServiceInstanceOperationInProgress while an operation runs on the instance', async () => {
    const busy = byName('busy-secrets');
    const answer = await params(busy.proxy_guid);
    expect(answer.status).toBe(409);
    expect(answer.body.errors).toEqual([
      {
        detail: 'An operation for service instance busy-secrets is in progress.',
        title: 'CF-AsyncServiceInstanceOperationInProgress',
        code: 60016,
      },
    ]);
  });

  it('404 for an unknown instance or one the caller cannot read; 403 for a reader through a shared space only', async () => {
    expect((await params('no-such-instance')).status).toBe(404);
    const dev = await login(sim, 'space_developer');
    const devSpaces: string[] = t.space_developer_space_guids;
    const unreadable = t.broker_shares.find((s: Json) => !devSpaces.includes(s.proxy_space_guid));
    const notFound = await params(unreadable.proxy_guid, dev);
    expect(notFound.status).toBe(404);
    expect(notFound.body.errors[0]).toMatchObject({
      title: 'CF-ResourceNotFound',
      detail: 'Service instance not found',
    });
    // Shared (by CC) into a space the developer reads, owned elsewhere: readable, but its parameters are 403.
    await call(sim, 'POST', '/_sim/shares', undefined, {
      service_instance_guid: unreadable.proxy_guid,
      space_guid: devSpaces[0],
    });
    expect((await call(sim, 'GET', `/v3/service_instances/${unreadable.proxy_guid}`, dev)).status).toBe(200);
    expect((await params(unreadable.proxy_guid, dev)).status).toBe(403);
  });
});

describe('PATCH /v3/service_instances/:guid', () => {
  it('name, tags and metadata alone answer 200 with the instance and record audit.service_instance.update', async () => {
    const guid = original('credstore-unused').guid;
    const answer = await patch(guid, { name: 'renamed', tags: ['a'], metadata: { labels: { env: 'prod' } } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ guid, name: 'renamed', tags: ['a'], metadata: { labels: { env: 'prod' } } });
    const events = await listAll(
      sim,
      `/v3/audit_events?types=audit.service_instance.update&target_guids=${guid}`,
      admin,
    );
    expect(events).toHaveLength(1);
  });

  it('parameters reach a synchronous broker: 202, a service_instance.update job COMPLETE at once, last operation update/succeeded', async () => {
    const guid = original('credstore-team-a').guid;
    const answer = await patch(guid, { parameters: { share: { spaceGuid: t.broker_shares[0].proxy_space_guid } } });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('');
    expect(answer.headers.get('location')).toMatch(new RegExp(`^${sim.url}/v3/jobs/[0-9a-f-]{36}$`));
    const job = await jobOf(answer);
    expect(job).toMatchObject({ operation: 'service_instance.update', state: 'COMPLETE', errors: [] });
    expect(job.links.service_instances.href).toBe(`${sim.url}/v3/service_instances/${guid}`);
    const si = (await call(sim, 'GET', `/v3/service_instances/${guid}`, admin)).body;
    expect(si.last_operation).toMatchObject({ type: 'update', state: 'succeeded' });
    const events = await listAll(
      sim,
      `/v3/audit_events?types=audit.service_instance.update&target_guids=${guid}`,
      admin,
    );
    expect(events[0].data.request.parameters).toBe('[PRIVATE DATA HIDDEN]');
    const writes = (await call(sim, 'GET', '/_sim/writes')).body.writes;
    expect(writes.at(-1)).toMatchObject({ method: 'PATCH', route: 'PATCH /v3/service_instances/:guid', status: 202 });
  });

  it('an asynchronous broker: the job polls until asyncSeconds pass; meanwhile updates and parameters answer 409', async () => {
    const billing = original('credstore-billing').guid;
    await call(sim, 'PUT', `/_sim/service_instances/${billing}/update-behaviour`, undefined, {
      update: 'async',
      asyncSeconds: 0.4,
    });
    const answer = await patch(billing, { parameters: { unshare: { landscape: '*' } } });
    expect(answer.status).toBe(202);
    expect(['PROCESSING', 'POLLING']).toContain((await jobOf(answer)).state);
    const si = (await call(sim, 'GET', `/v3/service_instances/${billing}`, admin)).body;
    expect(si.last_operation).toMatchObject({ type: 'update', state: 'in progress' });
    const again = await patch(billing, { parameters: { unshare: { landscape: '*' } } });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([
      {
        detail: 'An operation for service instance credstore-billing is in progress.',
        title: 'CF-AsyncServiceInstanceOperationInProgress',
        code: 60016,
      },
    ]);
    expect((await patch(billing, { name: 'other' })).status).toBe(409);
    expect((await patch(billing, { metadata: { labels: { a: 'b' } } })).status).toBe(200);
    expect((await params(billing)).status).toBe(409);
    await sleep(100);
    expect((await jobOf(answer)).state).toBe('POLLING');
    expect((await truth(sim)).broker_shares.find((s: Json) => s.proxy_name === 'billing-secrets').access).toBe(true);
    const job = await finished(answer);
    expect(job.state).toBe('COMPLETE');
    expect((await call(sim, 'GET', `/v3/service_instances/${billing}`, admin)).body.last_operation).toMatchObject({
      type: 'update',
      state: 'succeeded',
    });
    expect((await truth(sim)).broker_shares.find((s: Json) => s.proxy_name === 'billing-secrets').access).toBe(false);
    const types = (await listAll(sim, `/v3/audit_events?target_guids=${billing}`, admin)).map((e: Json) => e.type);
    // The metadata-only update in between records its own event.
    expect(types).toEqual([
      'audit.service_instance.start_update',
      'audit.service_instance.update',
      'audit.service_instance.update',
    ]);
  });

  it('a failing broker: the job FAILS with CF-UnableToPerform and the last operation is update/failed', async () => {
    const guid = original('credstore-team-a').guid;
    await call(sim, 'PUT', `/_sim/service_instances/${guid}/update-behaviour`, undefined, { update: 'fail' });
    const answer = await patch(guid, { parameters: { unshare: { landscape: '*' } } });
    expect(answer.status).toBe(202);
    const job = await finished(answer);
    expect(job.state).toBe('FAILED');
    expect(job.errors).toEqual([
      {
        detail: 'update could not be completed: Service broker error: update failed (simulated broker error)',
        title: 'CF-UnableToPerform',
        code: 10009,
      },
    ]);
    const si = (await call(sim, 'GET', `/v3/service_instances/${guid}`, admin)).body;
    expect(si.last_operation).toMatchObject({ type: 'update', state: 'failed' });
    // Nothing changed on the broker side.
    expect((await truth(sim)).broker_shares.filter((s: Json) => s.original_guid === guid && !s.access)).toEqual([]);
  });

  it('a parameters request the broker rejects fails the job; the update-behaviour endpoint validates', async () => {
    const guid = original('credstore-team-a').guid;
    const job = await finished(await patch(guid, { parameters: { unshare: { spaceGuid: 'x' } } }));
    expect(job.state).toBe('FAILED');
    expect(job.errors[0].detail).toMatch(
      /^update could not be completed: Service broker error: unshare needs landscape/,
    );
    const bad = await call(sim, 'PUT', `/_sim/service_instances/${guid}/update-behaviour`, undefined, { update: 'x' });
    expect(bad.status).toBe(400);
    const unknown = await call(sim, 'PUT', '/_sim/service_instances/nope/update-behaviour', undefined, {
      update: 'sync',
    });
    expect(unknown.status).toBe(404);
  });

  it('permissions as CC: read-only roles 403, a developer who cannot read the instance 404, bad bodies 422', async () => {
    const guid = original('credstore-team-a').guid;
    for (const role of ['admin_read_only', 'global_auditor'] as const)
      expect((await patch(guid, { name: 'x' }, await login(sim, role))).status).toBe(403);
    const dev = await login(sim, 'space_developer');
    const devSpaces: string[] = t.space_developer_space_guids;
    const unreadable = t.broker_originals.find((o: Json) => !devSpaces.includes(o.space_guid));
    expect((await patch(unreadable.guid, { name: 'x' }, dev)).status).toBe(404);
    const invalid = await patch(guid, { parameters: 'no', colour: 'red' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].detail).toBe("Unknown field(s): 'colour', Parameters must be an object");
  });
});

describe('proxies: share, create, unshare', () => {
  it('a pending share is consumed once within 15 minutes; later it has expired; a permanent one keeps working up to the quota', async () => {
    const spaces = await listAll(sim, '/v3/spaces', admin);
    const [home, first, second, third] = [spaces[0].guid, spaces[1].guid, spaces[2].guid, spaces[3].guid];
    const made = await finished(await create('vault-of-record', home, 'credstore', 'free'));
    expect(made).toMatchObject({ operation: 'service_instance.create', state: 'COMPLETE' });
    const guid = instanceGuidOf(made);
    expect((await params(guid)).body).toEqual({});

    expect((await finished(await patch(guid, { parameters: { share: { spaceGuid: first } } }))).state).toBe('COMPLETE');
    await call(sim, 'POST', '/_sim/clock/advance', undefined, { seconds: 14 * 60 });
    const proxy = await finished(
      await create('my-proxy', first, 'credstore', 'proxy', { origin: { serviceGuid: guid } }),
    );
    expect(proxy.state).toBe('COMPLETE');
    const proxyGuid = instanceGuidOf(proxy);
    expect((await params(proxyGuid)).body).toEqual({ origin: { serviceGuid: guid } });
    expect((await truth(sim)).broker_shares.find((s: Json) => s.proxy_guid === proxyGuid)).toMatchObject({
      original: 'local',
      access: true,
      original_plan: 'free',
    });
    // Consumed: a second proxy in the same space is refused.
    const reuse = await finished(
      await create('my-proxy-2', first, 'credstore', 'proxy', { origin: { serviceGuid: guid } }),
    );
    expect(reuse.state).toBe('FAILED');
    expect(reuse.errors[0]).toMatchObject({ title: 'CF-UnableToPerform', code: 10009 });
    expect(reuse.errors[0].detail).toMatch(
      /^provision could not be completed: Service broker error: .* not shared with space/,
    );

    // Expired: shared, then 16 minutes pass.
    await finished(await patch(guid, { parameters: { share: { spaceGuid: second } } }));
    await call(sim, 'POST', '/_sim/clock/advance', undefined, { seconds: 16 * 60 });
    const late = await finished(
      await create('late-proxy', second, 'credstore', 'proxy', { origin: { serviceGuid: guid } }),
    );
    expect(late.state).toBe('FAILED');
    const failed = (await listAll(sim, `/v3/service_instances?names=late-proxy`, admin))[0];
    expect(failed.last_operation).toMatchObject({ type: 'create', state: 'failed' });
    expect((await params(failed.guid)).status).toBe(404);

    // Permanent: still valid an hour later, but the free plan allows one proxy and it has one.
    await finished(await patch(guid, { parameters: { share: { spaceGuid: third, permanent: true } } }));
    await call(sim, 'POST', '/_sim/clock/advance', undefined, { seconds: 3600 });
    const full = await finished(
      await create('full-proxy', third, 'credstore', 'proxy', { origin: { serviceGuid: guid } }),
    );
    expect(full.state).toBe('FAILED');
    expect(full.errors[0].detail).toMatch(/already has 1 proxy instance\(s\); its plan free allows 1\.$/);
    // After unsharing the first proxy there is room again, and the same name may be used for a new try.
    await finished(await patch(guid, { parameters: { unshare: { landscape: '*', proxyServiceGuid: proxyGuid } } }));
    const retry = await finished(
      await create('full-proxy', third, 'credstore', 'proxy', { origin: { serviceGuid: guid } }),
    );
    expect(retry.state).toBe('COMPLETE');
    const clock = (await call(sim, 'GET', '/_sim/clock')).body;
    expect(clock).toMatchObject({ offset_seconds: 14 * 60 + 16 * 60 + 3600, landscape: 'cf-eu10' });
  });

  it('a standard original takes a subaccount (org) share; an origin in another region is accepted as that region would', async () => {
    const spaces = await listAll(sim, '/v3/spaces', admin);
    const home = spaces[0];
    const other = spaces.find(
      (s: Json) => s.relationships.organization.data.guid !== home.relationships.organization.data.guid,
    );
    const guid = instanceGuidOf(await finished(await create('org-wide', home.guid, 'credstore', 'standard')));
    await finished(
      await patch(guid, {
        parameters: { share: { subaccountGuid: other.relationships.organization.data.guid, permanent: true } },
      }),
    );
    const a = await finished(
      await create('org-proxy', other.guid, 'credstore', 'proxy', { origin: { serviceGuid: guid } }),
    );
    expect(a.state).toBe('COMPLETE');
    const remote = await finished(
      await create('far-proxy', other.guid, 'credstore', 'proxy', {
        origin: { serviceGuid: 'elsewhere', landscape: 'cf-ap10' },
      }),
    );
    expect(remote.state).toBe('COMPLETE');
    const nowhere = await finished(
      await create('lost-proxy', other.guid, 'credstore', 'proxy', { origin: { serviceGuid: 'gone' } }),
    );
    expect(nowhere.errors[0].detail).toBe(
      'provision could not be completed: Service broker error: The original service instance gone does not exist in cf-eu10.',
    );
    const after = await truth(sim);
    expect(after.broker_expected_findings).toContainEqual({
      kind: 'broker_share_remote_region',
      instance_guid: instanceGuidOf(remote),
    });
    expect(after.broker_expected_findings).toContainEqual({
      kind: 'broker_share_cross_org',
      instance_guid: instanceGuidOf(a),
    });
  });

  it('unshare removes access of the matching proxies (truth) and leaves them in place; matching nothing succeeds', async () => {
    const teamA = original('credstore-team-a').guid;
    const sameOrg = byName('team-a-secrets');
    const cross = byName('team-a-secrets-ext');
    const none = await finished(await patch(teamA, { parameters: { unshare: { landscape: 'cf-jp10' } } }));
    expect(none.state).toBe('COMPLETE');
    expect(
      (await truth(sim)).broker_shares.filter((s: Json) => s.original_guid === teamA).every((s: Json) => s.access),
    ).toBe(true);
    const one = await finished(
      await patch(teamA, { parameters: { unshare: { landscape: 'cf-eu10', spaceGuid: cross.proxy_space_guid } } }),
    );
    expect(one.state).toBe('COMPLETE');
    let after = await truth(sim);
    const access = (name: string): boolean => after.broker_shares.find((s: Json) => s.proxy_name === name).access;
    expect(access('team-a-secrets-ext')).toBe(false);
    expect(access('team-a-secrets')).toBe(true);
    await finished(await patch(teamA, { parameters: { unshare: { landscape: '*' } } }));
    after = await truth(sim);
    expect(access('team-a-secrets')).toBe(false);
    expect(access('team-a-secrets-regional')).toBe(false);
    // The proxies stay, parameters unchanged, and the original still counts them.
    expect((await params(sameOrg.proxy_guid)).body).toEqual({ origin: { serviceGuid: teamA } });
    expect(after.broker_originals.find((o: Json) => o.guid === teamA)).toMatchObject({
      proxies: 3,
      proxies_with_access: 0,
    });
    // A share needs one target; a proxy cannot be shared.
    const bad = await finished(await patch(teamA, { parameters: { share: {} } }));
    expect(bad.errors[0].detail).toMatch(/share needs exactly one of spaceGuid or subaccountGuid/);
    const onProxy = await finished(await patch(sameOrg.proxy_guid, { parameters: { share: { spaceGuid: 'x' } } }));
    expect(onProxy.state).toBe('FAILED');
  });
});

describe('POST /v3/service_instances', () => {
  it('validates like CC: the message, the space, the plan and the name', async () => {
    const space = (await listAll(sim, '/v3/spaces', admin))[0].guid;
    const post = (body: unknown): Promise<Json> => call(sim, 'POST', '/v3/service_instances', admin, body);
    const empty = await post({});
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].detail).toBe(
      "Type must be one of 'managed', 'user-provided', Name can't be blank, Relationships Space can't be blank",
    );
    const plan = await planGuid('credstore', 'free');
    const noSpace = await post({
      type: 'managed',
      name: 'x',
      relationships: { space: { data: { guid: 'nope' } }, service_plan: { data: { guid: plan } } },
    });
    expect(noSpace.body.errors[0].detail).toBe(
      'Invalid space. Ensure that the space exists and you have access to it.',
    );
    const noPlan = await post({
      type: 'managed',
      name: 'x',
      relationships: { space: { data: { guid: space } }, service_plan: { data: { guid: 'nope' } } },
    });
    expect(noPlan.body.errors[0].detail).toMatch(/^Invalid service plan\. Ensure that the service plan exists/);
    expect((await finished(await create('dup', space, 'credstore', 'free'))).state).toBe('COMPLETE');
    const dup = await create('dup', space, 'credstore', 'free');
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0]).toEqual({
      detail: 'The service instance name is taken: dup.',
      title: 'CF-UnprocessableEntity',
      code: 10008,
    });
    const ups = await post({
      type: 'user-provided',
      name: 'ups-new',
      relationships: { space: { data: { guid: space } } },
    });
    expect(ups.status).toBe(201);
    expect(ups.body).toMatchObject({ name: 'ups-new', type: 'user-provided' });
    const ro = await call(sim, 'POST', '/v3/service_instances', await login(sim, 'global_auditor'), {});
    expect(ro.status).toBe(403);
  });
});

describe('the truth', () => {
  it('lists every proxy with where its original is, every original with its quota, and one finding of each kind', async () => {
    expect(t.landscape).toBe('cf-eu10');
    expect(byName('team-a-secrets')).toMatchObject({ original: 'local', access: true, offering: 'credstore' });
    expect(byName('team-a-secrets-regional')).toMatchObject({ original: 'local', origin_landscape: 'cf-eu10' });
    expect(byName('remote-secrets')).toMatchObject({
      original: 'remote',
      origin_landscape: 'cf-us20',
      original_space_guid: null,
      original_plan: null,
    });
    expect(byName('stale-secrets')).toMatchObject({ original: 'missing', origin_landscape: null, access: false });
    expect(byName('vault-proxy-ext')).toMatchObject({ original: 'local', offering: 'vault-share' });
    expect(original('credstore-drift')).toMatchObject({ plan: 'free', proxies: 2, quota: 1 });
    expect(original('credstore-team-a')).toMatchObject({ plan: 'standard', proxies: 3, quota: 10 });

    const findings = (kind: string): string[] =>
      t.broker_expected_findings.filter((f: Json) => f.kind === kind).map((f: Json) => f.instance_guid);
    const crossOrg = t.broker_shares
      .filter(
        (s: Json) => s.offering === 'credstore' && s.original === 'local' && s.original_org_guid !== s.proxy_org_guid,
      )
      .filter((s: Json) => s.proxy_name !== 'busy-secrets')
      .map((s: Json) => s.proxy_guid);
    expect(findings('broker_share_cross_org').sort()).toEqual(crossOrg.sort());
    expect(findings('broker_share_cross_org')).toContain(byName('team-a-secrets-ext').proxy_guid);
    expect(findings('broker_share_cross_org')).not.toContain(byName('vault-proxy-ext').proxy_guid);
    expect(findings('broker_share_original_missing')).toEqual([byName('stale-secrets').proxy_guid]);
    expect(findings('broker_share_remote_region')).toEqual([byName('remote-secrets').proxy_guid]);
    expect(findings('broker_share_parameters_unreadable')).toEqual([byName('busy-secrets').proxy_guid]);
    expect(findings('broker_share_over_quota')).toEqual([original('credstore-drift').guid]);
    // In expected_findings once the report produces them (BROKER_FINDINGS_IN_EXPECTED); listed as unreported before.
    const inExpected = t.expected_findings.filter((f: Json) => f.kind.startsWith('broker_share_'));
    expect(inExpected).toEqual(BROKER_FINDINGS_IN_EXPECTED ? t.broker_expected_findings : []);
    expect(t.unreported_finding_kinds).toEqual(
      BROKER_FINDINGS_IN_EXPECTED
        ? []
        : [
            'broker_share_cross_org',
            'broker_share_original_missing',
            'broker_share_remote_region',
            'broker_share_parameters_unreadable',
            'broker_share_over_quota',
          ],
    );
    // Proxies carry app bindings and keys.
    const proxyGuids = new Set(t.broker_shares.map((s: Json) => s.proxy_guid));
    const bindings = await listAll(
      sim,
      `/v3/service_credential_bindings?service_instance_guids=${[...proxyGuids].join(',')}`,
      admin,
    );
    expect(new Set(bindings.map((b: Json) => b.type))).toEqual(new Set(['app', 'key']));
  });

  it('an original deleted out of band leaves its proxies stale; a proxy in an update is unreadable until it ends', async () => {
    const teamA = original('credstore-team-a').guid;
    await call(sim, 'DELETE', `/_sim/service_instances/${teamA}`);
    const after = await truth(sim);
    const missing = after.broker_expected_findings
      .filter((f: Json) => f.kind === 'broker_share_original_missing')
      .map((f: Json) => f.instance_guid);
    expect(missing).toEqual(
      expect.arrayContaining([byName('team-a-secrets').proxy_guid, byName('team-a-secrets-ext').proxy_guid]),
    );
    expect(after.broker_expected_findings).not.toContainEqual({
      kind: 'broker_share_cross_org',
      instance_guid: byName('team-a-secrets-ext').proxy_guid,
    });

    const proxy = byName('drift-secrets-1').proxy_guid;
    await call(sim, 'PUT', `/_sim/service_instances/${proxy}/update-behaviour`, undefined, {
      update: 'async',
      asyncSeconds: 0.2,
    });
    const answer = await patch(proxy, { parameters: { rotate: true } });
    expect((await truth(sim)).broker_expected_findings).toContainEqual({
      kind: 'broker_share_parameters_unreadable',
      instance_guid: proxy,
    });
    await finished(answer);
    expect((await params(proxy)).body).toEqual({
      origin: { serviceGuid: original('credstore-drift').guid },
      rotate: true,
    });
    expect((await truth(sim)).broker_expected_findings).not.toContainEqual({
      kind: 'broker_share_parameters_unreadable',
      instance_guid: proxy,
    });
  });

  it('the landscape option names the simulator region; the seed remote proxy stays remote in another one', async () => {
    const other = await startSim({ seed: 1, landscape: 'cf-us10' });
    try {
      const tr = (await call(other, 'GET', '/_sim/truth')).body;
      expect(tr.landscape).toBe('cf-us10');
      // The seed names the simulator's own landscape explicitly on this proxy, whatever it is.
      expect(tr.broker_shares.find((s: Json) => s.proxy_name === 'team-a-secrets-regional')).toMatchObject({
        original: 'local',
        origin_landscape: 'cf-us10',
      });
      expect(tr.broker_shares.find((s: Json) => s.proxy_name === 'remote-secrets').original).toBe('remote');
    } finally {
      await other.close();
    }
    await expect(startSim({ landscape: 'Not A Key' })).rejects.toThrow(/landscape must be a region technical key/);
  });
});
