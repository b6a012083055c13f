import { toCsv } from './csv.js';
import { markdownCell as md } from '../../terminal/safe-text.js';
import type { Report, ReportBrokerShare, ReportPlace } from './report-model.js';

/** What a reader is told about where a proxy's original is. */
export function originalText(share: ReportBrokerShare): string {
  switch (share.original_where) {
    case 'local': {
      const original = share.original!;
      const quota = original.quota === null ? '' : ` of ${original.quota} allowed`;
      return `${original.name} in ${placeText(original.place)} (plan ${original.plan ?? 'unknown'}; ${original.proxies} proxy(ies)${quota})`;
    }
    case 'remote_region':
      return `${share.original_guid} in region ${share.origin_landscape}`;
    case 'missing':
      return `${share.original_guid}: not found (deleted; the proxy is stale)`;
    default:
      return share.parameters_error
        ? `unknown: parameters unreadable (${share.parameters_error.status}${share.parameters_error.title ? ` ${share.parameters_error.title}` : ''})`
        : 'unknown: the parameters name no original';
  }
}

export function placeText(place: ReportPlace): string {
  return `${place.org ?? place.org_guid}/${place.space ?? place.space_guid}`;
}

/** broker-shares.csv: one row per proxy; empty (header only) when the report has no broker-level shares. */
export function brokerSharesCsv(report: Report): string {
  return toCsv(
    [
      'proxy_guid',
      'proxy',
      'offering',
      'plan',
      'org',
      'space',
      'org_guid',
      'space_guid',
      'original_guid',
      'origin_landscape',
      'original_where',
      'original',
      'original_org',
      'original_space',
      'original_plan',
      'original_proxies',
      'original_quota',
      'parameters_status',
      'parameters_error',
      'bound_app_count',
      'binding_count',
      'key_count',
    ],
    (report.broker_shares?.proxies ?? []).map((share) => [
      share.proxy.guid,
      share.proxy.name,
      share.proxy.offering,
      share.proxy.plan,
      share.place.org,
      share.place.space,
      share.place.org_guid,
      share.place.space_guid,
      share.original_guid,
      share.origin_landscape,
      share.original_where,
      share.original?.name,
      share.original?.place.org,
      share.original?.place.space,
      share.original?.plan,
      share.original?.proxies,
      share.original?.quota,
      share.parameters_error?.status,
      share.parameters_error?.title,
      share.bound_apps.length,
      share.binding_count,
      share.key_count,
    ]),
  );
}

/** report.md's section on broker-level shares; empty when the crawl found none. */
export function brokerSharesMarkdown(report: Report): string[] {
  const shares = report.broker_shares;
  if (!shares) return [];
  const lines = [
    '',
    '## Broker-level shares',
    '',
    `Proxy instances of ${shares.proxy_plans.join(', ')}: their broker shares the original outside Cloud Controller's sharing. CC shows which original a proxy names, not whether the broker still grants it access; unsharing leaves the proxy in place.`,
    '',
  ];
  if (shares.proxies.length === 0) return [...lines, 'None.'];
  lines.push('| proxy | in | original | bound apps | keys |', '|---|---|---|---:|---:|');
  for (const share of shares.proxies)
    lines.push(
      `| ${md(share.proxy.name)} | ${md(placeText(share.place))} | ${md(originalText(share))} | ${share.bound_apps.length} | ${share.key_count} |`,
    );
  return lines;
}
