import { SEVERITY_ORDER, type Finding, type Severity } from '../../audit/findings.js';
import type { Report } from '../report/report-model.js';
import type { ShareDiff } from '../report/snapshot-diff.js';
import type { NamedFinding, ReportNotification, SeverityCounts } from './notify-model.js';
import { slackText } from './slack-text.js';

/** What a report notification is built from: the stored report, the one before it, and their diff. */
export interface ReportNotificationInput {
  readonly notificationId: string;
  readonly reportId: string;
  readonly report: Report;
  /** The previous report of the foundation; null for its first report. */
  readonly previous: Report | null;
  readonly diff: ShareDiff;
  /** The least severity of a new finding that notifies. */
  readonly notifyOn: Severity;
  /** New findings named; the rest are only counted. */
  readonly namedLimit: number;
}

/** A finding's identity across reports: the same kind on the same instance and target space. */
const findingKey = (finding: Finding): string =>
  `${finding.kind} ${finding.instance_guid ?? '-'} ${finding.space_guid ?? '-'}`;

const rank = (severity: string): number => SEVERITY_ORDER.indexOf(severity as Severity);

/**
 * The notification of a report, or null when nothing is worth one: no new share and no new finding at or above
 * `notifyOn`. A first report (no previous) counts every share and finding as new, so it notifies whenever the
 * foundation has any: it is the baseline the next reports are compared with, and proves the webhook works. Pure.
 */
export function buildReportNotification(input: ReportNotificationInput): ReportNotification | null {
  const { report, previous, diff, notifyOn } = input;
  const before = new Set((previous?.findings ?? []).map(findingKey));
  const fresh = report.findings.filter((finding) => !before.has(findingKey(finding)));
  const newFindings: SeverityCounts = { high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of fresh) newFindings[finding.severity] += 1;
  const alerting = fresh.filter((finding) => rank(finding.severity) <= rank(notifyOn));
  const brokerAdded = diff.broker_added?.length ?? 0;
  if (diff.added.length === 0 && brokerAdded === 0 && alerting.length === 0) return null;

  // Findings carry guids; the report's shares give them names people recognise.
  const instanceNames = new Map(report.shares.map((share) => [share.instance.guid, share.instance.name]));
  const spaceNames = new Map(report.shares.map((share) => [share.target.space_guid, share.target.space]));
  const named: NamedFinding[] = [...alerting]
    .sort((a, b) => rank(a.severity) - rank(b.severity) || a.kind.localeCompare(b.kind))
    .slice(0, input.namedLimit)
    .map((finding) => ({
      kind: finding.kind,
      severity: finding.severity,
      instance: finding.instance_guid === null ? null : (instanceNames.get(finding.instance_guid) ?? null),
      space: finding.space_guid === undefined ? null : (spaceNames.get(finding.space_guid) ?? null),
      message: finding.message,
    }));

  const counts = SEVERITY_ORDER.filter((s) => rank(s) <= rank(notifyOn))
    .map((s) => `${newFindings[s]} ${s}`)
    .join(', ');
  const head = previous === null ? 'first report' : 'report';
  const lines = [
    `cf-shares: ${head} of ${slackText(report.api)}: ${diff.added.length} new share(s), ${diff.removed.length} removed ` +
      `(${report.summary.shares} in all)${diff.broker_added ? `; ${brokerAdded} new broker-level share proxy(ies)` : ''}; new findings ${counts}`,
    ...named.map(
      (f) =>
        `• ${f.severity} ${f.kind}: ${slackText(f.instance ?? '?')}${f.space === null ? '' : ` → ${slackText(f.space)}`}`,
    ),
    ...(alerting.length > named.length ? [`… and ${alerting.length - named.length} more`] : []),
    `report ${slackText(input.reportId)}: cf-shares reports get ${slackText(input.reportId)} --out DIR`,
  ];
  return {
    schema: 'cf-shares/notification@1',
    event: 'report',
    text: lines.join('\n'),
    notification_id: input.notificationId,
    api: report.api,
    report_id: input.reportId,
    generated_at: report.generated_at,
    first_report: previous === null,
    shares: report.summary.shares,
    new_shares: diff.added.length,
    removed_shares: diff.removed.length,
    ...(diff.broker_added && { new_broker_shares: brokerAdded }),
    notify_on: notifyOn,
    new_findings: newFindings,
    named_findings: named,
  };
}
