import { JobFailedError, JobTimeoutError, type CfErrorItem } from '../errors.js';
import { getResource, seg, type ResourceContext } from '../resource-context.js';
import type { Link } from './wire-common.js';

/** Job states (cc-api.md §3.3). */
export type JobState = 'PROCESSING' | 'POLLING' | 'COMPLETE' | 'FAILED';

/** A v3 job (fixtures v3_job_complete.json, v3_job_failed.json). */
export interface Job {
  guid: string;
  created_at: string;
  updated_at: string;
  operation: string;
  state: JobState;
  errors: CfErrorItem[];
  warnings: { detail: string }[];
  links: Record<string, Link>;
}

/** Options of {@link Jobs.pollUntilTerminal}. */
export interface PollOptions {
  /** First wait between polls; it grows by half each poll. @defaultValue 1000 */
  intervalMs?: number;
  /** Longest wait between polls. @defaultValue 15000 */
  maxIntervalMs?: number;
  /** Give up (the job keeps running on CC). @defaultValue 600000 */
  timeoutMs?: number;
}

/** Poll defaults: binding deletes poll the broker at most every 60 s (cc-api.md §3.3), so polling faster buys little. */
export const POLL_DEFAULTS = { intervalMs: 1000, maxIntervalMs: 15_000, timeoutMs: 600_000 } as const;

/** Whether a job has finished. */
export function isTerminal(state: JobState): boolean {
  return state === 'COMPLETE' || state === 'FAILED';
}

/** `/v3/jobs`. */
export class Jobs {
  constructor(private readonly ctx: ResourceContext) {}

  /** `GET /v3/jobs/:guid`. */
  get(guid: string): Promise<Job> {
    return getResource(this.ctx, `/v3/jobs/${seg(guid)}`);
  }

  /**
   * Polls until the job is neither PROCESSING nor POLLING. Resolves with a COMPLETE job; throws `JobFailedError`
   * (code/title/detail of the job's first error) for FAILED, `JobTimeoutError` after `timeoutMs`.
   */
  async pollUntilTerminal(guid: string, options: PollOptions = {}): Promise<Job> {
    const { intervalMs, maxIntervalMs, timeoutMs } = { ...POLL_DEFAULTS, ...options };
    const deadline = this.ctx.now() + timeoutMs;
    let wait = intervalMs;
    for (;;) {
      const job = await this.get(guid);
      if (job.state === 'COMPLETE') return job;
      if (job.state === 'FAILED') {
        throw new JobFailedError({
          jobGuid: job.guid,
          operation: job.operation,
          errors: job.errors,
          url: this.ctx.transport.resolve(`/v3/jobs/${seg(guid)}`).toString(),
        });
      }
      if (this.ctx.now() + wait > deadline) throw new JobTimeoutError(guid, job.state, timeoutMs);
      await this.ctx.sleep(wait);
      wait = Math.min(maxIntervalMs, Math.round(wait * 1.5));
    }
  }
}
