import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { notifyOrigin } from '../../config/notify-urls.js';

/**
 * Job data as the dashboard shows it: a webhook URL (`url` of a notification job, `urls` of a report job's or a
 * schedule's `notify`) cut to its origin, since its path or query is the webhook's secret. Workers need the whole URL
 * to deliver, so it stays in the job; only what bull-board serves is cut. Anything else is shown as stored.
 */
export function redactJobData(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(redactJobData);
  if (typeof data !== 'object' || data === null) return data;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => {
      if (key === 'url' && typeof value === 'string') return [key, redactedUrl(value)];
      if (key === 'urls' && Array.isArray(value))
        return [key, value.map((url) => (typeof url === 'string' ? redactedUrl(url) : redactJobData(url)))];
      return [key, redactJobData(value)];
    }),
  );
}

function redactedUrl(url: string): string {
  return `${notifyOrigin(url)}/REDACTED`;
}

type Scheduler = Awaited<ReturnType<BullMQAdapter['getJobSchedulers']>>[number];

/** bull-board's BullMQ adapter, serving jobs' and job schedulers' data through {@link redactJobData}. */
export class RedactingBullMQAdapter extends BullMQAdapter {
  constructor(...args: ConstructorParameters<typeof BullMQAdapter>) {
    super(...args);
    this.setFormatter('data', redactJobData);
  }

  // A schedule's template is served as stored, past the 'data' formatter.
  override async getJobSchedulers(): Promise<Scheduler[]> {
    return (await super.getJobSchedulers()).map((scheduler) =>
      scheduler.template === undefined
        ? scheduler
        : { ...scheduler, template: { ...scheduler.template, data: redactJobData(scheduler.template.data) } },
    );
  }
}
