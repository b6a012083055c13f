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
  const rest = url.slice(url.indexOf('//') + 2).replace(/[/?#].*$/, '');
  const at = rest.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : rest.slice(0, at);
  const hosts = at < 0 ? rest : rest.slice(at + 1);
  const nodes = hosts.split(',').map((hostPort) => {
    const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(hostPort.trim());
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) throw new Error(`cluster node '${hostPort}' is not host:port`);
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
