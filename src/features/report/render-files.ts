import type { FoundationSnapshot } from '../../audit/snapshot.js';
import { SEVERITY_ORDER } from '../../audit/findings.js';
import { toCsv } from './csv.js';
import { markdownCell as md, safeJson } from '../../terminal/safe-text.js';
import type { Report } from './report-model.js';
import type { ShareDiff } from './snapshot-diff.js';
import { namedFindings, type NamedFinding } from './named-findings.js';
import { brokerSharesCsv, brokerSharesMarkdown } from './render-broker-shares.js';

/** Medium findings report.md names one by one; the rest are counted (findings.csv has them all). */
export const MARKDOWN_MEDIUM_LIMIT = 20;

/** The files of one report, by name. Pure: what is stored in Redis and written to --out is exactly this. */
export function renderReportFiles(
  report: Report,
  snapshot: FoundationSnapshot,
  diff: ShareDiff,
): Record<string, string> {
  return {
    'report.json': `${safeJson(JSON.stringify(report, null, 2))}\n`,
    'shares.csv': sharesCsv(report),
    'findings.csv': findingsCsv(report),
    'keys.csv': keysCsv(snapshot),
    'broker-shares.csv': brokerSharesCsv(report),
    'diff.json': `${safeJson(JSON.stringify(diff, null, 2))}\n`,
    'report.md': renderMarkdown(report, diff),
  };
}

/**
 * findings.csv, most severe first (see namedFindings). The name columns are appended after the original seven, so
 * scripts that read columns by position keep working (cf-shares/report@1 stays additive).
 */
function findingsCsv(report: Report): string {
  return toCsv(
    [
      'severity',
      'kind',
      'instance_guid',
      'space_guid',
      'message',
      'confidence',
      'endpoint_source',
      'instance',
      'source_org',
      'source_space',
      'target_org',
      'target_space',
      'source_space_guid',
    ],
    namedFindings(report).map(({ finding: f, instance, source, target }) => [
      f.severity,
      f.kind,
      f.instance_guid,
      f.space_guid,
      f.message,
      f.confidence,
      f.endpoint_source,
      instance,
      source?.org,
      source?.space,
      target?.org,
      target?.space,
      source?.space_guid,
    ]),
  );
}

function sharesCsv(report: Report): string {
  return toCsv(
    [
      'instance_guid',
      'instance',
      'offering',
      'plan',
      'source_org',
      'source_space',
      'source_org_guid',
      'source_space_guid',
      'target_org',
      'target_space',
      'target_org_guid',
      'target_space_guid',
      'bound_app_count',
      'binding_count',
      'key_count',
      'offering_guid',
      'endpoint_source',
    ],
    report.shares.map((s) => [
      s.instance.guid,
      s.instance.name,
      s.instance.offering,
      s.instance.plan,
      s.source.org,
      s.source.space,
      s.source.org_guid,
      s.source.space_guid,
      s.target.org,
      s.target.space,
      s.target.org_guid,
      s.target.space_guid,
      s.bound_apps.length,
      s.binding_count,
      s.key_count,
      s.instance.offering_guid,
      s.endpoint_source,
    ]),
  );
}

function keysCsv(snapshot: FoundationSnapshot): string {
  const instanceByGuid = new Map(snapshot.sharedInstances.map((i) => [i.guid, i]));
  const spaceByGuid = new Map(snapshot.spaces.map((s) => [s.guid, s]));
  const orgName = new Map(snapshot.orgs.map((o) => [o.guid, o.name]));
  const rows = snapshot.keys.map((key) => {
    const instance = instanceByGuid.get(key.instanceGuid);
    const space = instance ? spaceByGuid.get(instance.spaceGuid) : undefined;
    return [
      key.guid,
      key.name,
      key.instanceGuid,
      instance?.name,
      space ? orgName.get(space.orgGuid) : undefined,
      space?.name,
    ];
  });
  rows.sort((a, b) => String(a[3]).localeCompare(String(b[3])) || String(a[0]).localeCompare(String(b[0])));
  return toCsv(['key_guid', 'key', 'instance_guid', 'instance', 'source_org', 'source_space'], rows);
}

/**
 * `412 bindings and keys compared, 3 not compared (not_found 3); 415 details requests`, or null when credentials
 * were not inspected.
 */
export function credentialComparisonLine(s: Report['summary']): string | null {
  const c = s.credential_comparison;
  if (!c) return null;
  const reasons = Object.entries(c.not_compared_by_reason)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return `${c.compared} bindings and keys compared, ${c.not_compared} not compared${reasons ? ` (${reasons})` : ''}; ${c.details_requests} details requests`;
}

