import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, login, truth } from './helpers/sim-client.js';
import type { Json } from './helpers/sim-client.js';

let sim: RunningSim;
let admin: string;

beforeAll(async () => {
  sim = await startSim({ seed: 2, instances: 60, spaces: 8 });
  admin = await login(sim);
});
afterAll(async () => sim.close());

const putFaults = (faults: unknown): Promise<Json> => call(sim, 'PUT', '/_sim/faults', undefined, faults);

describe('rate limiter (cc-api.md §8.1)', () => {
  it('limits non-admins with headers and a text/plain 429 carrying JSON; admins are exempt and see no headers', async () => {
    await putFaults({ rateLimit: { limit: 3, windowSeconds: 60 } });
    const auditor = await login(sim, 'global_auditor');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(sim, 'GET', '/v3/organizations', auditor));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe('3');
    expect(Number(answers[0]!.headers.get('x-ratelimit-remaining'))).toBeLessThan(3);
    expect(Number(answers[0]!.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    const limited = answers[3]!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(limited.text)).toEqual({
      errors: [{ detail: 'Rate Limit Exceeded', title: 'CF-RateLimitExceeded', code: 10013 }],
    });
    // Exempt paths and admins.
    expect((await call(sim, 'GET', '/', auditor)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const a = await call(sim, 'GET', '/v3/organizations', admin);
      expect(a.status).toBe(200);
      expect(a.headers.get('x-ratelimit-limit')).toBeNull();
    }
    await putFaults({ rateLimit: { limit: 1, windowSeconds: 60, exemptAdmins: false } });
    await call(sim, 'GET', '/v3/organizations', admin);
    expect((await call(sim, 'GET', '/v3/organizations', admin)).status).toBe(429);
    await putFaults({});
  });
});

describe('faults', () => {
  it('errorRate 1 answers 5xx in the v3 envelope on CC routes only', async () => {
    await putFaults({ errorRate: 1 });
    const a = await call(sim, 'GET', '/v3/spaces', admin);
    expect([500, 503]).toContain(a.status);
    expect(['CF-ServiceUnavailable', 'UnknownError']).toContain(a.body.errors[0].title);
    expect((await call(sim, 'GET', '/')).status).toBe(200);
    expect((await call(sim, 'GET', '/_sim/faults')).body).toEqual({ errorRate: 1 });
    await putFaults({});
  });

  it('routes narrows faults; malformedRate truncates 200 bodies; resetRate drops connections; latency delays', async () => {
    await putFaults({ malformedRate: 1, routes: ['GET /v3/spaces'] });
    const broken = await call(sim, 'GET', '/v3/spaces', admin);
    expect(broken.status).toBe(200);
    expect(() => JSON.parse(broken.text)).toThrow();
    expect((await call(sim, 'GET', '/v3/organizations', admin)).body.resources).toBeDefined();
    await putFaults({ resetRate: 1 });
    await expect(fetch(`${sim.url}/v3/spaces`, { headers: { Authorization: `bearer ${admin}` } })).rejects.toThrow();
    await putFaults({ latencyMs: 150 });
    const started = Date.now();
    await call(sim, 'GET', '/v3/spaces', admin);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await putFaults({});
  });

  it('resetRate with routes [POST /uaa/oauth/token] drops token requests only', async () => {
    await putFaults({ resetRate: 1, routes: ['POST /uaa/oauth/token'] });
    const form = new URLSearchParams({
      grant_type: 'password',
      username: sim.users.admin.username,
      password: sim.users.admin.password,
    });
    await expect(
      fetch(`${sim.url}/uaa/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from('cf:').toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: form,
      }),
    ).rejects.toThrow();
    expect((await call(sim, 'GET', '/v3/spaces', admin)).status).toBe(200);
    await putFaults({});
    expect(typeof (await login(sim))).toBe('string');
  });

  it('malformedRate truncates a 200 GET body mid-JSON: status 200, a strict prefix of the real body', async () => {
    const whole = (await call(sim, 'GET', '/v3/service_instances?per_page=3', admin)).text;
    await putFaults({ malformedRate: 1, routes: ['GET /v3/service_instances'] });
    const cut = await call(sim, 'GET', '/v3/service_instances?per_page=3', admin);
    expect(cut.status).toBe(200);
    expect(cut.headers.get('content-type')).toMatch(/^application\/json/);
    expect(cut.text.length).toBeGreaterThan(0);
    expect(cut.text.length).toBeLessThan(whole.length);
    expect(whole.startsWith(cut.text)).toBe(true);
    expect(() => JSON.parse(cut.text)).toThrow();
    // Error answers are never truncated.
    expect((await call(sim, 'GET', '/v3/service_instances?per_page=0', admin)).body.errors[0].code).toBe(10005);
    await putFaults({});
  });

  it('rejects invalid fault options', async () => {
    const bad = await putFaults({ errorRate: 2 });
    expect(bad.status).toBe(400);
    const unknown = await putFaults({ fruit: 1 });
    expect(unknown.status).toBe(400);
  });

  it('errorRate 0.5 fails roughly half, deterministically for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      await putFaults({ errorRate: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await call(sim, 'GET', '/v3/organizations', admin)).status);
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    const failures = a.filter((s) => s !== 200).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    await putFaults({});
  });
});

describe('operator endpoints', () => {
  it('counts requests per normalised route and resets the counts', async () => {
    await call(sim, 'POST', '/_sim/requests/reset');
    const si = (await call(sim, 'GET', '/v3/service_instances?per_page=1', admin)).body.resources[0];
    await call(sim, 'GET', `/v3/service_instances/${si.guid}`, admin);
    await call(sim, 'GET', `/v3/service_instances/${si.guid}`, admin);
    await login(sim);
    const counts = (await call(sim, 'GET', '/_sim/requests')).body;
    expect(counts).toEqual({
      total: 4,
      byRoute: { 'GET /v3/service_instances': 1, 'GET /v3/service_instances/:guid': 2, 'POST /uaa/oauth/token': 1 },
    });
  });

  it('validates scripted broker behaviours', async () => {
    const t = await truth(sim);
    const binding = t.shares.find((s: Json) => s.binding_guids.length > 0).binding_guids[0];
    expect((await call(sim, 'PUT', '/_sim/bindings/nope/behaviour', undefined, { unbind: 'sync' })).status).toBe(404);
    expect(
      (await call(sim, 'PUT', `/_sim/bindings/${binding}/behaviour`, undefined, { unbind: 'explode' })).status,
    ).toBe(400);
    const ok = await call(sim, 'PUT', `/_sim/bindings/${binding}/behaviour`, undefined, {
      unbind: 'async',
      asyncSeconds: 3,
    });
    expect(ok.body).toEqual({ binding_guid: binding, unbind: 'async', asyncSeconds: 3 });
    expect((await truth(sim)).scripted_bindings).toContainEqual(
      expect.objectContaining({ binding_guid: binding, unbind: 'async', asyncSeconds: 3 }),
    );
    await call(sim, 'PUT', `/_sim/bindings/${binding}/behaviour`, undefined, { unbind: 'sync' });
  });

  it('reset regenerates the foundation', async () => {
    await call(sim, 'POST', '/_sim/reset');
    const before = await truth(sim);
    const share = before.shares.find((s: Json) => s.binding_guids.length === 0) ?? before.shares[0];
    await call(sim, 'PUT', `/_sim/bindings/${share.binding_guids[0] ?? 'x'}/behaviour`, undefined, { unbind: 'sync' });
    const del = await call(
      sim,
      'DELETE',
      `/v3/service_instances/${share.instance_guid}/relationships/shared_spaces/${share.target_space_guid}`,
      admin,
    );
    expect(del.status).toBe(204);
    expect((await truth(sim)).counts.shares).toBe(before.counts.shares - 1);
    await putFaults({ latencyMs: 5 });
    expect((await call(sim, 'POST', '/_sim/reset')).status).toBe(200);
    expect(await truth(sim)).toEqual(before);
    expect((await call(sim, 'GET', '/_sim/faults')).body).toEqual({});
    expect((await call(sim, 'GET', '/_sim/requests')).body.total).toBe(0);
  });
});

describe('determinism and scale', () => {
  it('two simulators with the same seed and knobs have the same truth and the same guids; another seed differs', async () => {
    const [a, b, c] = await Promise.all([
      startSim({ seed: 42, instances: 120 }),
      startSim({ seed: 42, instances: 120 }),
      startSim({ seed: 43, instances: 120 }),
    ]);
    try {
      const [ta, tb, tc] = await Promise.all([truth(a), truth(b), truth(c)]);
      expect(ta).toEqual(tb);
      expect(ta.shared_instance_guids).not.toEqual(tc.shared_instance_guids);
      expect(a.credentials).toEqual(b.credentials);
      const kinds = new Set(ta.expected_findings.map((f: Json) => f.kind));
      for (const kind of [
        'asg_gap',
        'plan_not_visible',
        'offering_not_shareable',
        'keys_on_shared_instance',
        'cross_org_share',
        'dashboard_exposed',
        'sharing_flag_enabled',
      ]) {
        expect(kinds, kind).toContain(kind);
      }
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('a 20k-instance foundation serves a full 5000 page and a space-filtered page', async () => {
    const big = await startSim({ seed: 9, instances: 20_000, spaces: 2000, orgs: 40, bindings: 30_000 });
    try {
      const token = await login(big);
      const tr = await truth(big);
      // 20k generated instances plus the fixed broker-level sharing set: a fifth, short page.
      const total: number = tr.counts.instances;
      expect(total).toBeGreaterThan(20_000);
      const page = await call(big, 'GET', '/v3/service_instances?per_page=5000&page=4', token);
      expect(page.body.pagination.total_results).toBe(total);
      expect(page.body.resources).toHaveLength(5000);
      const last = await call(big, 'GET', '/v3/service_instances?per_page=5000&page=5', token);
      expect(last.body.resources).toHaveLength(total - 20_000);
      expect(last.body.pagination.next).toBeNull();
      expect(tr.lower_bound_requests).toBe(
        Object.values(tr.lower_bound_breakdown as Record<string, number>).reduce((x, y) => x + y, 0),
      );
      expect(tr.lower_bound_breakdown['GET /v3/service_instances']).toBe(5);
    } finally {
      await big.close();
    }
  });
});
