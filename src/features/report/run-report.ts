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
import type { ReportJobData, ReportJobResult } from './report-processor.js';
import { connectClient } from '../../core/connect-client.js';

/** Thrown when the person or the service manager stops a command while it waits. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

function untilStopped<T>(work: Promise<T>, stop: AbortSignal | undefined): Promise<T> {
  if (!stop) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(
        new InterruptedError(
          'interrupted: the job stays on the queue and a worker will finish it (cf-shares reports list)',
        ),
      );
    if (stop.aborted) return onAbort();
    stop.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => stop.removeEventListener('abort', onAbort));
  });
}

export interface RunReportOptions {
  /** Path of the operator's endpoints file. */
  endpointsPath?: string;
  inspectCredentials: boolean;
  keep: number;
  /** Folder for the files; undefined means cf-shares-reports/<report time>. */
  out?: string;
  /** Only enqueue: a `cf-shares worker` runs the job. */
  detach: boolean;
  /** Called once the job is on the queue. */
  onEnqueued?: (jobId: string) => void;
  onProgress?: (progress: unknown) => void;
  /** Aborts the wait (SIGINT/SIGTERM): the in-process worker stops and the command ends non-zero. */
  stop?: AbortSignal;
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
}

/**
 * Runs one report the way `report` and `demo` do: checks the input, logs in (so bad credentials leave no job
 * behind), enqueues, runs an in-process worker and waits unless detached, then writes the stored files to a folder.
 */
export async function runReport(connection: ConnectionOptions, options: RunReportOptions): Promise<RunReportOutcome> {
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
        keep: options.keep,
        ...(endpoints !== undefined && { endpoints }),
        ...(options.exportSince !== undefined && { export: { since: options.exportSince } }),
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
        if (options.onProgress) job.onProgress(options.onProgress);
        const result = await untilStopped(job.wait(), options.stop);
        const files = await new ReportStore(redis, connection.prefix, options.keep).files(result.reportId);
        if (!files)
          throw new Error(
            `report ${result.reportId} finished but its files are not in Redis (pruned by a run with a smaller --keep?)`,
          );
        const out = options.out ?? `cf-shares-reports/${result.reportId.split('-')[0]}`;
        await writeReportFiles(out, files);
        return { jobId: job.jobId, result, out };
      } finally {
        await job.close();
      }
    });
  } finally {
    await workers?.close();
  }
}
