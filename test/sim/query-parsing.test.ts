import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, listAll, login, truth } from './helpers/sim-client.js';
import type { Json } from './helpers/sim-client.js';

let sim: RunningSim;
let admin: string;
let t: Json;

beforeAll(async () => {
  sim = await startSim({ seed: 11, instances: 120, spaces: 12, orgs: 3 });
  admin = await login(sim);
  t = await truth(sim);
});
afterAll(async () => sim.close());

const detail = (answer: Json): string => answer.body.errors[0].detail;

describe('query parameters as CC reads them (cc-api.md §13)', () => {
  it('usage_summary builds no list message, so it ignores query parameters', async () => {
    const si = t.shared_instance_guids[0];
    const plain = await call(
      sim,
      'GET',
      `/v3/service_instances/${si}/relationships/shared_spaces/usage_summary`,
      admin,
    );
    for (const query of ['per_page=10', 'fruit=apple&page=0']) {
      const answer = await call(
        sim,
        'GET',
        `/v3/service_instances/${si}/relationships/shared_spaces/usage_summary?${query}`,
        admin,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(plain.body);
    }
  });

  it('reports every query error at once, joined with ", ", in the order CC validates', async () => {
    const both = await call(sim, 'GET', '/v3/service_instances?page=0&per_page=0', admin);
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([
      {
        detail: 'The query parameter is invalid: Page must be a positive integer, Per page must be a positive integer',
        title: 'CF-BadQueryParameter',
        code: 10005,
      },
    ]);
    const mixed = await call(
      sim,
      'GET',
      '/v3/service_instances?type=both&fruit=apple&per_page=9000&order_by=color',
      admin,
    );
    expect(detail(mixed)).toMatch(
      /^The query parameter is invalid: Per page must be between 1 and 5000, Order by can only be: 'created_at', 'updated_at', 'name', Unknown query parameter\(s\): 'fruit'\. Valid parameters are: '.*', Type must be one of 'managed', 'user-provided'$/,
    );
    const bindings = await call(sim, 'GET', '/v3/service_credential_bindings?type=both&include=space,app,app', admin);
    expect(detail(bindings)).toBe(
      "The query parameter is invalid: Type must be one of 'app', 'key', Invalid included resource: 'space'. Valid included resources are: 'app', 'service_instance', Duplicate included resource: 'app'",
    );
    expect(detail(await call(sim, 'GET', '/v3/service_plans?available=maybe', admin))).toBe(
      "The query parameter is invalid: Available must be 'true' or 'false'",
    );
  });

  it('a page past the end answers 200 with total_results 0, total_pages 1 and links back to the previous page', async () => {
    const answer = await call(sim, 'GET', '/v3/service_instances?per_page=10&page=1000&type=managed', admin);
    expect(answer.status).toBe(200);
    const p = answer.body.pagination;
    expect(answer.body.resources).toEqual([]);
    expect(p).toMatchObject({ total_results: 0, total_pages: 1, next: null });
    expect(p.first.href).toBe(`${sim.url}/v3/service_instances?page=1&per_page=10&type=managed`);
    expect(p.last.href).toBe(`${sim.url}/v3/service_instances?page=1&per_page=10&type=managed`);
    expect(p.previous.href).toBe(`${sim.url}/v3/service_instances?page=999&per_page=10&type=managed`);
    // The last real page still counts everything.
    expect(
      (await call(sim, 'GET', '/v3/service_instances?per_page=100&page=2', admin)).body.pagination.total_results,
    ).toBe(t.counts.instances);
  });

  it('list values split on a comma plus optional whitespace and are decoded once more; %252C keeps a comma inside a value', async () => {
    const instances = await listAll(sim, '/v3/service_instances?per_page=5000', admin);
    const [a, b] = instances.map((r) => r.name as string);
    const spaced = await listAll(sim, `/v3/service_instances?names=${a},%20${b}`, admin);
    expect(spaced.map((r) => r.name).sort()).toEqual([a, b].sort());
    // `%256d` arrives as `%6d`, which the second decode turns into `m`.
    const escaped = `%25${a!.charCodeAt(0).toString(16)}${a!.slice(1)}`;
    expect((await listAll(sim, `/v3/service_instances?names=${escaped}`, admin)).map((r) => r.name)).toEqual([a]);
    const oneValue = await call(sim, 'GET', `/v3/service_instances?names=${a}%252C${b}`, admin);
    expect(oneValue.body.pagination.total_results).toBe(0);
    expect(oneValue.body.pagination.first.href).toContain(`names=${a}%252C${b}&`);
  });
});

describe('label_selector on /v3/service_instances (cc-api.md §13)', () => {
  let all: Json[];
  beforeAll(async () => {
    all = await listAll(sim, '/v3/service_instances?per_page=5000', admin);
  });
  const guidsWhere = (test: (labels: Record<string, string>) => boolean): string[] =>
    all
      .filter((r) => test(r.metadata.labels))
      .map((r) => r.guid)
      .sort();
  const selected = async (selector: string): Promise<string[]> =>
    (await listAll(sim, `/v3/service_instances?per_page=5000&label_selector=${encodeURIComponent(selector)}`, admin))
      .map((r) => r.guid)
      .sort();

  it('generated instances carry a few labels', () => {
    expect(new Set(all.map((r) => r.metadata.labels.env))).toEqual(new Set(['prod', 'staging', 'dev', undefined]));
    expect(all.some((r) => r.metadata.labels['cf-shares.example.org/audit'] === 'exempt')).toBe(true);
  });

  it.each([
    ['env=prod', (l: Record<string, string>) => l.env === 'prod'],
    ['env==prod', (l: Record<string, string>) => l.env === 'prod'],
    ['env!=prod', (l: Record<string, string>) => l.env !== 'prod'],
    ['env in (prod,dev)', (l: Record<string, string>) => l.env === 'prod' || l.env === 'dev'],
    ['env notin (prod,dev)', (l: Record<string, string>) => l.env !== 'prod' && l.env !== 'dev'],
    ['team', (l: Record<string, string>) => l.team !== undefined],
    ['!team', (l: Record<string, string>) => l.team === undefined],
    [
      'env=prod,team in (search,data),!cf-shares.example.org/audit',
      (l: Record<string, string>) =>
        l.env === 'prod' &&
        (l.team === 'search' || l.team === 'data') &&
        l['cf-shares.example.org/audit'] === undefined,
    ],
    [
      'cf-shares.example.org/audit=exempt',
      (l: Record<string, string>) => l['cf-shares.example.org/audit'] === 'exempt',
    ],
  ])('%s', async (selector, test) => {
    const expected = guidsWhere(test);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(await selected(selector)).toEqual(expected);
  });

  it('combines with other filters, and resources without labels match only negative requirements', async () => {
    const share = t.shares[0];
    const inSpace = await listAll(
      sim,
      `/v3/service_instances?space_guids=${share.target_space_guid}&label_selector=!env`,
      admin,
    );
    expect(inSpace.every((r) => r.metadata.labels.env === undefined)).toBe(true);
    expect((await call(sim, 'GET', '/v3/spaces?label_selector=env=prod', admin)).body.pagination.total_results).toBe(0);
    expect((await call(sim, 'GET', '/v3/spaces?label_selector=!env', admin)).body.pagination.total_results).toBe(
      t.counts.spaces,
    );
  });

  it('rejects malformed selectors with the validator messages', async () => {
    expect(detail(await call(sim, 'GET', '/v3/service_instances?label_selector=', admin))).toBe(
      'The query parameter is invalid: Missing label_selector value',
    );
    expect(detail(await call(sim, 'GET', '/v3/service_instances?label_selector=a%20b', admin))).toBe(
      'The query parameter is invalid: Invalid label_selector value',
    );
    expect(detail(await call(sim, 'GET', '/v3/service_instances?label_selector=env%3Dpr%25od', admin))).toBe(
      "The query parameter is invalid: 'pr%od' contains invalid characters",
    );
  });
});
