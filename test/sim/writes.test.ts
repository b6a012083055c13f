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
const setBehaviour = (binding: string, behaviour: Record<string, unknown>): Promise<unknown> =>
  call(sim, 'PUT', `/_sim/bindings/${binding}/behaviour`, undefined, behaviour);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A share edge whose target space holds bindings, none scripted by the generator. */
function plainShareWithBindings(): Json {
  const scripted = new Set(t.scripted_bindings.map((s: Json) => s.binding_guid));
  return t.shares.find(
    (s: Json) => s.binding_guids.length > 0 && !s.binding_guids.some((b: string) => scripted.has(b)),
  );
}

describe('unshare (cc-api.md §1.2)', () => {
  it('deletes the target space app bindings inside the request, keeps keys, and answers 204 twice', async () => {
    const share = plainShareWithBindings();
    const keysBefore = t.keys_on_shared_instances.filter((k: Json) => k.instance_guid === share.instance_guid);
    const del = await call(sim, 'DELETE', unsharePath(share.instance_guid, share.target_space_guid), admin);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    for (const b of share.binding_guids)
      expect((await call(sim, 'GET', `/v3/service_credential_bindings/${b}`, admin)).status).toBe(404);
    const after = await truth(sim);
    expect(
      after.shares.some(
        (s: Json) => s.instance_guid === share.instance_guid && s.target_space_guid === share.target_space_guid,
      ),
    ).toBe(false);
    expect(after.keys_on_shared_instances.filter((k: Json) => k.instance_guid === share.instance_guid).length).toBe(
      after.shared_instance_guids.includes(share.instance_guid) ? keysBefore.length : 0,
    );
    const keys = await listAll(
      sim,
      `/v3/service_credential_bindings?type=key&service_instance_guids=${share.instance_guid}`,
      admin,
    );
    expect(keys.length).toBe(keysBefore.length);
    expect((await call(sim, 'DELETE', unsharePath(share.instance_guid, share.target_space_guid), admin)).status).toBe(
      204,
    );
    const events = await listAll(
      sim,
      `/v3/audit_events?types=audit.service_instance.unshare&target_guids=${share.instance_guid}`,
      admin,
    );
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({ target_space_guid: share.target_space_guid });
  });

  it('unknown space gives 422 with the real message; unknown instance 404', async () => {
    const si = t.shared_instance_guids[0];
    const bad = await call(sim, 'DELETE', unsharePath(si, 'no-such-space'), admin);
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toEqual({
      detail: 'Unable to unshare service instance from space no-such-space. Ensure the space exists.',
      title: 'CF-UnprocessableEntity',
      code: 10008,
    });
    const gone = await call(sim, 'DELETE', unsharePath('no-such-instance', t.shares[0].target_space_guid), admin);
    expect(gone.status).toBe(404);
  });

  it('an async unbind fails the unshare with the verbatim 502, keeps the share, and a retry after it finishes succeeds', async () => {
    const share = t.shares.find(
      (s: Json) =>
        s.binding_guids.length === 1 && !t.scripted_bindings.some((x: Json) => x.binding_guid === s.binding_guids[0]),
    );
    await setBehaviour(share.binding_guids[0], { unbind: 'async', asyncSeconds: 1 });
    const spaceName = (await call(sim, 'GET', `/v3/spaces/${share.target_space_guid}`, admin)).body.name;
    const first = await call(sim, 'DELETE', unsharePath(share.instance_guid, share.target_space_guid), admin);
    expect(first.status).toBe(502);
    expect(first.body).toEqual({
      errors: [
        {
          detail: `Unshare of service instance failed: \n\nUnshare of service instance failed because one or more bindings could not be deleted.\n\n \tThe binding between an application and service instance ${share.instance_name} in space ${spaceName} is being deleted asynchronously.`,
          title: 'CF-ServiceInstanceUnshareFailed',
          code: 390001,
        },
      ],
    });
    const binding = (await call(sim, 'GET', `/v3/service_credential_bindings/${share.binding_guids[0]}`, admin)).body;
    expect(binding.last_operation).toMatchObject({ type: 'delete', state: 'in progress' });
    // Still in progress: a retry is blocked.
    const retry = await call(sim, 'DELETE', unsharePath(share.instance_guid, share.target_space_guid), admin);
    expect(retry.status).toBe(502);
    expect(retry.body.errors[0].detail).toContain(
      'The delete request was rejected due to an operation being in progress for the service binding.',
    );
    expect(
      (await truth(sim)).shares.some(
        (s: Json) => s.instance_guid === share.instance_guid && s.target_space_guid === share.target_space_guid,
      ),
    ).toBe(true);
    await sleep(1200);
    expect((await call(sim, 'DELETE', unsharePath(share.instance_guid, share.target_space_guid), admin)).status).toBe(
      204,
    );
  });

  it('several failing bindings: every one attempted, errors joined, sync ones deleted anyway', async () => {
    const share = t.shares.find((s: Json) => s.binding_guids.length >= 2);
    const [failing, busy, ...rest] = share.binding_guids;
    await setBehaviour(failing, { unbind: 'fail' });
    await setBehaviour(busy, { unbind: 'busy' });
    for (const b of rest) await setBehaviour(b, { unbind: 'sync' });
    const del = await call(sim, 'DELETE', unsharePath(share.instance_guid, share.target_space_guid), admin);
    expect(del.status).toBe(502);
    const detail: string = del.body.errors[0].detail;
    expect(detail).toContain(`\tService broker failed to delete service binding for instance ${share.instance_name}: `);
    expect(detail).toContain(
      '\n\n\tThe service broker rejected the request due to an operation being in progress for the service binding.',
    );
    for (const b of rest)
      expect((await call(sim, 'GET', `/v3/service_credential_bindings/${b}`, admin)).status).toBe(404);
    const failed = (await call(sim, 'GET', `/v3/service_credential_bindings/${failing}`, admin)).body;
    expect(failed.last_operation).toMatchObject({ type: 'delete', state: 'failed' });
  });
});

