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
    .filter(
      (rule) =>
        rule.protocol === 'all' ||
        (rule.protocol === 'tcp' && rule.ports!.some(([low, high]) => port >= low && port <= high)),
    )
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
      const left: IpRange[] =
        piece.start > part.start ? [{ family: part.family, start: part.start, end: piece.start - 1n }] : [];
      const right: IpRange[] =
        piece.end < part.end ? [{ family: part.family, start: piece.end + 1n, end: part.end }] : [];
      return [...left, ...right];
    });
    if (remaining.length === 0) break;
  }
  return remaining;
}

/** Addresses and a port range over TCP: a piece of what rules allow, or of what they fail to allow. */
export interface TcpPiece {
  readonly range: IpRange;
  readonly ports: readonly [number, number];
}

/** A private destination and port that one rule set allows over TCP and another does not. */
export type TcpGap = TcpPiece;

/** The private-network (RFC 1918, fc00::/7) TCP a rule set allows. Ports of `all` rules count as 1-65535. */
export function privateTcpReach(rules: readonly ParsedRule[]): TcpPiece[] {
  const pieces: TcpPiece[] = [];
  for (const rule of rules) {
    if (rule.protocol !== 'tcp' && rule.protocol !== 'all') continue;
    for (const range of rule.destinations) {
      for (const network of PRIVATE_NETWORKS) {
        if (network.family !== range.family || network.end < range.start || network.start > range.end) continue;
        const privatePart: IpRange = {
          family: range.family,
          start: max(range.start, network.start),
          end: min(range.end, network.end),
        };
        for (const ports of rule.ports ?? [[1, 65535] as const]) pieces.push({ range: privatePart, ports });
      }
    }
  }
  return pieces;
}

/** What two reaches both allow. */
export function intersectReach(a: readonly TcpPiece[], b: readonly TcpPiece[]): TcpPiece[] {
  const pieces = new Map<string, TcpPiece>();
  for (const x of a) {
    for (const y of b) {
      if (x.range.family !== y.range.family) continue;
      const range: IpRange = {
        family: x.range.family,
        start: max(x.range.start, y.range.start),
        end: min(x.range.end, y.range.end),
      };
      const ports: [number, number] = [Math.max(x.ports[0], y.ports[0]), Math.min(x.ports[1], y.ports[1])];
      if (range.start > range.end || ports[0] > ports[1]) continue;
      // Overlapping rules of both sides give the same piece many times; one is enough.
      pieces.set(`${range.family} ${range.start} ${range.end} ${ports[0]} ${ports[1]}`, { range, ports });
    }
  }
  return [...pieces.values()];
}

/**
 * The parts of `reach` that the target's rules do not allow over TCP: the inferred `asg_gap` test when no endpoint
 * of the service is known.
 */
export function uncoveredTcp(reach: readonly TcpPiece[], target: readonly ParsedRule[]): TcpGap[] {
  const targetRanges = target
    .filter((rule) => rule.protocol === 'tcp' || rule.protocol === 'all')
    .flatMap((rule) => rule.destinations.map((range) => ({ range, ports: rule.ports ?? [[1, 65535] as const] })));
  const gaps: TcpGap[] = [];
  for (const piece of reach) {
    // Split the port range on the target's port boundaries, so each piece is judged against one set of rules.
    for (const [low, high] of splitPorts(
      piece.ports,
      targetRanges.flatMap((t) => t.ports),
    )) {
      const cover = targetRanges.filter((t) => t.ports.some(([a, b]) => a <= low && b >= high)).map((t) => t.range);
      for (const rest of uncovered(piece.range, cover)) gaps.push({ range: rest, ports: [low, high] });
    }
  }
  return gaps;
}

function splitPorts(
  [low, high]: readonly [number, number],
  bounds: ReadonlyArray<readonly [number, number]>,
): Array<[number, number]> {
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
