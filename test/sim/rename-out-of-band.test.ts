import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, login, truth } from './helpers/sim-client.js';
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

const HOSTILE = '<script>alert(1)</script>';

describe('PUT /_sim/{orgs,spaces,service_instances}/:guid/name (hostile names)', () => {
  it('renames an org, a space and an instance; CC then answers with the new names', async () => {
    const share = t.shares[0];
    const space = (await call(sim, 'GET', `/v3/spaces/${share.target_space_guid}`, admin)).body;
    const orgGuid = space.relationships.organization.data.guid;
    for (const [kind, guid] of [
      ['orgs', orgGuid],
      ['spaces', share.target_space_guid],
      ['service_instances', share.instance_guid],
    ]) {
      const renamed = await call(sim, 'PUT', `/_sim/${kind}/${guid}/name`, undefined, { name: `${kind} ${HOSTILE}` });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ guid, name: `${kind} ${HOSTILE}` });
      expect((await call(sim, 'GET', `/v3/${kind === 'orgs' ? 'organizations' : kind}/${guid}`, admin)).body.name).toBe(
        `${kind} ${HOSTILE}`,
      );
    }
  });

  it('answers 404 for an unknown guid and 400 for a name that is not a non-empty string', async () => {
    expect((await call(sim, 'PUT', '/_sim/spaces/nope/name', undefined, { name: 'x' })).status).toBe(404);
    const space = t.shares[0].target_space_guid;
    expect((await call(sim, 'PUT', `/_sim/spaces/${space}/name`, undefined, { name: '' })).status).toBe(400);
    expect((await call(sim, 'PUT', `/_sim/spaces/${space}/name`, undefined, { name: 7 })).status).toBe(400);
  });
});
