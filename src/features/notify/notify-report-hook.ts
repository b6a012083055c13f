import type { ReportHook } from '../report/report-processor.js';
import { DEFAULTS } from '../../core/defaults.js';
import { foundationKey } from '../../core/queue-names.js';
import { buildReportNotification } from './report-notification.js';
import { notificationId, type NotifyJobData } from './notify-model.js';
import { notifyOrigin } from '../../config/notify-urls.js';
import { enqueueNotifications } from './enqueue-notification.js';

/**
 * The notify feature's part of a report job: when the job asks for notifications and the report has something new,
 * one notify job per URL. The notification id comes from the report job's foundation and id, the part of the report
 * id a retried job keeps (its time part changes), plus the URL's hash: a report job retried after a crash adds the
 * same ids, which BullMQ ignores. Then the URLs are removed from the report job's data, so the notify jobs hold the
 * only copy.
 */
export const notifyReportHook: ReportHook = async ({
  job,
  api,
  redis,
  prefix,
  log,
  reportId,
  report,
  previous,
  diff,
}) => {
  const notify = job.data.notify;
  if (!notify || notify.urls.length === 0) return;
  const subject = `report-${foundationKey(api).slice(-8)}-${job.id ?? 'x'}`;
  const jobs: NotifyJobData[] = [];
  for (const url of notify.urls) {
    const id = notificationId(subject, url);
    const payload = buildReportNotification({
      notificationId: id,
      reportId,
      report,
      previous,
      diff,
      notifyOn: notify.on,
      namedLimit: DEFAULTS.notifyNamedFindings,
    });
    if (payload === null) break; // the same for every URL: nothing new enough
    jobs.push({ url, notificationId: id, payload });
  }
  await enqueueNotifications(redis, prefix, api, jobs);
  if (jobs.length > 0)
    log.info(
      { notifications: jobs.map((j) => ({ id: j.notificationId, origin: notifyOrigin(j.url) })) },
      'notifications queued',
    );
  else log.debug({ urls: notify.urls.length }, 'nothing new to notify');
  await job.updateData({
    ...job.data,
    notify: { on: notify.on, urls: [], notifications: jobs.map((j) => j.notificationId) },
  });
};
