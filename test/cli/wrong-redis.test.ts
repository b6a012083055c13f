import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { uniquePrefix } from '../helpers/redis-prefix.js';

// A Redis URL that points at something else gets one line a person can act on, not ioredis' "Protocol error ...
// Please report this." or a bare EPIPE.

let http: Server;
let port: number;

beforeAll(async () => {
  http = createServer((_req, res) => res.writeHead(400).end('Bad Request'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
});

describe('a Redis URL that is not Redis', () => {
  it.each([
    ['reports list', ['reports', 'list']],
    ['schedule list', ['schedule', 'list']],
  ])('%s names the URL and says it is not answering as Redis', async (_name, args) => {
    const result = await runCli([...args, '--redis', `redis://127.0.0.1:${port}`], {
      env: { CF_SHARES_PREFIX: uniquePrefix('wrong-redis') },
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^cf-shares: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: something listens there but does not answer as Redis \\(is this the Redis port\\? TLS needs rediss://\\)`,
      ),
    );
    expect(result.stderr).not.toMatch(/Please report this|Protocol error/);
  });
});
