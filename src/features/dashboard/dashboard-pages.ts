import type { StoredReportMeta } from '../report/report-store.js';
import { itemTargetText, type CampaignItem, type CampaignMeta, type ItemOutcome } from '../campaign/campaign-model.js';
import type { CampaignProgress } from '../campaign/campaign-summary.js';
import { html, page, type SafeHtml } from './html.js';

const seconds = (s: number | null): string => (s === null ? '—' : s === 0 ? 'done' : `${s} s`);

/** The landing page: what the dashboard has. */
export function indexPage(options: { readOnly: boolean; queues: number }): string {
  return page(
    'dashboard',
    html`<ul>
      <li>
        <a href="/queues">queues</a> (${options.queues} queue(s), bull-board${options.readOnly ? ', read-only' : ''})
      </li>
      <li><a href="/reports">reports</a> stored in Redis</li>
      <li><a href="/campaigns">campaigns</a>: live counts by outcome, rate, ETA, blocked items</li>
      <li><a href="/metrics">metrics</a> (Prometheus)</li>
    </ul>`,
  );
}

/** Stored reports, newest first, each linking to its files. */
export function reportsPage(reports: readonly StoredReportMeta[]): string {
  const rows = reports.map(
    (r) =>
      html`<tr>
        <td><a href="/reports/${encodeURIComponent(r.id)}">${r.id}</a></td>
        <td>${r.api}</td>
        <td>${r.generatedAt}</td>
        <td class="num">${r.shares}</td>
        <td class="num">${r.findings}</td>
      </tr>`,
  );
  return page(
    'reports',
    reports.length === 0
      ? html`<p class="muted">No report stored under this prefix yet.</p>`
      : html`<table>
          <thead>
            <tr>
              <th>report</th>
              <th>API</th>
              <th>generated</th>
              <th>shares</th>
              <th>findings</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>`,
  );
}

/** The content type a stored report file is served with: never HTML unless it is the report's own report.html. */
export function reportFileType(name: string): string {
  if (name === 'report.html') return 'text/html; charset=utf-8';
  if (name.endsWith('.json')) return 'application/json; charset=utf-8';
  return 'text/plain; charset=utf-8';
}

/** One report: its HTML view when it has one, and every file. */
export function reportPage(meta: StoredReportMeta, files: readonly string[]): string {
  const link = (name: string): SafeHtml =>
    html`<a href="/reports/${encodeURIComponent(meta.id)}/files/${encodeURIComponent(name)}">${name}</a>`;
  const main = files.includes('report.html')
    ? html`<p>Open ${link('report.html')}.</p>`
    : html`<p>No report.html in this report: read ${link('report.md')} or ${link('report.json')}.</p>`;
  return page(
    `report ${meta.id}`,
    html`<p>${meta.api}, ${meta.generatedAt}: ${meta.shares} share(s), ${meta.findings} finding(s).</p>
      ${main}
      <ul>
        ${[...files].sort().map((name) => html`<li>${link(name)}</li>`)}
      </ul>`,
  );
}

/** Every campaign with its counts by outcome, achieved rate and ETA. */
export function campaignsPage(rows: ReadonlyArray<{ meta: CampaignMeta; progress: CampaignProgress }>): string {
  const body = rows.map(
    ({ meta, progress }) =>
      html`<tr>
        <td><a href="/campaigns/${encodeURIComponent(meta.id)}">${meta.id}</a></td>
        <td>${meta.api}</td>
        <td>${progress.pausedAt === null ? progress.status : `paused since ${progress.pausedAt}`}</td>
        <td class="num">${progress.finished}/${progress.total}</td>
        <td>${outcomeCounts(progress)}</td>
        <td class="num">${progress.ratePerSecond.toFixed(2)}/s</td>
        <td>${seconds(progress.etaSeconds)}</td>
      </tr>`,
  );
  return page(
    'campaigns',
    rows.length === 0
      ? html`<p class="muted">No campaign stored under this prefix.</p>`
      : html`<table>
          <thead>
            <tr>
              <th>campaign</th>
              <th>API</th>
              <th>status</th>
              <th>final</th>
              <th>outcomes</th>
              <th>achieved rate</th>
              <th>ETA</th>
            </tr>
          </thead>
          <tbody>
            ${body}
          </tbody>
        </table>`,
  );
}

function outcomeCounts(progress: CampaignProgress): string {
  return (
    Object.entries(progress.counts)
      .map(([outcome, n]) => `${outcome} ${n}`)
      .join(', ') || '—'
  );
}

/** One campaign: the status lines `campaign status` prints, counts by outcome, and its blocked items with CC's reasons. */
export function campaignPage(view: {
  meta: CampaignMeta;
  progress: CampaignProgress;
  lines: readonly string[];
  blocked: ReadonlyArray<{ item: CampaignItem | undefined; id: string; outcome: ItemOutcome }>;
  allowActions: boolean;
}): string {
  const { meta, progress } = view;
  const counts = Object.entries(progress.counts).map(
    ([outcome, n]) =>
      html`<tr>
        <td>${outcome}</td>
        <td class="num">${n}</td>
      </tr>`,
  );
  const blocked = view.blocked.map(
    ({ item, id, outcome }) =>
      html`<tr>
        <td>${item?.instance.name ?? id}</td>
        <td>${item ? itemTargetText(item) : ''}</td>
        <td class="num">${outcome.attempts}</td>
        <td>
          <ul>
            ${(outcome.blockers ?? []).map((b) => html`<li>${b}</li>`)}
          </ul>
          ${outcome.decidedBy === undefined ? '' : html`<span class="muted">${JSON.stringify(outcome.decidedBy)}</span>`}
        </td>
      </tr>`,
  );
  const cancel =
    view.allowActions && (meta.status === 'running' || meta.status === 'verifying')
      ? html`<form method="post" action="/campaigns/${encodeURIComponent(meta.id)}/cancel">
          <button type="submit">cancel campaign</button>
        </form>`
      : html``;
  return page(
    `campaign ${meta.id}`,
    html`<p>
        ${meta.api}, created ${meta.createdAt} by ${meta.createdBy}${meta.planHash ? `, plan ${meta.planHash}` : ''}.
      </p>
      <pre>${view.lines.join('\n')}</pre>
      <p>Achieved rate ${progress.ratePerSecond.toFixed(2)} items/s; ETA ${seconds(progress.etaSeconds)}.</p>
      <table>
        <thead>
          <tr>
            <th>outcome</th>
            <th>items</th>
          </tr>
        </thead>
        <tbody>
          ${counts}
        </tbody>
      </table>
      <h2>blocked items</h2>
      ${
        view.blocked.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>instance</th>
                  <th>target</th>
                  <th>attempts</th>
                  <th>CC's reasons</th>
                </tr>
              </thead>
              <tbody>
                ${blocked}
              </tbody>
            </table>`
      }
      ${cancel}`,
  );
}
