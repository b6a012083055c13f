import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeQuery } from '../../src/client/encode-query.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, login } from '../sim/helpers/sim-client.js';

describe('encodeQuery', () => {
  it.each([
    {
      description: 'list values joined by literal commas',
      query: { space_guids: ['a', 'b', 'c'] },
      expected: 'space_guids=a,b,c',
    },
    {
      description: 'a comma inside one value is %252C: CC decodes list elements twice (cc-api.md §13)',
      query: { names: ['a,b', 'c d'] },
      expected: 'names=a%252Cb,c%20d',
    },
    {
      description: 'a percent sign inside a list value survives the second decode',
      query: { names: ['100%41'] },
      expected: 'names=100%252541',
    },
    {
      description: 'leading whitespace of a list value is not eaten by the separator',
      query: { names: ['a', ' b'] },
      expected: 'names=a,%2520b',
    },
    {
      description: 'fields become fields[x]',
      query: { fields: { space: ['guid', 'name'], 'space.organization': ['name'] } },
      expected: 'fields[space]=guid,name&fields[space.organization]=name',
    },
    {
      description: 'timestamp operators',
      query: { created_ats: { gt: '2026-01-01T00:00:00Z' } },
      expected: 'created_ats[gt]=2026-01-01T00%3A00%3A00Z',
    },
    {
      description: 'scalars are decoded once, so a comma stays %2C',
      query: { label_selector: 'env in (a,b)' },
      expected: 'label_selector=env%20in%20(a%2Cb)',
    },
    {
      description: 'scalars, booleans and numbers',
      query: { type: 'managed', per_page: 5000, globally_enabled_running: true },
      expected: 'type=managed&per_page=5000&globally_enabled_running=true',
    },
    { description: 'undefined is left out', query: { a: undefined, b: 'x', c: { d: undefined } }, expected: 'b=x' },
    {
      description: 'an empty list is sent, never dropped (dropping would match everything)',
      query: { guids: [] as string[] },
      expected: 'guids=',
    },
    { description: 'no query', query: undefined, expected: '' },
  ])('$description', ({ query, expected }) => {
    expect(encodeQuery(query)).toBe(expected);
  });
});

describe('encodeQuery against the simulator (CC list parsing, cc-api.md §13)', () => {
  let sim: RunningSim;
  let admin: string;
  beforeAll(async () => {
    sim = await startSim({ seed: 4, instances: 30, spaces: 6 });
    admin = await login(sim);
  });
  afterAll(async () => sim.close());

  it('list values arrive exactly as given: the server matches one and echoes each intact in its page links', async () => {
    const real = (await call(sim, 'GET', '/v3/service_instances?per_page=1', admin)).body.resources[0].name as string;
    const names = [real, 'x,y', ' z', '100%41'];
    const answer = await call(sim, 'GET', `/v3/service_instances?${encodeQuery({ names })}`, admin);
    expect(answer.status).toBe(200);
    expect(answer.body.resources.map((r: { name: string }) => r.name)).toEqual([real]);
    // Links render each parsed value with its inner commas as %2C, then escape the whole (Rails to_query).
    const echoed = new URL(answer.body.pagination.first.href).searchParams.get('names');
    expect(echoed).toBe(`${real},x%2Cy, z,100%41`);
  });
});
