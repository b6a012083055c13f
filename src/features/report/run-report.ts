import type { ConnectionOptions } from '../../config/connection-options.js';
import type { Logger } from '../../log.js';
import { loadEndpointsFile } from '../../config/load-endpoints-file.js';
import { assertRedisReachable } from '../../core/redis-connection.js';
import { withRedis } from '../../core/with-redis.js';
import { enqueueJob } from '../../core/enqueue-job.js';
import type { StartWorkers } from '../../core/worker-host.js';
import { QueueName, queueNameFor } from '../../core/queue-names.js';
import { registerFoundation } from '../../core/foundation-registry.js';
import { ReportStore } from './report-store.js';
import { writeReportFiles } from './write-files.js';
import { withReportHtml } from './html/render-html.js';
import type { ReportJobData, ReportJobResult } from './report-processor.js';
import { connectClient } from '../../core/connect-client.js';
import { checkOutputDir } from '../../core/output-dir.js';
import { waitUnlessInterrupted } from './report-interruption.js';
import { join } from 'node:path';
import { waitForJobs, type JobsEnd } from '../../core/wait-for-jobs.js';
import { DEFAULTS } from '../../core/defaults.js';

/** Where `report` writes without --out: one folder per report, named by its time. */
export const DEFAULT_REPORTS_DIR = 'cf-shares-reports';

/**
 * The report is safe in Redis but its files did not reach the folder (disk full mid-write, the folder removed):
 * the line says how to fetch it again instead of suggesting the crawl be run again.
 */
export class ReportNotWrittenError extends Error {
  override readonly name = 'ReportNotWrittenError';
  constructor(
    readonly reportId: string,
    readonly out: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? (cause.message.split('\n')[0] ?? cause.name) : String(cause);
    super(
      `report ${reportId} is stored in Redis, but writing it to ${out} failed (${reason}): cf-shares reports get ${reportId} --out DIR fetches it`,
      { cause },
    );
  }
}

export interface RunReportOptions {
  /** Path of the operator's endpoints file. */
  endpointsPath?: string;
  inspectCredentials: boolean;
  /** `--proxy-plan` values (`OFFERING:PLAN`), already checked; undefined means the default. */
  proxyPlans?: readonly string[];
  /** `--landscape` (or the fleet file's), already checked. */
  landscape?: string;
  keep: number;
  /** Folder for the files; undefined means cf-shares-reports/<report time>[/<subfolder>]. */
  out?: string;
  /** A foundation's folder under the default one, so reports of a fleet finished in one second never collide. */
  subfolder?: string;
  /** Only enqueue: a `cf-shares worker` runs the job. */
  detach: boolean;
  /** Called once the job is on the queue. */
  onEnqueued?: (jobId: string) => void;
  onProgress?: (progress: unknown) => void;
  /**
   * Ends the wait (SIGINT/SIGTERM) with an InterruptedError: a job this process runs is cancelled, one queued or
   * running elsewhere is left to its worker, and the error says which.
   */
  stop?: AbortSignal;
  /** Webhooks to alert about new shares and findings (see features/notify), and the least severity that counts. */
  notify?: ReportJobData['notify'];
  /** A compliance export from this time on (ISO-8601). */
  exportSince?: string;
  log: Logger;
  /** Starts the in-process worker (the entrypoint's `CliContext.startWorkers`). */
  startWorkers: StartWorkers;
}

/** What a finished report run produced; undefined result when detached. */
export interface RunReportOutcome {
  jobId: string;
  result?: ReportJobResult;
  out?: string;
  /** How the report's notifications ended while this process waited for them. */
  notifications?: JobsEnd;
}

/**
 * Runs one report the way `report` and `demo` do: checks the input, logs in (so bad credentials leave no job
 * behind), enqueues, runs an in-process worker and waits unless detached, then writes the stored files to a folder.
 */
export async function runReport(connection: ConnectionOptions, options: RunReportOptions): Promise<RunReportOutcome> {
  // Before Redis, the login and the crawl: a folder that cannot take the files must not cost a whole crawl (issue 12).
  if (!options.detach) await checkOutputDir(options.out ?? DEFAULT_REPORTS_DIR);
  const endpoints = options.endpointsPath === undefined ? undefined : await loadEndpointsFile(options.endpointsPath);
  await assertRedisReachable(connection.redisUrl);
  if (options.detach) {
    // Log in even when a worker will do the work, so bad credentials fail here and leave no job behind.
    await (await connectClient(connection, options.log)).close();
  }
  const workers = options.detach
    ? undefined
    : await options.startWorkers(connection, options.log, { inProcess: true, roles: ['report'] });
  try {
    return await withRedis(connection.redisUrl, async (redis) => {
      // So listings can say which foundation a waiting job is for even before any worker of it has run.
      await registerFoundation(redis, connection.prefix, connection.api);
      const data: ReportJobData = {
        requestedAt: new Date().toISOString(),
        api: connection.api,
        inspectCredentials: options.inspectCredentials,
        ...(options.proxyPlans !== undefined && { proxyPlans: options.proxyPlans }),
        ...(options.landscape !== undefined && { landscape: options.landscape }),
        keep: options.keep,
        ...(endpoints !== undefined && { endpoints }),
        ...(options.exportSince !== undefined && { export: { since: options.exportSince } }),
        ...(options.notify !== undefined && { notify: options.notify }),
      };
      // One attempt: a nightly run that fails should say so, not quietly present a later partial retry.
      const job = await enqueueJob<ReportJobData, ReportJobResult>(
        connection,
        queueNameFor(QueueName.report, connection.api),
        data,
        { attempts: 1 },
      );
      try {
        options.onEnqueued?.(job.jobId);
        if (options.detach) return { jobId: job.jobId };
        let progress: unknown;
        job.onProgress((update) => {
          progress = update;
          options.onProgress?.(update);
        });
        const result = await waitUnlessInterrupted(
          { job, workers, api: connection.api, progress: () => progress },
          options.stop,
        );
        const files = await new ReportStore(redis, connection.prefix, options.keep).files(result.reportId);
        if (!files)
          throw new Error(
            `report ${result.reportId} finished but its files are not in Redis (pruned by a run with a smaller --keep?)`,
          );
        const out =
          options.out ?? join(DEFAULT_REPORTS_DIR, result.reportId.split('-')[0]!, ...[options.subfolder ?? []].flat());
        await writeReportFiles(out, withReportHtml(files)).catch((error: unknown) => {
          throw new ReportNotWrittenError(result.reportId, out, error);
        });
        // The in-process worker serves the notify queue too: give it a moment to deliver before it closes, so a
        // `report --notify` from cron alerts without a standing worker. What is left waits for a worker.
        const notifications =
          result.notifications && result.notifications.length > 0
            ? await waitForJobs(
                redis,
                connection.prefix,
                connection.api,
                queueNameFor(QueueName.notify, connection.api),
                result.notifications,
                Number(process.env.CF_SHARES_NOTIFY_WAIT_MS) || DEFAULTS.notifyWaitMs,
              )
            : undefined;
        return { jobId: job.jobId, result, out, ...(notifications && { notifications }) };
      } finally {
        await job.close();
      }
    });
  } finally {
    await workers?.close();
  }
}
