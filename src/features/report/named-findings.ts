import { SEVERITY_ORDER, type Finding } from '../../audit/findings.js';
import type { Report, ReportPlace } from './report-model.js';

/** A finding with the names a person looks for beside its guids (raw: CSV and Markdown escape them). */
export interface NamedFinding {
  readonly finding: Finding;
  /** Null for foundation-wide findings (the sharing flag). */
  readonly instance: string | null;
  /** Where the instance lives; null for foundation-wide findings. */
  readonly source: ReportPlace | null;
  /** The target space of a share finding; null for instance-wide findings (keys, dashboard, offering). */
  readonly target: ReportPlace | null;
}

const rank = (severity: string): number => {
  const index = SEVERITY_ORDER.indexOf(severity as (typeof SEVERITY_ORDER)[number]);
  return index < 0 ? SEVERITY_ORDER.length : index;
};
const text = (value: string | null | undefined): string => value ?? '';

/**
 * The report's findings with instance, source and target names taken from its shares, in the order people read
 * them: severity (high first), kind, instance, source org/space, target org/space, then guids so that equal names
 * still sort the same way every night. report.json keeps the computed order; only what people read is re-sorted.
 */
export function namedFindings(report: Report): NamedFinding[] {
  const instances = new Map<string, { name: string; source: ReportPlace }>();
  const places = new Map<string, ReportPlace>();
  for (const share of report.shares) {
    instances.set(share.instance.guid, { name: share.instance.name, source: share.source });
    places.set(share.target.space_guid, share.target);
    places.set(share.source.space_guid, share.source);
  }
  // Broker-level share findings name a proxy (in its space) or an original.
  for (const share of report.broker_shares?.proxies ?? []) {
    instances.set(share.proxy.guid, { name: share.proxy.name, source: share.place });
    places.set(share.place.space_guid, share.place);
    if (share.original && share.original_guid) {
      instances.set(share.original_guid, { name: share.original.name, source: share.original.place });
      places.set(share.original.place.space_guid, share.original.place);
    }
  }
  const named = report.findings.map((finding): NamedFinding => {
    const instance = finding.instance_guid === null ? undefined : instances.get(finding.instance_guid);
    return {
      finding,
      instance: instance?.name ?? finding.instance_guid,
      source: instance?.source ?? null,
      target:
        finding.space_guid === undefined
          ? null
          : (places.get(finding.space_guid) ?? {
              org_guid: '',
              org: null,
              space_guid: finding.space_guid,
              space: null,
            }),
    };
  });
  const key = (n: NamedFinding): string[] => [
    n.finding.kind,
    text(n.instance),
    text(n.source?.org),
    text(n.source?.space),
    text(n.target?.org),
    text(n.target?.space),
    text(n.finding.instance_guid),
    text(n.finding.space_guid),
  ];
  return named.sort((a, b) => {
    const bySeverity = rank(a.finding.severity) - rank(b.finding.severity);
    if (bySeverity !== 0) return bySeverity;
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i += 1) {
      const order = ka[i]!.localeCompare(kb[i]!);
      if (order !== 0) return order;
    }
    return 0;
  });
}
