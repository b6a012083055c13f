import type { Report } from '../report-model.js';
import { originalText, placeText } from '../render-broker-shares.js';
import { escapeHtml } from '../../../terminal/safe-text.js';

/** Rows the section shows; the rest are in broker-shares.csv (a page stays small whatever the foundation). */
export const BROKER_SHARE_ROWS = 500;

/**
 * report.html's broker-level shares section, rendered here as static, escaped markup (the page's CSP runs no inline
 * markup, and this table needs no script); empty when the report has none.
 */
export function brokerSharesHtml(report: Report): string {
  const shares = report.broker_shares;
  if (!shares) return '';
  const shown = shares.proxies.slice(0, BROKER_SHARE_ROWS);
  const rows = shown
    .map(
      (share) =>
        `<tr data-where="${share.original_where}"><td>${escapeHtml(share.proxy.name)}</td><td>${escapeHtml(placeText(share.place))}</td><td>${escapeHtml(originalText(share))}</td><td>${share.bound_apps.length}</td><td>${share.key_count}</td></tr>`,
    )
    .join('\n');
  const more =
    shown.length < shares.proxies.length
      ? `<p class="meta">First ${shown.length} of ${shares.proxies.length} proxies; broker-shares.csv has them all.</p>\n`
      : '';
  return `<section aria-labelledby="h-broker" id="broker-shares">
<h2 id="h-broker">Broker-level shares (${shares.proxies.length})</h2>
<p class="meta">Proxy instances of ${escapeHtml(shares.proxy_plans.join(', '))}: their broker shares the original outside Cloud Controller's sharing. CC shows which original a proxy names, not whether the broker still grants it access.</p>
<table><thead><tr><th>proxy</th><th>in</th><th>original</th><th>bound apps</th><th>keys</th></tr></thead><tbody>
${rows}
</tbody></table>
${more}</section>
`;
}
