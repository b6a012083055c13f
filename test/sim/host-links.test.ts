import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startSim, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startSim({ instances: 10, spaces: 4, orgs: 2 });
});
afterAll(() => sim?.close());

function getWithHost(
  path: string,
  host: string,
): Promise<{ status: number; body: { links: Record<string, { href: string } | null> } }> {
  const { port } = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('links follow the host the caller used', () => {
  it('hands out login and uaa links on the name a container reached it by', async () => {
    const { status, body } = await getWithHost('/', 'sim:9022');
    expect(status).toBe(200);
    expect(body.links.login?.href).toBe('http://sim:9022/uaa');
    expect(body.links.cloud_controller_v3?.href).toBe('http://sim:9022/v3');
  });

  it('ignores a Host header that is not a host name', async () => {
    const { body } = await getWithHost('/', 'evil.example/path?x');
    expect(body.links.login?.href).toBe(`${sim.url}/uaa`);
  });
});
