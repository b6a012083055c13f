import { fileSafeId } from '../../core/time-id.js';
import { notifyUrlHash } from '../../config/notify-urls.js';

/** The notification header receivers dedupe on: the same value on every attempt of one notification. */
export const NOTIFICATION_ID_HEADER = 'X-Cf-Shares-Notification-Id';

/** What a notify job carries: where to post (the only copy of the URL cf-shares keeps) and the finished payload. */
export interface NotifyJobData {
  /** The webhook URL. Secret (it may hold a token): kept here because delivery needs it, never logged. */
  readonly url: string;
  /** The notification id (also the job id): sent as `X-Cf-Shares-Notification-Id`. */
  readonly notificationId: string;
  readonly payload: NotificationPayload;
}

/** What a delivered notify job returns. */
export interface NotifyJobResult {
  readonly status: number;
  readonly origin: string;
}

/** The JSON a webhook receives: a Slack-compatible `text` line plus the structured figures. */
export type NotificationPayload = ReportNotification | CampaignNotification;

/** Counts per severity. */
export type SeverityCounts = Record<'high' | 'medium' | 'low' | 'info', number>;

/** A new finding named in a notification. */
export interface NamedFinding {
  readonly kind: string;
  readonly severity: string;
  readonly instance: string | null;
  readonly space: string | null;
  readonly message: string;
}

/** A report with new shares or new findings at or above the threshold (schema `cf-shares/notification@1`). */
export interface ReportNotification {
  readonly schema: 'cf-shares/notification@1';
  readonly event: 'report';
  readonly text: string;
  readonly notification_id: string;
  readonly api: string;
  readonly report_id: string;
  readonly generated_at: string;
  /** No earlier report of this foundation: every share and finding counts as new. */
  readonly first_report: boolean;
  readonly shares: number;
  readonly new_shares: number;
  readonly removed_shares: number;
  /** Broker-level share proxies new since the previous report; absent when neither report has any. */
  readonly new_broker_shares?: number;
  /** The least severity that notifies (`--notify-on`). */
  readonly notify_on: string;
  /** New findings (not in the previous report) by severity, all severities. */
  readonly new_findings: SeverityCounts;
  /** Up to `DEFAULTS.notifyNamedFindings` new findings at or above `notify_on`, worst first. */
  readonly named_findings: readonly NamedFinding[];
}

/** A blocked campaign item with CC's reasons. */
export interface BlockedItem {
  readonly instance: string;
  readonly org: string | null;
  readonly space: string | null;
  readonly reasons: readonly string[];
}

/** A campaign that ended (done or cancelled). */
export interface CampaignNotification {
  readonly schema: 'cf-shares/notification@1';
  readonly event: 'campaign';
  readonly text: string;
  readonly notification_id: string;
  readonly api: string;
  readonly campaign_id: string;
  readonly status: string;
  readonly total: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Planned shares the verification pass still found shared. */
  readonly still_shared: number;
  readonly plan_hash: string | null;
  readonly blocked: readonly BlockedItem[];
}

/**
 * The id of one notification (and of its job): what it is about plus the URL's hash, so each URL gets one job per
 * report or campaign and adding it again (a retried report or finalisation job) is a no-op in BullMQ. Only
 * `A-Za-z0-9._-`: BullMQ refuses `:` in custom ids.
 */
export function notificationId(subject: string, url: string): string {
  return fileSafeId(`notify-${subject}-${notifyUrlHash(url)}`);
}
