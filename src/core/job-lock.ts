/**
 * Whether BullMQ refused a job command because this worker no longer holds the job: its lock lapsed (a Redis restart
 * that outlasted it, a stalled event loop) or another worker took the job over. The job is then another run's: its
 * stalled-job check puts it back in the queue, so the worker that lost it must record nothing about it. BullMQ's
 * scripts answer these cases with plain errors, told apart by their message (bullmq `finished-errors`).
 */
export function isJobLockLost(error: unknown): boolean {
  return (
    error instanceof Error &&
    /^(Missing lock for job|Lock mismatch for job|Missing key for job|Job \S+ is not in the active state)/.test(
      error.message,
    )
  );
}
