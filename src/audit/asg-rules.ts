import { parseDestination, type IpRange } from './ip-range.js';

/** An ASG rule as CC stores and returns it (cc-api.md §4): optional keys are simply absent. */
export interface AsgRule {
  readonly protocol: string;
  readonly destination: string;
  readonly ports?: string;
  readonly type?: number;
  readonly code?: number;
  readonly description?: string;
  readonly log?: boolean;
}

/** A rule in a form that can be matched: protocol, address ranges, and port ranges (undefined = every port). */
export interface ParsedRule {
  readonly protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all';
  readonly destinations: readonly IpRange[];
  readonly ports: ReadonlyArray<readonly [number, number]> | undefined;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'all']);

/**
 * Parses a port spec: one port, a comma list, or one `a-b` range; whitespace around numbers is tolerated, as CC's
 * regexes do (cc-api.md §4). Returns undefined when it does not parse, so the rule grants nothing.
 */
export function parsePorts(spec: string): Array<[number, number]> | undefined {
  const valid = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;
  const text = spec.trim();
  if (/^\d+\s*-\s*\d+$/.test(text)) {
    const [low, high] = text.split('-').map((part) => Number(part.trim())) as [number, number];
    return valid(low) && valid(high) && low < high ? [[low, high]] : undefined;
  }
  const ports = text.split(',').map((part) => part.trim());
  if (ports.some((part) => !/^\d+$/.test(part))) return undefined;
  const numbers = ports.map(Number);
  return numbers.every(valid) ? numbers.map((n): [number, number] => [n, n]) : undefined;
}

/** Parses a stored rule defensively; a rule that does not parse is dropped (it would not have passed CC's validator). */
export function parseRule(rule: AsgRule): ParsedRule | undefined {
  const protocol = String(rule.protocol).trim().toLowerCase();
  if (!PROTOCOLS.has(protocol)) return undefined;
  const destinations = parseDestination(String(rule.destination));
  if (destinations.length === 0) return undefined;
  if (protocol === 'tcp' || protocol === 'udp') {
    if (typeof rule.ports !== 'string') return undefined;
    const ports = parsePorts(rule.ports);
    return ports ? { protocol, destinations, ports } : undefined;
  }
  return { protocol: protocol as ParsedRule['protocol'], destinations, ports: undefined };
}
