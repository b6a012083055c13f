import { describe, expect, it } from 'vitest';
import { isClusterUrl, parseRedisTarget } from '../../src/config/redis-url.js';

describe('parseRedisTarget', () => {
  it('leaves a single Redis URL to ioredis', () => {
    expect(isClusterUrl('redis://127.0.0.1:6379')).toBe(false);
    expect(parseRedisTarget('rediss://h:6380/2')).toEqual({ kind: 'single', url: 'rediss://h:6380/2' });
  });

  it('splits the seed nodes of a cluster, with IPv6 hosts, credentials and TLS', () => {
    expect(parseRedisTarget('REDIS+CLUSTER://a:7000, b:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      tls: false,
    });
    expect(parseRedisTarget('rediss+cluster://user:p%40ss@[::1]:7000/0?x=1')).toEqual({
      kind: 'cluster',
      nodes: [{ host: '::1', port: 7000 }],
      tls: true,
      username: 'user',
      password: 'p@ss',
    });
    expect(parseRedisTarget('redis+cluster://:secret@h:7000')).toMatchObject({ password: 'secret' });
    expect(parseRedisTarget('redis+cluster://onlyuser@h:7000')).toMatchObject({ username: 'onlyuser' });
  });

  it('refuses a node that is not host:port, without the password in the message', () => {
    expect(() => parseRedisTarget('redis+cluster://:hunter2@h:7000,h2')).toThrow(
      /^cluster node 'h2' is not host:port$/,
    );
    expect(() => parseRedisTarget('redis+cluster://h:70000')).toThrow(/is not host:port/);
    try {
      parseRedisTarget('redis+cluster://:hunter2@nope');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
