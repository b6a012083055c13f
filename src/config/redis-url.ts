/**
 * Where a `--redis` URL points: one Redis (`redis://`, `rediss://`, as ioredis reads them) or the seed nodes of a
 * Redis Cluster (`redis+cluster://[user:password@]host:port[,host:port...]`, `rediss+cluster://` for TLS), which
 * ioredis' Cluster client discovers the rest of the cluster from.
 */
export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;
      readonly username?: string;
      readonly password?: string;
      readonly tls: boolean;
    };

/** The schemes that name a Redis Cluster. */
export const CLUSTER_SCHEMES = ['redis+cluster:', 'rediss+cluster:'] as const;

/** Whether a `--redis` value names a Redis Cluster. */
export function isClusterUrl(url: string): boolean {
  return CLUSTER_SCHEMES.some((scheme) => url.toLowerCase().startsWith(`${scheme}//`));
}

/**
 * Parses a `--redis` value. Cluster URLs are split by hand: WHATWG URL cannot hold several hosts. Throws an Error
 * whose message never carries the password; callers turn it into their own usage error.
 */
export function parseRedisTarget(url: string): RedisTarget {
  if (!isClusterUrl(url)) return { kind: 'single', url };
  const tls = url.toLowerCase().startsWith('rediss+');
  // The userinfo ends at the last '@': a password may hold '/' (base64 keys do), which must not end the hosts early.
  const rest = url.slice(url.indexOf('//') + 2);
  const at = rest.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : rest.slice(0, at);
  const hosts = (at < 0 ? rest : rest.slice(at + 1)).replace(/[/?#].*$/, '');
  const nodes = hosts.split(',').map((hostPort, index) => {
    const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(hostPort.trim());
    const port = Number(match?.[2]);
    // Not quoted: a malformed URL may have put part of the password here.
    if (!match || port < 1 || port > 65535) throw new Error(`cluster node ${index + 1} is not host:port`);
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  });
  let username: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    username = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon)) || undefined;
    password = colon < 0 ? undefined : decodeURIComponent(userinfo.slice(colon + 1));
  }
  return {
    kind: 'cluster',
    nodes,
    tls,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
  };
}

/**
 * Where a `--redis` value points, for a message: its scheme and hosts, never its user, password, path or query (ioredis
 * reads a password from the query too). A value that does not parse is not shown at all: where its password ends is
 * then anyone's guess.
 */
export function redisLocation(url: string): string {
  const hidden = 'a Redis URL that is not shown (it may hold a password)';
  if (isClusterUrl(url)) {
    try {
      const target = parseRedisTarget(url) as Extract<RedisTarget, { kind: 'cluster' }>;
      const hosts = target.nodes.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`);
      return `${target.tls ? 'rediss+cluster' : 'redis+cluster'}://${hosts.join(',')}`;
    } catch {
      return hidden;
    }
  }
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return hidden;
  }
}
