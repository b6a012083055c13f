import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { login } from './helpers/sim-client.js';

let sim: RunningSim;
let admin: string;

beforeAll(async () => {
  sim = await startSim({ seed: 12, instances: 10, spaces: 3 });
  admin = await login(sim);
});
afterAll(async () => sim.close());

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const idOf = async (path: string, headers: Record<string, string> = {}): Promise<string | null> =>
  (await fetch(`${sim.url}${path}`, { headers: { Authorization: `bearer ${admin}`, ...headers } })).headers.get(
    'x-vcap-request-id',
  );

describe('X-Vcap-Request-Id (cc-api.md §13, vcap_request_context_setter.rb)', () => {
  it('answers a sent id as <sent>::<uuid>, stripped to word characters and dashes', async () => {
    expect(await idOf('/v3/organizations', { 'X-Vcap-Request-Id': 'cf-shares-42' })).toMatch(
      new RegExp(`^cf-shares-42::${UUID}$`),
    );
    expect(await idOf('/v3/organizations', { 'X-Vcap-Request-Id': 'a.b c/d' })).toMatch(new RegExp(`^abcd::${UUID}$`));
    // X-Request-Id is the fallback; error answers carry the id too.
    expect(await idOf('/v3/fruits', { 'X-Request-Id': 'from-proxy' })).toMatch(new RegExp(`^from-proxy::${UUID}$`));
  });

  it('stamps a fresh uuid, like the router, when none is sent', async () => {
    const a = await idOf('/v3/organizations');
    const b = await idOf('/v3/organizations');
    expect(a).toMatch(new RegExp(`^${UUID}$`));
    expect(a).not.toBe(b);
  });
});
