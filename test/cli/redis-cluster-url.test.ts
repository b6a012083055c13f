import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { REDIS_URL, uniquePrefix } from '../helpers/redis-prefix.js';
import { parseRedisTarget } from '../../src/config/redis-url.js';
import { resolveRedisOptions } from '../../src/config/connection-options.js';

/** `redis+cluster://` URLs: parsed by hand (several hosts), checked like any --redis, failing in one line. */
describe('redis+cluster:// URLs', () => {
  it('name the seed nodes, the credentials and TLS', () => {
    expect(parseRedisTarget('redis+cluster://10.0.0.1:7000,10.0.0.2:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      tls: false,
    });
    expect(parseRedisTarget('rediss+cluster://app:p%40ss@[fd00::1]:7000')).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'fd00::1', port: 7000 }],
      tls: true,
      username: 'app',
      password: 'p@ss',
    });
    expect(parseRedisTarget('redis://127.0.0.1:6379')).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
  });

  it('are refused (exit-2 usage errors) when a node is not host:port, never showing the password', () => {
    expect(() => resolveRedisOptions({ redis: 'redis+cluster://u:s3cret@10.0.0.1' }, {})).toThrow(
      /^--redis\/REDIS_URL: cluster node 1 is not host:port \(the URL is not shown, it may hold a password\)$/,
    );
    expect(() => resolveRedisOptions({ redis: 'redis+cluster://u:s3cret@10.0.0.1' }, {})).not.toThrow(/s3cret/);
    expect(resolveRedisOptions({}, { REDIS_URL: 'redis+cluster://10.0.0.1:7000' }).redisUrl).toBe(
      'redis+cluster://10.0.0.1:7000',
    );
  });

  it.each([
    ['nothing listens', 'redis+cluster://127.0.0.1:1', /connection refused .*\[ECONNREFUSED\]$/],
    [
      'a Redis not in cluster mode',
      REDIS_URL.replace('redis://', 'redis+cluster://'),
      /Redis there is not in cluster mode \(use redis:\/\/ for a single Redis\)$/,
    ],
  ])('fail in one line when %s', async (_name, url, reason) => {
    const result = await runCli(['reports', 'list', '--redis', url], {
      env: { CF_SHARES_PREFIX: uniquePrefix('cluster-url') },
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cf-shares: cannot reach Redis at redis\+cluster:\/\//);
    expect(lines[0]).toMatch(reason);
  });
});