describe('share (cc-api.md §1.1)', () => {
  async function managedShareable(): Promise<Json> {
    const offerings = (await call(sim, 'GET', '/v3/service_offerings?per_page=100', admin)).body.resources;
    const mysql = offerings.find((o: Json) => o.name === 'p.mysql');
    const plans = (await call(sim, 'GET', `/v3/service_plans?service_offering_guids=${mysql.guid}&names=small`, admin))
      .body.resources;
    const list = await listAll(sim, `/v3/service_instances?service_plan_guids=${plans[0].guid}&per_page=5000`, admin);
    return list[0];
  }

  it('shares, answers the full list, refuses re-sharing, and records the audit event', async () => {
    const si = await managedShareable();
    const spaces = await listAll(sim, '/v3/spaces?per_page=5000', admin);
    const current = (
      await call(sim, 'GET', `/v3/service_instances/${si.guid}/relationships/shared_spaces`, admin)
    ).body.data.map((d: Json) => d.guid);
    const target = spaces.find((s) => s.guid !== si.relationships.space.data.guid && !current.includes(s.guid));
    const ok = await call(sim, 'POST', `/v3/service_instances/${si.guid}/relationships/shared_spaces`, admin, {
      data: [{ guid: target.guid }],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.data.map((d: Json) => d.guid).sort()).toEqual([...current, target.guid].sort());
    expect(ok.body.links.related).toBeUndefined();
    const again = await call(sim, 'POST', `/v3/service_instances/${si.guid}/relationships/shared_spaces`, admin, {
      data: [{ guid: target.guid }],
    });
    expect(again.status).toBe(422);
    expect(again.body.errors[0].detail).toBe(
      `A service instance called ${si.name} has already been shared with ${target.name}.`,
    );
    const own = await call(sim, 'POST', `/v3/service_instances/${si.guid}/relationships/shared_spaces`, admin, {
      data: [{ guid: si.relationships.space.data.guid }],
    });
    expect(own.body.errors[0].detail).toBe(
      `Unable to share service instance '${si.name}' with space '${si.relationships.space.data.guid}'. Service instances cannot be shared into the space where they were created.`,
    );
    const missing = await call(sim, 'POST', `/v3/service_instances/${si.guid}/relationships/shared_spaces`, admin, {
      data: [{ guid: 'nope' }],
    });
    expect(missing.body.errors[0].detail).toBe(
      `Unable to share service instance ${si.name} with spaces ['nope']. Ensure the spaces exist and that you have access to them.`,
    );
    const badBody = await call(sim, 'POST', `/v3/service_instances/${si.guid}/relationships/shared_spaces`, admin, {
      data: 'x',
    });
    expect(badBody.body.errors[0]).toMatchObject({ detail: 'Data must be an array', code: 10008 });
    const events = await listAll(
      sim,
      `/v3/audit_events?types=audit.service_instance.share&target_guids=${si.guid}`,
      admin,
    );
    expect(events.at(-1).data).toEqual({ target_space_guids: [target.guid] });
  });

  it('refuses user-provided and not-shareable offerings with the verbatim messages', async () => {
    const ups = (await call(sim, 'GET', '/v3/service_instances?type=user-provided&per_page=1', admin)).body
      .resources[0];
    const target = (await call(sim, 'GET', '/v3/spaces?per_page=50', admin)).body.resources.find(
      (s: Json) => s.guid !== ups.relationships.space.data.guid,
    );
    const a = await call(sim, 'POST', `/v3/service_instances/${ups.guid}/relationships/shared_spaces`, admin, {
      data: [{ guid: target.guid }],
    });
    expect(a.body.errors[0].detail).toBe('User-provided services cannot be shared.');
    const legacy = t.expected_findings.find((f: Json) => f.kind === 'offering_not_shareable');
    const si = (await call(sim, 'GET', `/v3/service_instances/${legacy.instance_guid}`, admin)).body;
    const target2 = (await call(sim, 'GET', '/v3/spaces?per_page=50', admin)).body.resources.find(
      (s: Json) => s.guid !== si.relationships.space.data.guid,
    );
    const b = await call(sim, 'POST', `/v3/service_instances/${si.guid}/relationships/shared_spaces`, admin, {
      data: [{ guid: target2.guid }],
    });
    expect(b.status).toBe(422);
    expect(b.body.errors[0].detail).toBe('The postgres-legacy service does not support service instance sharing.');
  });

  it('with the flag disabled, share is refused (even for admins) but unshare still works', async () => {
    const patch = await call(sim, 'PATCH', '/v3/feature_flags/service_instance_sharing', admin, { enabled: false });
    expect(patch.status).toBe(200);
    expect(patch.body.enabled).toBe(false);
    const si = await managedShareable();
    const target = (await call(sim, 'GET', '/v3/spaces?per_page=50', admin)).body.resources.find(
      (s: Json) => s.guid !== si.relationships.space.data.guid,
    );
    const refused = await call(sim, 'POST', `/v3/service_instances/${si.guid}/relationships/shared_spaces`, admin, {
      data: [{ guid: target.guid }],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toEqual({
      detail: 'Feature Disabled: service_instance_sharing',
      title: 'CF-FeatureDisabled',
      code: 330002,
    });
    const share = plainShareWithBindings();
    expect((await call(sim, 'DELETE', unsharePath(share.instance_guid, share.target_space_guid), admin)).status).toBe(
      204,
    );
    expect((await truth(sim)).expected_findings).not.toContainEqual({ kind: 'sharing_flag_enabled' });
  });
});

describe('binding delete and jobs (cc-api.md §3.2, §3.3)', () => {
  async function settle(location: string): Promise<Json> {
    let job: Json;
    for (let i = 0; i < 40; i++) {
      job = (await call(sim, 'GET', location, admin)).body;
      if (job.state === 'FAILED' || job.state === 'COMPLETE') break;
      await sleep(25);
    }
    return job;
  }

  it('managed: 202 + job that fails for a failing broker; user-provided: 204', async () => {
    const managedShare = plainShareWithBindings();
    const [b] = managedShare.binding_guids;
    await setBehaviour(b, { unbind: 'fail' });
    const del = await call(sim, 'DELETE', `/v3/service_credential_bindings/${b}`, admin);
    expect(del.status).toBe(202);
    const job = await settle(del.headers.get('location')!);
    expect(job.state).toBe('FAILED');
    expect(job.operation).toBe('service_bindings.delete');
    expect(job.errors[0]).toMatchObject({ title: 'CF-UnableToPerform', code: 10009 });
    expect(job.errors[0].detail).toMatch(/^unbind could not be completed: /);
    expect(job.links.service_credential_binding).toBeDefined();
    const ups = await listAll(sim, '/v3/service_instances?type=user-provided&per_page=5000', admin);
    const upsGuids = new Set(ups.map((u) => u.guid));
    const upsBinding = (await listAll(sim, '/v3/service_credential_bindings?per_page=5000', admin)).find((x) =>
      upsGuids.has(x.relationships.service_instance.data.guid),
    );
    const sync = await call(sim, 'DELETE', `/v3/service_credential_bindings/${upsBinding.guid}`, admin);
    expect(sync.status).toBe(204);
    expect((await call(sim, 'GET', `/v3/service_credential_bindings/${upsBinding.guid}`, admin)).status).toBe(404);
  });

  it('a busy broker: 202, then the job FAILS with the concurrency error and the binding keeps its last operation (§13)', async () => {
    const [b] = plainShareWithBindings().binding_guids;
    await setBehaviour(b, { unbind: 'busy' });
    const before = (await call(sim, 'GET', `/v3/service_credential_bindings/${b}`, admin)).body.last_operation;
    const del = await call(sim, 'DELETE', `/v3/service_credential_bindings/${b}`, admin);
    expect(del.status).toBe(202);
    expect(del.text).toBe('');
    const job = await settle(del.headers.get('location')!);
    expect(job.state).toBe('FAILED');
    expect(job.errors).toEqual([
      {
        detail:
          'unbind could not be completed: The service broker rejected the request due to an operation being in progress for the service binding.',
        title: 'CF-UnableToPerform',
        code: 10009,
      },
    ]);
    expect((await call(sim, 'GET', `/v3/service_credential_bindings/${b}`, admin)).body.last_operation).toEqual(before);
  });

  it('a binding whose own delete is in progress answers 422 at once (a blocking operation, §3.2)', async () => {
    const [b] = plainShareWithBindings().binding_guids;
    await setBehaviour(b, { unbind: 'async', asyncSeconds: 60 });
    expect((await call(sim, 'DELETE', `/v3/service_credential_bindings/${b}`, admin)).status).toBe(202);
    const again = await call(sim, 'DELETE', `/v3/service_credential_bindings/${b}`, admin);
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([
      {
        detail: 'There is an operation in progress for the service binding.',
        title: 'CF-UnprocessableEntity',
        code: 10008,
      },
    ]);
  });

  it('an async unbind of hours keeps the job POLLING and the binding delete/in progress (§13), even past node timer limits', async () => {
    const [first, second] = t.shares
      .filter(
        (s: Json) =>
          s.binding_guids.length > 0 &&
          !t.scripted_bindings.some((x: Json) => s.binding_guids.includes(x.binding_guid)),
      )
      .map((s: Json) => s.binding_guids[0]);
    // 10 hours, and 30 days (beyond the ~24.8 days one node timer can wait).
    await setBehaviour(first, { unbind: 'async', asyncSeconds: 36_000 });
    await setBehaviour(second, { unbind: 'async', asyncSeconds: 2_592_000 });
    const locations = [];
    for (const b of [first, second])
      locations.push(
        (await call(sim, 'DELETE', `/v3/service_credential_bindings/${b}`, admin)).headers.get('location')!,
      );
    await sleep(300);
    for (const [i, b] of [first, second].entries()) {
      expect((await call(sim, 'GET', locations[i]!, admin)).body.state).toBe('POLLING');
      expect((await call(sim, 'GET', `/v3/service_credential_bindings/${b}`, admin)).body.last_operation).toMatchObject(
        { type: 'delete', state: 'in progress' },
      );
    }
  });
});
