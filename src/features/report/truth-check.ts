import { scoreAsgGaps, type AsgGapAccuracy, type ScoredFinding } from '../../audit/asg-gap-accuracy.js';
import type { Report } from './report-model.js';

/** The part of the simulator's `GET /_sim/truth` a report is checked against. */
export interface TruthToCheck {
  readonly shares: ReadonlyArray<{ readonly instance_guid: string; readonly target_space_guid: string }>;
  readonly expected_findings: readonly ScoredFinding[];
  /** Broker-level shares: each proxy and the original it names, and where that is (absent from older simulators). */
  readonly broker_shares?: ReadonlyArray<{
    readonly proxy_guid: string;
    readonly original_guid: string;
    readonly original: 'local' | 'remote' | 'missing';
    /** The proxy's offering: only proxies of the report's proxy plans are compared. */
    readonly offering?: string;
  }>;
}

/** How the report's broker-level shares compare with the truth's. */
export interface BrokerShareCheck {
  /** Proxies in the truth. */
  readonly expected: number;
  /** Proxies the report has with the truth's original and place (or unknown where the truth says unreadable). */
  readonly matched: number;
  /** Of the matched: proxies whose parameters were unreadable, as the truth says they are. */
  readonly unknown: number;
  readonly mismatches: readonly NamedMismatch[];
}

/** A finding (or share) that is not where it should be, named for a person: kind, instance and space. */
export interface NamedMismatch {
  readonly kind: string;
  readonly instance_guid: string | null;
  readonly space_guid: string | null;
  /** The instance's name and the space's `org/space`, as the report has them (raw: the printer makes them safe). */
  readonly instance: string | null;
  readonly space: string | null;
}

export interface TruthCheck {
  readonly sharesFound: number;
  readonly sharesExpected: number;
  readonly missingShares: readonly NamedMismatch[];
  readonly unexpectedShares: readonly NamedMismatch[];
  /** Findings the tool claims with confidence: every kind but inferred asg_gap. These must match the truth exactly. */
  readonly certainExpected: number;
  readonly certainMatched: number;
  readonly unexpectedFindings: readonly NamedMismatch[];
  readonly missedFindings: readonly NamedMismatch[];
  /** asg_gap precision and recall per source; inferred ones are measured here and never required. */
  readonly asgGaps: AsgGapAccuracy;
  /** The credential findings (issue 13) against the truth; null when the report did not compare credentials. */
  readonly credentialFindings: CredentialFindingScore | null;
  /** Null when the truth has no broker-level shares to compare. */
  readonly brokerShares: BrokerShareCheck | null;
}

/** credentials_not_unique and key_credentials_in_binding found, right, and in the truth. */
export interface CredentialFindingScore {
  readonly expected: number;
  readonly found: number;
  readonly right: number;
  /** right / found (1 when none was found). */
  readonly precision: number;
  /** right / expected (1 when none was expected). */
  readonly recall: number;
}

/** Findings only a run that read the bindings' credentials can make (issue 13). */
const CREDENTIAL_KINDS: ReadonlySet<string> = new Set(['credentials_not_unique', 'key_credentials_in_binding']);

const key = (kind: string, instance: string | null | undefined, space: string | null | undefined): string =>
  `${kind} ${instance ?? ''} ${space ?? ''}`;

/**
 * Compares a report with the simulator's truth. Exact match is required only of what the tool claims with
 * confidence: shares, and every finding except an asg_gap inferred without knowing where the service listens.
 * A truth asg_gap on a share the tool could only infer about is left to the precision/recall figures.
 */
