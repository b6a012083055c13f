import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { REDIS_URL, uniquePrefix } from '../helpers/redis-prefix.js';
import { freePort } from '../helpers/redis-server.js';

// What a new admin sees when --api points at the wrong thing: one line naming the problem, exit 1, and no waiting
// through the whole retry budget (the first contact is retried once at most: counted, not timed).

let html: Server;
let htmlRequests = 0;
let closer: ReturnType<typeof createNetServer>;
let closerConnections = 0;
const portOf = (server: { address(): AddressInfo | string | null }) => (server.address() as AddressInfo).port;

beforeAll(async () => {
  html = createHttpServer((_req, res) => {
    htmlRequests += 1;
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>It works!</body></html>');
  });
  closer = createNetServer((socket) => {
    closerConnections += 1;
    // Reads the request and hangs up without a word, as a Redis or SSH port does to an HTTP client.
    socket.once('data', () => socket.destroy());
  });
  await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => closer.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => html.close(resolve));
  await new Promise((resolve) => closer.close(resolve));
});

const report = (api: string) =>
  runCli(['report', '--api', api, '--out', '/tmp/cf-shares-wrong-api-never-written'], {
    env: { CF_USERNAME: 'admin', CF_PASSWORD: 'pw', REDIS_URL, CF_SHARES_PREFIX: uniquePrefix('wrong-api') },
  });

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('an API URL that is not a reachable Cloud Controller', () => {
  it('nothing listening: connection refused, named as such', async () => {
    const port = await freePort();
    const result = await report(`http://127.0.0.1:${port}`);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toBe(
      `cf-shares: cannot reach http://127.0.0.1:${port}: connection refused (nothing listens there; check the API URL) [ECONNREFUSED]`,
    );
  });

  it('an HTTP server that is not CC: says so, after at most one retry', async () => {
    htmlRequests = 0;
    const result = await report(`http://127.0.0.1:${portOf(html)}`);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toBe(
      `cf-shares: http://127.0.0.1:${portOf(html)} is not a Cloud Controller API: GET / answered 200, not JSON (check the API URL)`,
    );
    expect(htmlRequests).toBeLessThanOrEqual(2);
  });

  it('https on an http port: no OpenSSL text, a hint instead', async () => {
    const result = await report(`https://127.0.0.1:${portOf(html)}`);
    expect(result.code).toBe(1);
    const line = oneLine(result.stderr);
    expect(line).toBe(
      `cf-shares: cannot reach https://127.0.0.1:${portOf(html)}: the server does not speak TLS on this port (try http://) [EPROTO]`,
    );
    expect(line).not.toMatch(/openssl|ssl3|\.c:\d+/i);
  });

  it('a port that hangs up without an HTTP answer', async () => {
    closerConnections = 0;
    const result = await report(`http://127.0.0.1:${portOf(closer)}`);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toBe(
      `cf-shares: GET / on http://127.0.0.1:${portOf(closer)} failed: the server closed the connection without an HTTP answer (is this a Cloud Controller API?) [ECONNRESET]`,
    );
    expect(closerConnections).toBeLessThanOrEqual(2);
  });
});