/** `200 of 239 (endpoints file 0, credentials 200)`: the ASG checks of the other shares are inferences. */
export function knownEndpoints(s: Report['summary']): string {
  // A report stored by an older worker has no such count.
  if (typeof s.shares_with_known_endpoint !== 'number') return 'not recorded';
  const by = s.shares_with_known_endpoint_by_source;
  return `${s.shares_with_known_endpoint} of ${s.shares} (endpoints file ${by.endpoints_file}, credentials ${by.credentials})`;
}

const placeCell = (place: NamedFinding['source']): string => (place ? `${md(place.org)}/${md(place.space)}` : '');

/** One severity's findings by name (instance, source → target, kind, message), the first `limit` of them. */
function findingsSection(title: string, findings: readonly NamedFinding[], limit = Infinity): string[] {
  if (findings.length === 0) return [];
  const shown = findings.slice(0, limit);
  const lines = [
    '',
    `### ${title} findings${shown.length < findings.length ? ` (first ${shown.length} of ${findings.length})` : ''}`,
    '',
    '| instance | source → target | kind | message |',
    '|---|---|---|---|',
  ];
  for (const { finding, instance, source, target } of shown) {
    const where =
      target && target.space_guid !== source?.space_guid
        ? `${placeCell(source)} → ${placeCell(target)}`
        : placeCell(source);
    lines.push(`| ${md(instance, '')} | ${where} | ${finding.kind} | ${md(finding.message)} |`);
  }
  if (shown.length < findings.length)
    lines.push('', `…and ${findings.length - shown.length} more ${title.toLowerCase()} finding(s) in findings.csv.`);
  return lines;
}

function renderMarkdown(report: Report, diff: ShareDiff): string {
  const s = report.summary;
  const lines = [
    `# Service instance sharing report`,
    '',
    `- Foundation: ${md(report.api)}`,
    `- Generated: ${report.generated_at}`,
    `- Sharing flag: **${report.sharing_flag.enabled ? 'enabled' : 'disabled'}**`,
    '',
    '## Summary',
    '',
    '| | |',
    '|---|---:|',
    `| Service instances | ${s.instances} (${s.managed_instances} managed) |`,
    `| Shared instances | ${s.shared_instances} |`,
    `| Shares (instance → target space) | ${s.shares} |`,
    `| Apps bound in target spaces | ${s.bound_apps_in_target_spaces} |`,
    `| Service keys on shared instances | ${s.keys_on_shared_instances} |`,
    `| Shares whose service address was known | ${knownEndpoints(s)} |`,
    ...(credentialComparisonLine(s) ? [`| Credentials of bindings and keys | ${credentialComparisonLine(s)} |`] : []),
    `| API requests made | ${s.requests} |`,
    '',
    `Since the previous report: ${diff.previous_generated_at ? `${diff.added.length} share(s) added, ${diff.removed.length} removed${diff.broker_added ? `; ${diff.broker_added.length} broker-level share proxy(ies) added, ${diff.broker_removed?.length ?? 0} removed` : ''}` : 'no previous report of this foundation'}.`,
    '',
    '## Findings',
    '',
  ];
  if (report.findings.length === 0) lines.push('None.');
  else {
    lines.push('| severity | kind | count |', '|---|---|---:|');
    for (const severity of SEVERITY_ORDER) {
      const counts = new Map<string, number>();
      for (const f of report.findings) if (f.severity === severity) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
      for (const [kind, count] of [...counts].sort()) lines.push(`| ${severity} | ${kind} | ${count} |`);
    }
    const inferred = report.findings.filter((f) => f.kind === 'asg_gap' && f.confidence === 'inferred').length;
    if (inferred > 0) {
      lines.push(
        '',
        `${inferred} asg_gap finding(s) are inferred (severity info): where the service listens was not known, so the target space's ASGs were only compared with what the spaces owning such instances reach. Run with \`--endpoints FILE\` or \`--inspect-credentials\` to check them.`,
      );
    }
    const named = namedFindings(report);
    lines.push(
      ...findingsSection(
        'High',
        named.filter((n) => n.finding.severity === 'high'),
      ),
    );
    lines.push(
      ...findingsSection(
        'Medium',
        named.filter((n) => n.finding.severity === 'medium'),
        MARKDOWN_MEDIUM_LIMIT,
      ),
    );
    lines.push('', 'The full list is in findings.csv and report.json.');
  }
  lines.push('', '## Shares', '');
  if (report.shares.length === 0) lines.push('None.');
  else {
    lines.push('| instance | offering / plan | from | into | bound apps | keys |', '|---|---|---|---|---:|---:|');
    for (const share of report.shares) {
      lines.push(
        `| ${md(share.instance.name)} | ${md(share.instance.offering)} / ${md(share.instance.plan)} | ${md(share.source.org)}/${md(share.source.space)} | ${md(share.target.org)}/${md(share.target.space)} | ${share.bound_apps.length} | ${share.key_count} |`,
      );
    }
  }
  lines.push(...brokerSharesMarkdown(report));
  return `${lines.join('\n')}\n`;
}