export function checkAgainstTruth(report: Report, truth: TruthToCheck): TruthCheck {
  const instanceName = new Map<string, string>();
  const placeName = new Map<string, string>();
  for (const share of report.shares) {
    instanceName.set(share.instance.guid, share.instance.name);
    for (const place of [share.source, share.target])
      placeName.set(place.space_guid, `${place.org ?? '?'}/${place.space ?? '?'}`);
  }
  for (const share of report.broker_shares?.proxies ?? []) {
    instanceName.set(share.proxy.guid, share.proxy.name);
    placeName.set(share.place.space_guid, `${share.place.org ?? '?'}/${share.place.space ?? '?'}`);
  }
  const named = (
    kind: string,
    instance: string | null | undefined,
    space: string | null | undefined,
  ): NamedMismatch => ({
    kind,
    instance_guid: instance ?? null,
    space_guid: space ?? null,
    instance: instance ? (instanceName.get(instance) ?? null) : null,
    space: space ? (placeName.get(space) ?? null) : null,
  });

  const reported = new Set(report.shares.map((share) => key('share', share.instance.guid, share.target.space_guid)));
  const expectedShares = new Set(
    truth.shares.map((share) => key('share', share.instance_guid, share.target_space_guid)),
  );
  const missingShares = truth.shares
    .filter((s) => !reported.has(key('share', s.instance_guid, s.target_space_guid)))
    .map((s) => named('share', s.instance_guid, s.target_space_guid));
  const unexpectedShares = report.shares
    .filter((s) => !expectedShares.has(key('share', s.instance.guid, s.target.space_guid)))
    .map((s) => named('share', s.instance.guid, s.target.space_guid));

  const certainFound = report.findings.filter((f) => !(f.kind === 'asg_gap' && f.confidence === 'inferred'));
  // A share counts as checked against its endpoint when the report says so, or when a finding was made that way.
  const endpointChecked = new Set([
    ...report.shares.filter((s) => s.endpoint_source).map((s) => key('asg_gap', s.instance.guid, s.target.space_guid)),
    ...certainFound.filter((f) => f.kind === 'asg_gap').map((f) => key(f.kind, f.instance_guid, f.space_guid)),
  ]);
  const inferredShares = new Set(
    report.shares
      .map((s) => key('asg_gap', s.instance.guid, s.target.space_guid))
      .filter((k) => !endpointChecked.has(k)),
  );
  // Credential findings need the credentials: a report that did not read them cannot miss one, and one that could
  // not read some (counted as not compared) may miss those but must still not claim any that is not true.
  const comparison = report.summary.credential_comparison;
  const credentialsRequired = comparison !== undefined && comparison.not_compared === 0;
  const certainTruth = truth.expected_findings.filter(
    (f) =>
      !inferredShares.has(key(f.kind, f.instance_guid, f.space_guid)) &&
      (credentialsRequired || !CREDENTIAL_KINDS.has(f.kind)),
  );
  const credentialTruth = new Set(
    truth.expected_findings
      .filter((f) => CREDENTIAL_KINDS.has(f.kind))
      .map((f) => key(f.kind, f.instance_guid, f.space_guid)),
  );
  const foundKeys = new Set(certainFound.map((f) => key(f.kind, f.instance_guid, f.space_guid)));
  const truthKeys = new Set(certainTruth.map((f) => key(f.kind, f.instance_guid, f.space_guid)));

  const credentialFound = report.findings
    .filter((f) => CREDENTIAL_KINDS.has(f.kind))
    .map((f) => key(f.kind, f.instance_guid, f.space_guid));
  const credentialRight = credentialFound.filter((k) => credentialTruth.has(k)).length;

  return {
    sharesFound: report.shares.length,
    sharesExpected: truth.shares.length,
    missingShares,
    unexpectedShares,
    certainExpected: truthKeys.size,
    certainMatched: [...truthKeys].filter((k) => foundKeys.has(k)).length,
    unexpectedFindings: certainFound
      .filter((f) => {
        const k = key(f.kind, f.instance_guid, f.space_guid);
        return !truthKeys.has(k) && !credentialTruth.has(k);
      })
      .map((f) => named(f.kind, f.instance_guid, f.space_guid)),
    missedFindings: certainTruth
      .filter((f) => !foundKeys.has(key(f.kind, f.instance_guid, f.space_guid)))
      .map((f) => named(f.kind, f.instance_guid, f.space_guid)),
    asgGaps: scoreAsgGaps(
      report.shares.map((s) => ({
        instance_guid: s.instance.guid,
        space_guid: s.target.space_guid,
        endpoint_source: s.endpoint_source,
      })),
      report.findings,
      truth.expected_findings,
    ),
    credentialFindings: comparison
      ? {
          expected: credentialTruth.size,
          found: credentialFound.length,
          right: credentialRight,
          precision: credentialFound.length === 0 ? 1 : credentialRight / credentialFound.length,
          recall: credentialTruth.size === 0 ? 1 : credentialRight / credentialTruth.size,
        }
      : null,
    brokerShares: truth.broker_shares ? checkBrokerShares(report, truth, named) : null,
  };
}

const WHERE: Readonly<Record<string, string>> = { local: 'local', remote: 'remote_region', missing: 'missing' };

/** Each proxy of the truth must be in the report with its original and where that is, and no other proxy. */
function checkBrokerShares(
  report: Report,
  truth: TruthToCheck,
  named: (kind: string, instance: string | null, space: string | null) => NamedMismatch,
): BrokerShareCheck {
  const unreadable = new Set(
    truth.expected_findings.filter((f) => f.kind === 'broker_share_parameters_unreadable').map((f) => f.instance_guid),
  );
  const rows = new Map((report.broker_shares?.proxies ?? []).map((row) => [row.proxy.guid, row]));
  const mismatches: NamedMismatch[] = [];
  let matched = 0;
  let unknown = 0;
  const offerings = new Set(
    (report.broker_shares?.proxy_plans ?? ['credstore:proxy']).map((p) => p.slice(0, p.lastIndexOf(':'))),
  );
  const truthShares = (truth.broker_shares ?? []).filter((s) => s.offering === undefined || offerings.has(s.offering));
  for (const expected of truthShares) {
    const row = rows.get(expected.proxy_guid);
    rows.delete(expected.proxy_guid);
    const right =
      row !== undefined &&
      (row.original_where === 'unknown'
        ? unreadable.has(expected.proxy_guid)
        : row.original_guid === expected.original_guid && row.original_where === WHERE[expected.original]);
    if (!right) {
      mismatches.push(
        named(`broker_share (${expected.original} ${expected.original_guid})`, expected.proxy_guid, null),
      );
      continue;
    }
    matched += 1;
    if (row.original_where === 'unknown') unknown += 1;
  }
  for (const row of rows.values()) mismatches.push(named('broker_share (not in truth)', row.proxy.guid, null));
  return { expected: truthShares.length, matched, unknown, mismatches };
}

/** Whether the report holds exactly what the truth says, for everything it claims with confidence. */
export function truthCheckPassed(check: TruthCheck): boolean {
  return (
    check.missingShares.length +
      check.unexpectedShares.length +
      check.unexpectedFindings.length +
      check.missedFindings.length +
      (check.brokerShares?.mismatches.length ?? 0) ===
    0
  );
}
