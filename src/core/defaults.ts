/**
 * Defaults that more than one module uses, one literal each: flags, stores and workers read them from here, so a
 * default changes in one place (issue 11, item 4).
 */
export const DEFAULTS = Object.freeze({
  /** Reports kept in Redis per foundation (`report --keep`, `export --keep`, scheduled runs, the report store). */
  keptReports: 30,
  /** Unshare items one process works at once (`unshare-all --concurrency`, `campaign resume`, `worker`). */
  unshareConcurrency: 4,
  /** Days of audit events an export reaches back: CC prunes audit events after 31 days. */
  exportWindowDays: 31,
  /** How long a job's lock lasts without renewal, in ms: BullMQ's own default. */
  lockMs: 30_000,
  /** How often failed unshare jobs are checked for a missing outcome, in ms. */
  reconcileMs: 5000,
  /** Foundations one `--foundation all` command works on at once (each logs in and crawls). */
  fleetConcurrency: 4,
  /** Age after which `fleet` calls a foundation's latest report stale (`fleet --max-age`), in ms: a nightly run missed. */
  fleetMaxAgeMs: 24 * 3_600_000,
  /** The least severity of a new finding that makes a report notify (`--notify-on`). */
  notifyOn: 'medium',
  /** Delivery attempts of one notification: 5xx, 408, 429 and network errors retry, other 4xx are final. */
  notifyAttempts: 8,
  /** First retry delay of a notification, in ms; each further retry doubles it (BullMQ exponential backoff). */
  notifyBackoffMs: 2000,
  /** How long one webhook POST may take, in ms, before it counts as a network error and is retried. */
  notifyTimeoutMs: 10_000,
  /**
   * How long `report --notify` waits, after its report, for its in-process worker to deliver the notifications, in
   * ms; what is not delivered by then stays queued for a worker serving reports.
   */
  notifyWaitMs: 30_000,
  /** New findings named in a notification (the rest are counted): a chat message stays readable. */
  notifyNamedFindings: 10,
  /** Address `worker --metrics-port` and `dashboard` listen on: loopback, so nothing is exposed unless asked. */
  listenHost: '127.0.0.1',
  /** Port of `cf-shares dashboard`. */
  dashboardPort: 3000,
});
