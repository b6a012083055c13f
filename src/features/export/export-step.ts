import type { ReportStep } from '../report/report-processor.js';
import { CampaignStore } from '../campaign/campaign-store.js';
import { EXPORT_EVENT_TYPES, auditEventsNdjson, bindingsCsv, buildManifest } from './export-files.js';
import { VERSION } from '../../version.js';
import { renderReportHtml } from '../report/html/render-html.js';
import type { ShareDiff } from '../report/snapshot-diff.js';

/** `2026-11-23T02:00:00Z`: CC's timestamp filters take whole seconds only. */
export function ccTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The export part of a report job: for a job with `export` (or a scheduled export's window), adds bindings.csv, the
 * CC audit events of the window, our own campaigns' audit entries of the window, and manifest.json. Other jobs pass.
 */
export const exportStep: ReportStep = async ({ job, client, api, redis, prefix, snapshot, report, files }) => {
  // A scheduled export's window ends at its tick, not when its crawl ended, so consecutive windows abut however
  // long each crawl takes. CC rejects fractional seconds in timestamp filters: whole seconds throughout.
  const tick = job.timestamp;
  const since =
    job.data.export?.since ??
    (job.data.exportWindowMs === undefined ? undefined : ccTimestamp(tick - job.data.exportWindowMs));
  if (since === undefined) return { ...files };
  const window = {
    since: ccTimestamp(Date.parse(since)),
    until: ccTimestamp(job.data.exportWindowMs === undefined ? Date.parse(report.generated_at) : tick),
  };
  // CC keeps audit events 31 days: nightly exports are the only long history (issue: compliance export).
  const events = await client.auditEvents.listAll({
    types: EXPORT_EVENT_TYPES,
    created_ats: { gt: window.since, lte: window.until },
  });
  // Our own writes too: every campaign's audit trail entries in the window (flag changes, binding deletes, unshares).
  const campaigns = new CampaignStore(redis, prefix);
  const ours: unknown[] = [];
  for (const campaign of await campaigns.list(api)) {
    for (const entry of await campaigns.auditEntries(campaign.id)) {
      const at = Date.parse(entry.at);
      if (at > Date.parse(window.since) && at <= Date.parse(window.until) + 999)
        ours.push({ campaign: campaign.id, ...entry });
    }
  }
  const withExport: Record<string, string> = {
    ...files,
    // Stored with the bundle, unlike a plain report's (rendered when written): the manifest hashes every file.
    'report.html': renderReportHtml(report, JSON.parse(files['diff.json']!) as ShareDiff),
    'bindings.csv': bindingsCsv(snapshot),
    'audit-events.ndjson': auditEventsNdjson(events),
    'campaign-audit.ndjson': auditEventsNdjson(ours),
  };
  withExport['manifest.json'] = buildManifest({
    toolVersion: VERSION,
    api,
    generatedAt: report.generated_at,
    window,
    files: withExport,
  });
  return withExport;
};
