import { describe, expect, it } from 'vitest';
import { isClusterUrl, parseRedisTarget, redisLocation } from '../../src/config/redis-url.js';
import { resolveRedisOptions } from '../../src/config/connection-options.js';

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
    expect(() => parseRedisTarget('redis+cluster://:hunter2@h:7000,h2')).toThrow(/^cluster node 2 is not host:port$/);
    expect(() => parseRedisTarget('redis+cluster://h:70000')).toThrow(/is not host:port/);
    try {
      parseRedisTarget('redis+cluster://:hunter2@nope');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it("takes a cluster password that holds '/' whole", () => {
    expect(parseRedisTarget('redis+cluster://:Azr3Key/Base64+Pw=@c1:7000,c2:7001/0')).toMatchObject({
      password: 'Azr3Key/Base64+Pw=',
      nodes: [
        { host: 'c1', port: 7000 },
        { host: 'c2', port: 7001 },
      ],
    });
  });
});

describe('what a message shows of a Redis URL', () => {
  const SECRET = /S3CRET|Azr3Key|Base64|SUFFIX/;
  it.each([
    ['redis://127.0.0.1:1/?password=S3CRET', 'redis://127.0.0.1:1'],
    ['redis://user:S3CRET@cache.example.net:6380/2', 'redis://cache.example.net:6380'],
    ['redis://:p@SUFFIX@cache.example.net:6380', 'redis://cache.example.net:6380'],
    ['rediss+cluster://:Azr3Key/Base64+Pw=@c1:7000,[::1]:7001', 'rediss+cluster://c1:7000,[::1]:7001'],
  ])('%s shows as %s', (url, shown) => {
    expect(redisLocation(url)).toBe(shown);
  });

  it('shows nothing of a value that does not parse, and never quotes it in a usage error', () => {
    for (const url of [
      'redis://:Azr3Key/Base64+Pw=@cache.example.net:6380',
      'redis+cluster://:Azr3Key/Base64@nope',
      'redis://:S3CRET@[broken',
    ]) {
      expect(redisLocation(url)).not.toMatch(SECRET);
      let message = '';
      try {
        resolveRedisOptions({ redis: url }, {});
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/REDIS_URL/);
      expect(message).not.toMatch(SECRET);
    }
  });
});
