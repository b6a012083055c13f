import type { EndpointSource } from './snapshot.js';

/** How the ASG check of a share was made: against a known endpoint (by its source), or inferred. */
export type AsgCheckSource = EndpointSource | 'inferred';

export const ASG_CHECK_SOURCES: readonly AsgCheckSource[] = ['endpoints_file', 'credentials', 'inferred'];

/** A share edge: an instance and one target space. */
export interface ShareEdge {
  readonly instance_guid: string;
  readonly space_guid: string;
}

/** A share edge and the source its ASG check used (report.json `shares[]` gives both). */
export interface CheckedShare extends ShareEdge {
  readonly endpoint_source: EndpointSource | null;
}

/** The fields of a finding (report.json or the truth) that scoring reads. */
export interface ScoredFinding {
  readonly kind: string;
  readonly instance_guid?: string | null;
  readonly space_guid?: string;
  readonly confidence?: 'endpoint' | 'inferred';
  readonly endpoint_source?: EndpointSource;
}

/** How asg_gap findings made one way compare with the truth on the shares checked that way. */
export interface AsgGapScore {
  /** Shares whose ASG check was made this way. */
  readonly shares: number;
  /** Of those, shares the truth says have a gap. */
  readonly expected: number;
  /** asg_gap findings made this way. */
  readonly found: number;
  /** Findings that the truth confirms. */
  readonly correct: number;
  /** correct / found; null when nothing was found (no claim, nothing to be wrong about). */
  readonly precision: number | null;
  /** correct / expected; null when nothing was expected. */
  readonly recall: number | null;
  /** Findings the truth does not hold, and truth gaps without a finding: named, so a person can look. */
  readonly unexpected: readonly ShareEdge[];
  readonly missed: readonly ShareEdge[];
}

export interface AsgGapAccuracy {
  readonly bySource: Readonly<Record<AsgCheckSource, AsgGapScore>>;
  /** Every share and finding together, whatever the source. */
  readonly all: AsgGapScore;
}

const edgeKey = (edge: { instance_guid?: string | null; space_guid?: string }): string =>
  `${edge.instance_guid ?? ''} ${edge.space_guid ?? ''}`;

const sourceOf = (finding: ScoredFinding): AsgCheckSource =>
  finding.confidence === 'endpoint' && finding.endpoint_source ? finding.endpoint_source : 'inferred';

/**
 * Precision and recall of asg_gap findings against a truth list (the simulator's `expected_findings`; other kinds
 * are ignored), per source of the check. A truth gap counts toward the source that checked its share: an instance
 * without a readable binding falls back to inference even with --inspect-credentials, and its misses belong to the
 * inference, not to the credentials.
 */
export function scoreAsgGaps(
  shares: readonly CheckedShare[],
  findings: readonly ScoredFinding[],
  truth: readonly ScoredFinding[],
): AsgGapAccuracy {
  const truthGaps = new Map(truth.filter((f) => f.kind === 'asg_gap').map((f) => [edgeKey(f), f]));
  const gapFindings = findings.filter((f) => f.kind === 'asg_gap');
  const shareSource = new Map(shares.map((share) => [edgeKey(share), share.endpoint_source ?? 'inferred']));

  const score = (
    checked: readonly string[],
    made: readonly ScoredFinding[],
    expectedKeys: readonly string[],
  ): AsgGapScore => {
    const madeKeys = new Set(made.map(edgeKey));
    const correct = [...madeKeys].filter((key) => truthGaps.has(key)).length;
    const toEdge = (key: string): ShareEdge => {
      const [instance_guid = '', space_guid = ''] = key.split(' ');
      return { instance_guid, space_guid };
    };
    return {
      shares: checked.length,
      expected: expectedKeys.length,
      found: madeKeys.size,
      correct,
      precision: madeKeys.size === 0 ? null : correct / madeKeys.size,
      recall:
        expectedKeys.length === 0 ? null : expectedKeys.filter((key) => madeKeys.has(key)).length / expectedKeys.length,
      unexpected: [...madeKeys]
        .filter((key) => !truthGaps.has(key))
        .sort()
        .map(toEdge),
      missed: expectedKeys
        .filter((key) => !madeKeys.has(key))
        .sort()
        .map(toEdge),
    };
  };

  const bySource = Object.fromEntries(
    ASG_CHECK_SOURCES.map((source) => {
      const checked = [...shareSource].filter(([, s]) => s === source).map(([key]) => key);
      const checkedSet = new Set(checked);
      return [
        source,
        score(
          checked,
          gapFindings.filter((f) => sourceOf(f) === source),
          [...truthGaps.keys()].filter((key) => checkedSet.has(key)),
        ),
      ];
    }),
  ) as Record<AsgCheckSource, AsgGapScore>;
  return { bySource, all: score([...shareSource.keys()], gapFindings, [...truthGaps.keys()]) };
}
