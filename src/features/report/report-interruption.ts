import type { EnqueuedJob } from '../../core/enqueue-job.js';
import type { RunningWorkers } from '../../core/worker-host.js';
import { InterruptedError } from '../../interrupted-error.js';
import { safeText } from '../../terminal/safe-text.js';
import { progressText } from './report-progress.js';

/** How long a cancelled in-process job gets to be recorded as failed before the command ends anyway. */
const CANCEL_GRACE_MS = 5000;

/** What the wait for a report job needs to tell a person what their Ctrl-C did. */
export interface ReportWait<Result> {
  readonly job: EnqueuedJob<Result>;
  /** This process's workers (absent when another process runs the job). */
  readonly workers: RunningWorkers | undefined;
  readonly api: string;
  /** The job's last progress, for "during bindings and keys 3/7". */
  readonly progress: () => unknown;
}

/**
 * The job's result, or, once `stop` fires (SIGINT/SIGTERM), an {@link InterruptedError} saying what became of the
 * job: stopped when this process was running it (a foreground report nobody waits for any more should not go on
 * crawling, nor be taken over by another worker as stalled), still running or still queued when a worker elsewhere
 * has it or will, and where to look: `cf-shares reports list`.
 */
export async function waitUnlessInterrupted<Result>(wait: ReportWait<Result>, stop?: AbortSignal): Promise<Result> {
  const finished = wait.job.wait();
  if (!stop) return finished;
  let onAbort = (): void => undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => resolve('stopped');
    if (stop.aborted) onAbort();
    else stop.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const first = await Promise.race([finished.then((result) => ({ result })), stopped]);
    if (first !== 'stopped') return first.result;
  } finally {
    stop.removeEventListener('abort', onAbort);
  }
  finished.catch(() => undefined);
  throw await interruption(wait, finished);
}

async function interruption<Result>(wait: ReportWait<Result>, finished: Promise<Result>): Promise<InterruptedError> {
  const { job, workers, api } = wait;
  const during = progressText(wait.progress());
  const what = `report job ${job.jobId}${during ? ` (during ${during})` : ''}`;
  if (workers?.cancelJob?.(job.jobId, 'the command running it was interrupted')) {
    // Let the worker record the failure, so `reports list` shows no job as running that nothing runs.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished.catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, CANCEL_GRACE_MS))),
    ]);
    // A pending timer would keep the process alive after the line is printed.
    clearTimeout(timer);
    return new InterruptedError(
      `interrupted ${what}: the job was stopped and stored no report (see cf-shares reports list)`,
    );
  }
  const state = await job.state().catch(() => 'unknown');
  switch (state) {
    case 'active':
      return new InterruptedError(
        `interrupted while a worker elsewhere runs ${what}: it keeps running there and stores the report; check with cf-shares reports list`,
      );
    case 'completed':
      return new InterruptedError(
        `interrupted as ${what} finished: the report is stored; fetch it with cf-shares reports list and cf-shares reports get ID --out DIR`,
      );
    case 'waiting':
    case 'prioritized':
    case 'delayed':
    case 'waiting-children':
      return new InterruptedError(
        `interrupted before ${what} started: it stays queued for a worker of ${safeText(api)} (cf-shares worker); check with cf-shares reports list`,
      );
    default:
      return new InterruptedError(`interrupted ${what}: the job is ${state}; check with cf-shares reports list`);
  }
}
