import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pLimit from 'p-limit';
import { startSim, type RunningSim, type Truth } from '../../src/sim/index.js';
import { createCfClient, type CfClient } from '../../src/client/index.js';
import { compareCredentials } from '../../src/crawl/compare-credentials.js';

let sim: RunningSim;
let client: CfClient;
let t: Truth;

beforeAll(async () => {
  sim = await startSim({ seed: 1 });
  client = await createCfClient({
    api: sim.url,
    auth: { clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret },
    pacing: { readsPerSecond: 0, maxInFlight: 8 },
    retry: { limit: 1, baseMs: 1, capMs: 1, maxWaitMs: 1 },
  });
  t = (await (await fetch(`${sim.url}/_sim/truth`)).json()) as Truth;
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

const setFaults = (faults: unknown) =>
  fetch(`${sim.url}/_sim/faults`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(faults),
  });

describe('compareCredentials (crawl step, real HTTP against the simulator)', () => {
  it('groups the bindings of a per-instance broker, and answers guids and counts only', async () => {
    const reusing = t.credential_reuse.find((r) => r.mode === 'per-instance')!.instance_guid;
    const bindings = (
      await client.serviceCredentialBindings.list({ service_instance_guids: [reusing], type: 'app' }).all()
    ).map((b) => b.guid);
    expect(bindings.length).toBeGreaterThan(1);
    const unique = t.shares.find((s) => s.instance_guid !== reusing && s.binding_guids.length > 0)!.binding_guids[0]!;
    const seen: string[] = [];
    const result = await compareCredentials(
      client,
      [...bindings, unique].map((guid) => ({ guid, ready: true })),
      { limit: pLimit(4), onCredentials: (guid) => void seen.push(guid) },
    );
    expect(result.compared).toBe(bindings.length + 1);
    expect(result.notCompared).toEqual({});
    expect(result.detailsRequests).toBe(bindings.length + 1);
    expect(result.sameCredentials).toHaveLength(1);
    expect(result.sameCredentials[0]).toEqual(expect.arrayContaining(bindings));
    expect(result.sameCredentials[0]).not.toContain(unique);
    expect(seen.sort()).toEqual([...bindings, unique].sort());
    // Nothing but guids and counts: no fingerprint or credential field anywhere in the result.
    expect(JSON.stringify(result)).not.toMatch(/password|username|uri|[A-Za-z0-9+/]{43}=/);
  });

  it('counts what it cannot read by reason and sends nothing for a binding still being created', async () => {
    const before = client.requestCount;
    const result = await compareCredentials(
      client,
      [
        { guid: t.shares.find((s) => s.binding_guids.length > 0)!.binding_guids[0]!, ready: true },
        { guid: '00000000-0000-4000-8000-000000000000', ready: true },
        { guid: t.keys_on_shared_instances[0]!.key_guid, ready: false },
      ],
      { limit: pLimit(2) },
    );
    expect(result).toMatchObject({ compared: 1, notCompared: { not_found: 1, not_ready: 1 }, sameCredentials: [] });
    expect(result.detailsRequests).toBe(2);
    expect(client.requestCount - before).toBe(2);
  });

  it('a server error on details, after the client retried it, is not compared rather than failing the crawl', async () => {
    await setFaults({ errorRate: 1, routes: ['GET /v3/service_credential_bindings/:guid/details'] });
    try {
      const guid = t.shares.find((s) => s.binding_guids.length > 0)!.binding_guids[0]!;
      const result = await compareCredentials(client, [{ guid, ready: true }], { limit: pLimit(1) });
      expect(result.compared).toBe(0);
      expect(Object.keys(result.notCompared)).toHaveLength(1);
      expect(Object.keys(result.notCompared)[0]).toMatch(/^(unavailable|other)$/);
      // The retries count as the extra requests they are.
      expect(result.detailsRequests).toBe(2);
    } finally {
      await setFaults({});
    }
  });
});
