import { createHash } from 'node:crypto';
import type { Report } from '../report-model.js';
import type { ShareDiff } from '../snapshot-diff.js';
import { embedJson } from './embed-json.js';
import { pageAssets } from './page-assets.js';
import { pageData } from './page-data.js';
import { brokerSharesHtml } from './broker-shares-html.js';

/**
 * Cytoscape adds this stylesheet to the page when no element of its id exists; the CSP would block that (and say
 * so in the console), so the page carries it, hashed like the rest.
 */
const CYTOSCAPE_STYLE_ID = '__________cytoscape_stylesheet';
const CYTOSCAPE_STYLE = '.__________cytoscape_container { position: relative; }';

/** Options of renderReportHtml. */
export interface RenderHtmlOptions {
  /** Map elements drawn at once before the map opens on orgs. @defaultValue MAP_ELEMENT_LIMIT (3000) */
  readonly mapElementLimit?: number;
}

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * report.html: one self-contained page (summary cards, share map, findings table, diff) that opens from disk with
 * no network. The data is a JSON block (see embedJson) the page's script reads and renders with textContent; the
 * Content-Security-Policy allows nothing to load (`default-src 'none'`) and runs only the two inline scripts and the
 * stylesheet whose sha256 it names, not 'unsafe-inline': markup that slipped into the page could not run.
 */
export function renderReportHtml(report: Report, diff: ShareDiff, options: RenderHtmlOptions = {}): string {
  const { cytoscape, script, style } = pageAssets();
  const csp = [
    "default-src 'none'",
    `script-src ${hash(cytoscape)} ${hash(script)}`,
    `style-src ${hash(style)} ${hash(CYTOSCAPE_STYLE)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cf-shares">
<title>cf-shares report</title>
<style id="${CYTOSCAPE_STYLE_ID}">${CYTOSCAPE_STYLE}</style>
<style>${style}</style>
</head>
<body>
<header>
<h1>Service instance sharing: <span id="api"></span></h1>
<div class="meta" id="generated"></div>
</header>
<section aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2><div class="cards" id="cards"></div></section>
<section aria-labelledby="h-map">
<h2 id="h-map">Share map</h2>
<div class="controls"><label>Space <select id="space-select"><option value="">choose a space…</option></select></label></div>
<div class="legend"><span id="map-legend-counts"></span>. Orgs are boxes, spaces are dots, an edge goes from the space owning instances to the space they are shared into and is thicker the more instances it carries; <span class="cross">red edges cross orgs</span>. Select a space to list its instances.</div>
<div class="map-wrap"><div id="map" role="img" aria-label="share map"></div><aside id="panel" aria-live="polite"><p class="meta">Select a space on the map or in the list above.</p></aside></div>
</section>
<section aria-labelledby="h-findings">
<h2 id="h-findings">Findings</h2>
<div class="controls">
<label>Kind <select id="filter-kind"><option value="">all</option></select></label>
<label>Severity <select id="filter-severity"><option value="">all</option></select></label>
<label>Org <select id="filter-org"><option value="">all</option></select></label>
<span class="count" id="findings-count"></span>
</div>
<table><thead><tr id="findings-head"></tr></thead><tbody id="findings-body"></tbody></table>
<button type="button" class="more" id="findings-more" hidden></button>
</section>
${brokerSharesHtml(report)}<section aria-labelledby="h-diff">
<h2 id="h-diff">Changes since the previous report</h2>
<p id="diff-summary"></p>
<h3>Added (<span id="diff-added-count"></span>)</h3>
<table><thead><tr><th>instance</th><th>offering</th><th>source</th><th>target</th></tr></thead><tbody id="diff-added-body"></tbody></table>
<button type="button" class="more" id="diff-added-more" hidden></button>
<h3>Removed (<span id="diff-removed-count"></span>)</h3>
<table><thead><tr><th>instance</th><th>offering</th><th>source</th><th>target</th></tr></thead><tbody id="diff-removed-body"></tbody></table>
<button type="button" class="more" id="diff-removed-more" hidden></button>
</section>
<script type="application/json" id="report-data">${embedJson(pageData(report, diff, options.mapElementLimit))}</script>
<script>${cytoscape}</script>
<script>${script}</script>
</body>
</html>
`;
}

/**
 * The files to write for a stored report: as stored, plus report.html rendered from its report.json and diff.json
 * when it has none. Reports are stored without their HTML (it is ~450 KB of cytoscape per report, times --keep, in
 * Redis) and rendered whenever files are written: `report`, `reports get`, a worker's --reports-dir. An export
 * stores its report.html, so its manifest can hash it.
 */
export function withReportHtml(files: Readonly<Record<string, string>>): Record<string, string> {
  const json = files['report.json'];
  const diff = files['diff.json'];
  if (json === undefined || diff === undefined || files['report.html'] !== undefined) return { ...files };
  try {
    return { ...files, 'report.html': renderReportHtml(JSON.parse(json) as Report, JSON.parse(diff) as ShareDiff) };
  } catch {
    // A report stored by an older version may lack what the page needs: its stored files are still written.
    return { ...files };
  }
}
