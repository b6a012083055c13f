import { UnrecoverableError, type Job } from 'bullmq';
import type { RedisClient } from '../../core/redis-connection.js';
import type { CfClient } from '../../client/index.js';
import { crawlFoundation } from '../../crawl/crawl-foundation.js';
import { computeFindings, SEVERITY_ORDER, type Severity } from '../../audit/findings.js';
import { parseEndpointsFile } from '../../audit/endpoints-file.js';
import { buildReport } from './build-report.js';
import { diffShares, type ShareDiff } from './snapshot-diff.js';
import { renderReportFiles } from './render-files.js';
import type { Report } from './report-model.js';
import type { Logger } from '../../log.js';
import type { FoundationSnapshot } from '../../audit/snapshot.js';
import { timeId } from '../../core/time-id.js';
import { foundationKey } from '../../core/queue-names.js';
import { ReportStore } from './report-store.js';
import { proxyPlansOf } from '../../audit/broker-shares.js';
import { writeReportFiles } from './write-files.js';
import { withReportHtml } from './html/render-html.js';
import { join } from 'node:path';

/** Data of a report job: options only. The endpoints file is operator configuration (addresses), not a secret. */
export interface ReportJobData {
  readonly requestedAt: string;
  /** The foundation the requester meant; a worker logged in to another one refuses the job. */
  readonly api?: string;
  readonly inspectCredentials: boolean;
  /** Broker-level share proxy plans (`OFFERING:PLAN`); absent means the default, credstore:proxy. */
  readonly proxyPlans?: readonly string[];
  /** This foundation's region, for broker-level shares (`--landscape`). */
  readonly landscape?: string;
  readonly endpoints?: string;
  /** Reports to keep in Redis. */
  readonly keep: number;
  /** Set for a compliance export: also bindings.csv, the audit events since then, and manifest.json. */
  readonly export?: { readonly since: string };
  /** A scheduled export: the window ends when the job runs and reaches back this far. */
  readonly exportWindowMs?: number;
  /** The schedule that queued this job; its reports also go to the worker's --reports-dir. */
  readonly schedule?: string;
  /** A schedule's words after `--` (`export --since 2d`), as typed, for `schedule list`; workers ignore them. */
  readonly args?: readonly string[];
  /**
   * Webhooks to tell about new shares and findings (`--notify`), and the least severity that counts. The URLs may
   * hold tokens: the post-report hook that uses them (features/notify) removes them from this data once its jobs
   * are queued.
   */
  readonly notify?: {
    readonly urls: readonly string[];
    readonly on: Severity;
    readonly notifications?: readonly string[];
  };
}

export interface ReportJobResult {
  readonly reportId: string;
  readonly api: string;
  readonly generatedAt: string;
  readonly summary: Report['summary'];
  readonly severities: Record<Severity, number>;
  readonly added: number;
  readonly removed: number;
  /** Ids of the notify jobs the report's hooks queued (`--notify`), so a foreground run can wait for them. */
  readonly notifications?: readonly string[];
}

/**
 * Sortable, readable report ids: the time, the foundation's hash (job ids count per queue, so the first report of
 * two foundations in one second were both `<time>-1` and one overwrote the other in the store; a schedule added for
 * every foundation repeats one job id too), then the job id. Only `[A-Za-z0-9._-]`: ids are folder names, and
 * scheduled job ids carry colons (`repeat:nightly:<ms>`).
 */
export function reportId(generatedAt: string, jobId: string, api: string): string {
  return timeId(generatedAt, `${foundationKey(api).slice(-8)}-${jobId}`);
}

/**
 * The crawl, or an UnrecoverableError as soon as the worker cancels the job (the command that runs it in-process was
 * interrupted): the job fails with that reason at once instead of finishing a crawl nobody waits for, and is not
 * retried. Nothing is stored: cancellation is only honoured during the crawl, before anything is written.
 */
function untilCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new UnrecoverableError(`cancelled during the crawl: ${String(signal.reason ?? 'stopped')}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** What a report step sees: the job, the crawl and the files rendered so far. */
export interface ReportStepInput {
  readonly job: Job<ReportJobData, ReportJobResult>;
  readonly client: CfClient;
  readonly api: string;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly snapshot: FoundationSnapshot;
  readonly report: Report;
  readonly files: Readonly<Record<string, string>>;
}

/** A step after the report files are rendered that returns them with its own added (the export's bundle). */
export type ReportStep = (input: ReportStepInput) => Promise<Record<string, string>>;

/** What a hook sees once the report is complete, just before it is stored. */
export interface ReportHookInput {
  readonly job: Job<ReportJobData, ReportJobResult>;
  readonly api: string;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly log: Logger;
  readonly reportId: string;
  readonly report: Report;
  /** The foundation's previous report; null for its first. */
  readonly previous: Report | null;
  readonly diff: ShareDiff;
}

/**
 * Work of another feature for a finished report (the notify feature queues its alerts), run right before the
 * report is stored. It must be idempotent per report job: a job retried after a crash runs it again.
 */
export type ReportHook = (input: ReportHookInput) => Promise<void>;

export interface ReportProcessorOptions {
  readonly client: CfClient;
  readonly api: string;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly log: Logger;
  /** Also write the reports of schedules here. */
  readonly reportsDir?: string;
  /** Run in order after the report files are rendered, before they are stored. @defaultValue [] */
  readonly steps?: readonly ReportStep[];
  /** Run in order right before the report is stored. @defaultValue [] */
  readonly hooks?: readonly ReportHook[];
}

/** The report processor: crawl, findings, report files, diff with the previous report, all stored in Redis. */
export function reportProcessor(options: ReportProcessorOptions) {
  const { client, api, redis, prefix, log, reportsDir, steps = [], hooks = [] } = options;
  return async (
    job: Job<ReportJobData, ReportJobResult>,
    _token?: string,
    signal?: AbortSignal,
  ): Promise<ReportJobResult> => {
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
    const { snapshot, endpoints, requests } = await untilCancelled(
      crawlFoundation(client, api, {
        ...(endpointsFile && { endpointsFile }),
        inspectCredentials: job.data.inspectCredentials,
        ...(job.data.proxyPlans && { proxyPlans: proxyPlansOf(job.data.proxyPlans) }),
        ...(job.data.landscape !== undefined && { landscape: job.data.landscape }),
        log: jobLog,
        onProgress: (step, done, total) => void job.updateProgress({ step, done, total }).catch(() => undefined),
        ...(signal && { signal }),
      }),
      signal,
    );
    const findings = computeFindings(snapshot, endpoints);
    const report = buildReport(snapshot, findings, requests, endpoints);
    const store = new ReportStore(redis, prefix, job.data.keep);
    const previousText = await store.latestFile(api, 'report.json');
    const previous = previousText ? (JSON.parse(previousText) as Report) : null;
    const diff = diffShares(previous, report);
    const id = reportId(report.generated_at, job.id ?? 'x', api);
    let files = renderReportFiles(report, snapshot, diff);
    // Steps of other features (the compliance export) add their files to the same report.
    for (const step of steps) files = await step({ job, client, api, redis, prefix, snapshot, report, files });
    // Before the store: a crash in between leaves a retry that runs the hooks again (idempotent), rather than a stored
    // report whose retry sees nothing new and whose alert is lost.
    for (const hook of hooks)
      await hook({ job, api, redis, prefix, log: jobLog, reportId: id, report, previous, diff });
    await store.save(
      { id, api, generatedAt: report.generated_at, shares: report.summary.shares, findings: findings.length, requests },
      files,
    );
    if (job.data.schedule !== undefined && reportsDir !== undefined) {
      // Redis holds every report; a worker with --reports-dir also drops scheduled ones where its operators look.
      const out = join(reportsDir, job.data.schedule, id);
      await writeReportFiles(out, withReportHtml(files));
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
      // The notify hook records its job ids in the job's data (job.updateData keeps job.data current).
      ...(job.data.notify?.notifications?.length && { notifications: job.data.notify.notifications }),
    };
  };
}
