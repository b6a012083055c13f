import type { AsgRule } from './asg-rules.js';
import { parseRule, type ParsedRule } from './asg-rules.js';
import { parseDestinationEntry, PRIVATE_NETWORKS, type IpRange } from './ip-range.js';

/** A security group as the audit needs it: whether it is globally on for running apps, its rules and spaces. */
export interface AsgGroup {
  readonly guid: string;
  readonly globallyRunning: boolean;
  readonly rules: readonly AsgRule[];
  readonly runningSpaceGuids: readonly string[];
}

/** The rules in force for a space's running apps: every globally-enabled running group plus those bound to it. */
export function effectiveRunningRules(groups: readonly AsgGroup[], spaceGuid: string): ParsedRule[] {
  const rules: ParsedRule[] = [];
  for (const group of groups) {
    if (!group.globallyRunning && !group.runningSpaceGuids.includes(spaceGuid)) continue;
    for (const rule of group.rules) {
      const parsed = parseRule(rule);
      if (parsed) rules.push(parsed);
    }
  }
  return rules;
}

/**
 * Whether the rules let TCP reach every address of `target` on `port`: a `tcp` rule with the port or an `all`
 * rule must cover it. A CIDR target is covered only when the union of matching rules covers it whole.
 */
export function allowsTcp(rules: readonly ParsedRule[], target: string, port: number): boolean {
  const range = parseDestinationEntry(target);
  if (!range) return false;
  const matching = rules
    .filter((rule) => rule.protocol === 'all' || (rule.protocol === 'tcp' && rule.ports!.some(([low, high]) => port >= low && port <= high)))
    .flatMap((rule) => rule.destinations.filter((d) => d.family === range.family));
  return uncovered(range, matching).length === 0;
}

/** The parts of `range` that no range in `cover` contains. */
export function uncovered(range: IpRange, cover: readonly IpRange[]): IpRange[] {
  let remaining: IpRange[] = [range];
  for (const piece of cover) {
    if (piece.family !== range.family) continue;
    remaining = remaining.flatMap((part) => {
      if (piece.end < part.start || piece.start > part.end) return [part];
      const left: IpRange[] = piece.start > part.start ? [{ family: part.family, start: part.start, end: piece.start - 1n }] : [];
      const right: IpRange[] = piece.end < part.end ? [{ family: part.family, start: piece.end + 1n, end: part.end }] : [];
      return [...left, ...right];
    });
    if (remaining.length === 0) break;
  }
  return remaining;
}

/** A private destination and port that one rule set allows over TCP and another does not. */
export interface TcpGap {
  readonly range: IpRange;
  readonly ports: readonly [number, number];
}

/**
 * Private-network TCP the source space's rules allow and the target space's do not: the fallback `asg_gap` test
 * when no endpoint of the service is known (reported with lower confidence). Ports of `all` rules count as 1-65535.
 */
export function privateTcpGaps(source: readonly ParsedRule[], target: readonly ParsedRule[]): TcpGap[] {
  const tcpRanges = (rules: readonly ParsedRule[]) =>
    rules
      .filter((rule) => rule.protocol === 'tcp' || rule.protocol === 'all')
      .flatMap((rule) => rule.destinations.map((range) => ({ range, ports: rule.ports ?? [[1, 65535] as const] })));
  const targetRanges = tcpRanges(target);
  const gaps: TcpGap[] = [];
  for (const { range, ports } of tcpRanges(source)) {
    for (const network of PRIVATE_NETWORKS) {
      if (network.family !== range.family || network.end < range.start || network.start > range.end) continue;
      const privatePart: IpRange = { family: range.family, start: max(range.start, network.start), end: min(range.end, network.end) };
      for (const portRange of ports) {
        // Split the port range on the target's port boundaries, so each piece is judged against one set of rules.
        for (const [low, high] of splitPorts(portRange, targetRanges.flatMap((t) => t.ports))) {
          const cover = targetRanges.filter((t) => t.ports.some(([a, b]) => a <= low && b >= high)).map((t) => t.range);
          for (const rest of uncovered(privatePart, cover)) gaps.push({ range: rest, ports: [low, high] });
        }
      }
    }
  }
  return gaps;
}

function splitPorts([low, high]: readonly [number, number], bounds: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const cuts = new Set<number>([low, high + 1]);
  for (const [a, b] of bounds) {
    if (a > low && a <= high) cuts.add(a);
    if (b + 1 > low && b + 1 <= high) cuts.add(b + 1);
  }
  const sorted = [...cuts].sort((x, y) => x - y);
  const pieces: Array<[number, number]> = [];
  for (let i = 0; i + 1 < sorted.length; i++) pieces.push([sorted[i]!, sorted[i + 1]! - 1]);
  return pieces;
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
