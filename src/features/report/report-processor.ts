import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CfClient } from '../../client/index.js';
import { crawlFoundation } from '../../crawl/crawl-foundation.js';
import { computeFindings, SEVERITY_ORDER, type Severity } from '../../audit/findings.js';
import { parseEndpointsFile } from '../../audit/endpoints-file.js';
import { buildReport } from './build-report.js';
import { diffShares } from './snapshot-diff.js';
import { renderReportFiles } from './render-files.js';
import type { Report } from './report-model.js';
import type { Logger } from '../../log.js';
import { ReportStore } from './report-store.js';
import { CampaignStore } from '../campaign/campaign-store.js';
import { EXPORT_EVENT_TYPES, auditEventsNdjson, bindingsCsv, buildManifest } from '../export/export-files.js';
import { VERSION } from '../../version.js';
import { writeReportFiles } from './write-files.js';
import { join } from 'node:path';

/** Data of a report job: options only. The endpoints file is operator configuration (addresses), not a secret. */
export interface ReportJobData {
  readonly requestedAt: string;
  /** The foundation the requester meant; a worker logged in to another one refuses the job. */
  readonly api?: string;
  readonly inspectCredentials: boolean;
  readonly endpoints?: string;
  /** Reports to keep in Redis. */
  readonly keep: number;
  /** Set for a compliance export: also bindings.csv, the audit events since then, and manifest.json. */
  readonly export?: { readonly since: string };
  /** A scheduled export: the window ends when the job runs and reaches back this far. */
  readonly exportWindowMs?: number;
  /** The schedule that queued this job; its reports also go to the worker's --reports-dir. */
  readonly schedule?: string;
}

export interface ReportJobResult {
  readonly reportId: string;
  readonly api: string;
  readonly generatedAt: string;
  readonly summary: Report['summary'];
  readonly severities: Record<Severity, number>;
  readonly added: number;
  readonly removed: number;
}

/** `2026-11-23T02:00:00Z`: CC's timestamp filters take whole seconds only. */
export function ccTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Sortable, readable report ids: the time, then the job id so two reports in one second differ. */
export function reportId(generatedAt: string, jobId: string): string {
  return `${generatedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${jobId}`;
}

/** The report processor: crawl, findings, report files, diff with the previous report, all stored in Redis. */
export function reportProcessor(
  client: CfClient,
  api: string,
  redis: Redis,
  prefix: string,
  log: Logger,
  reportsDir?: string,
) {
  return async (job: Job<ReportJobData, ReportJobResult>): Promise<ReportJobResult> => {
    const jobLog = log.child({ queue: job.queueName, jobId: job.id });
    if (job.data.api !== undefined && job.data.api !== api) {
      throw new UnrecoverableError(
        `this report is for ${job.data.api} but this worker is logged in to ${api}: run a worker for that foundation, or use another --prefix`,
      );
    }
    const endpointsFile = job.data.endpoints === undefined ? undefined : parseEndpointsFile(job.data.endpoints);
    jobLog.info(
      { requestedAt: job.data.requestedAt, inspectCredentials: job.data.inspectCredentials },
      'report started',
    );
    const { snapshot, endpoints, requests } = await crawlFoundation(client, api, {
      ...(endpointsFile && { endpointsFile }),
      inspectCredentials: job.data.inspectCredentials,
      log: jobLog,
      onProgress: (step, done, total) => void job.updateProgress({ step, done, total }).catch(() => undefined),
    });
    const findings = computeFindings(snapshot, endpoints);
    const report = buildReport(snapshot, findings, requests, endpoints);
    const store = new ReportStore(redis, prefix, job.data.keep);
    const previousText = await store.latestFile(api, 'report.json');
    const diff = diffShares(previousText ? (JSON.parse(previousText) as Report) : null, report);
    const id = reportId(report.generated_at, job.id ?? 'x');
    let files = renderReportFiles(report, snapshot, diff);
    // A scheduled export's window ends at its tick, not when its crawl ended, so consecutive windows abut however
    // long each crawl takes. CC rejects fractional seconds in timestamp filters: whole seconds throughout.
    const tick = job.timestamp;
    const since =
      job.data.export?.since ??
      (job.data.exportWindowMs === undefined ? undefined : ccTimestamp(tick - job.data.exportWindowMs));
    if (since !== undefined) {
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
      files = {
        ...files,
        'bindings.csv': bindingsCsv(snapshot),
        'audit-events.ndjson': auditEventsNdjson(events),
        'campaign-audit.ndjson': auditEventsNdjson(ours),
      };
      files['manifest.json'] = buildManifest({
        toolVersion: VERSION,
        api,
        generatedAt: report.generated_at,
        window,
        files,
      });
    }
    await store.save(
      { id, api, generatedAt: report.generated_at, shares: report.summary.shares, findings: findings.length, requests },
      files,
    );
    if (job.data.schedule !== undefined && reportsDir !== undefined) {
      // Redis holds every report; a worker with --reports-dir also drops scheduled ones where its operators look.
      const out = join(reportsDir, job.data.schedule, id);
      await writeReportFiles(out, files);
      jobLog.info({ out }, 'scheduled report written');
    }
    const severities = Object.fromEntries(
      SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length]),
    ) as Record<Severity, number>;
    jobLog.info(
      { reportId: id, shares: report.summary.shares, findings: findings.length, requests },
      'report finished',
    );
    return {
      reportId: id,
      api,
      generatedAt: report.generated_at,
      summary: report.summary,
      severities,
      added: diff.added.length,
      removed: diff.removed.length,
    };
  };
}
