import got, { RequestError } from 'got';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../../log.js';
import { DEFAULTS } from '../../core/defaults.js';
import { VERSION } from '../../version.js';
import { NOTIFICATION_ID_HEADER, type NotifyJobData, type NotifyJobResult } from './notify-model.js';
import { notifyOrigin } from '../../config/notify-urls.js';

/** Answers worth another attempt: the receiver timed out, throttled us, or failed; any other 4xx will not change. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The webhook's own got instance: no retries of its own (BullMQ's attempts and backoff are the retry, so a crash
 * between two attempts loses nothing), no redirects (a webhook URL that redirects would carry the payload to a host
 * nobody chose), statuses returned rather than thrown, and a timeout so a receiver that never answers is a retry.
 */
const webhook = got.extend({
  headers: { 'user-agent': `cf-shares/${VERSION}` },
  retry: { limit: 0 },
  followRedirect: false,
  throwHttpErrors: false,
  timeout: { request: Number(process.env.CF_SHARES_NOTIFY_TIMEOUT_MS) || DEFAULTS.notifyTimeoutMs },
});

/**
 * Posts one notification. Errors name the URL's origin only, never its path or query (a Slack webhook's token lives
 * there): they end up in BullMQ's failedReason and in worker logs.
 */
export function notifyProcessor(log: Logger) {
  return async (job: Job<NotifyJobData, NotifyJobResult>): Promise<NotifyJobResult> => {
    const { url, notificationId, payload } = job.data;
    const origin = notifyOrigin(url);
    const attempt = job.attemptsMade + 1;
    const jobLog = log.child({ queue: job.queueName, jobId: job.id, origin, attempt });
    // Said in the log line, so an operator knows whether another POST will come.
    const next = attempt < (job.opts.attempts ?? 1) ? 'will retry' : 'attempts spent';
    let status: number;
    try {
      const response = await webhook.post(url, {
        json: payload,
        headers: { [NOTIFICATION_ID_HEADER]: notificationId },
      });
      status = response.statusCode;
    } catch (error) {
      // got's messages can quote the URL: only the code and the origin leave this function.
      const code = error instanceof RequestError ? error.code : 'ERR';
      jobLog.warn({ code }, `notification not delivered (network error): ${next}`);
      throw new Error(`webhook ${origin} unreachable (${code})`);
    }
    if (status >= 200 && status < 300) {
      jobLog.info({ status, event: payload.event }, 'notification delivered');
      return { status, origin };
    }
    if (isRetryableStatus(status)) {
      jobLog.warn({ status }, `notification not delivered: ${next}`);
      throw new Error(`webhook ${origin} answered ${status}`);
    }
    jobLog.error({ status }, 'notification refused by the receiver: not retried');
    throw new UnrecoverableError(`webhook ${origin} answered ${status}: not retried`);
  };
}
