/** An inclusive range of addresses of one family, as integers (IPv6 needs 128 bits, hence bigint). */
export interface IpRange {
  readonly family: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
}

/** Parses a dotted IPv4 address the way CC accepts it: four decimal octets, no leading zeros. */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/** Parses an IPv6 address, including `::` compression and a trailing dotted IPv4 part. */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || text.split('::').length > 2) return undefined;
  let hex = text;
  if (text.includes('.')) {
    // `::ffff:10.0.0.1` is `::ffff:a00:1`: rewrite the dotted tail as two groups.
    const lastColon = text.lastIndexOf(':');
    const v4 = lastColon < 0 ? undefined : parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    hex = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  let groups: string[];
  if (hex.includes('::')) {
    const [left, right] = hex.split('::') as [string, string];
    const l = left === '' ? [] : left.split(':');
    const r = right === '' ? [] : right.split(':');
    if (l.length + r.length > 7) return undefined;
    groups = [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  } else {
    groups = hex.split(':');
    if (groups.length !== 8) return undefined;
  }
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** Parses one address of either family. */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/**
 * Parses one ASG destination entry: an address, a CIDR, or an `a-b` range of plain addresses (cc-api.md §4).
 * Returns undefined for anything CC would have rejected, so a malformed stored rule never widens access.
 */
export function parseDestinationEntry(entry: string): IpRange | undefined {
  const text = entry.trim();
  if (text.includes('/')) {
    const [base, bitsText, extra] = text.split('/');
    if (extra !== undefined || base === undefined || !/^\d{1,3}$/.test(bitsText ?? '')) return undefined;
    const ip = parseIp(base);
    if (!ip) return undefined;
    const width = ip.family === 4 ? 32n : 128n;
    const bits = BigInt(Number(bitsText));
    if (bits > width) return undefined;
    const hostBits = width - bits;
    const start = (ip.value >> hostBits) << hostBits;
    return { family: ip.family, start, end: start + (1n << hostBits) - 1n };
  }
  if (text.includes('-')) {
    const parts = text.split('-');
    if (parts.length !== 2) return undefined;
    const low = parseIp(parts[0]!.trim());
    const high = parseIp(parts[1]!.trim());
    if (!low || !high || low.family !== high.family || low.value > high.value) return undefined;
    return { family: low.family, start: low.value, end: high.value };
  }
  const ip = parseIp(text);
  return ip ? { family: ip.family, start: ip.value, end: ip.value } : undefined;
}

/** Parses a destination that may be a comma list; entries that do not parse are left out. */
export function parseDestination(destination: string): IpRange[] {
  return destination
    .split(',')
    .map(parseDestinationEntry)
    .filter((range): range is IpRange => range !== undefined);
}

/** The private networks a service usually lives on: RFC 1918 and IPv6 unique-local (fc00::/7). */
export const PRIVATE_NETWORKS: readonly IpRange[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'].map(
  (cidr) => parseDestinationEntry(cidr)!,
);
