import { isBrokerItem, type CampaignItem, type CampaignMeta, type ItemOutcome } from '../campaign/campaign-model.js';
import type { BlockedItem, CampaignNotification } from './notify-model.js';
import { slackText } from './slack-text.js';

/** What a campaign-end notification is built from: the campaign as stored once it is final. */
export interface CampaignNotificationInput {
  readonly notificationId: string;
  readonly meta: CampaignMeta;
  readonly items: readonly CampaignItem[];
  readonly outcomes: Readonly<Record<string, ItemOutcome>>;
  /** Planned shares the verification pass still found. */
  readonly stillShared: number;
  /** Blocked items named; the rest are counted. */
  readonly namedLimit: number;
}

/** The notification of a campaign that ended: outcome counts, blocked items with CC's reasons, the plan hash. Pure. */
export function buildCampaignNotification(input: CampaignNotificationInput): CampaignNotification {
  const { meta, outcomes } = input;
  const counts: Record<string, number> = {};
  for (const { outcome } of Object.values(outcomes)) counts[outcome] = (counts[outcome] ?? 0) + 1;
  const byId = new Map(input.items.map((item) => [item.id, item]));
  const blockedAll = Object.entries(outcomes)
    .filter(([, outcome]) => outcome.outcome === 'blocked')
    .sort(([a], [b]) => a.localeCompare(b));
  const blocked: BlockedItem[] = blockedAll.slice(0, input.namedLimit).map(([itemId, outcome]) => {
    const item = byId.get(itemId);
    // A broker-level item takes access from its proxies: a place when there is one proxy, none for several.
    const place =
      item === undefined
        ? undefined
        : isBrokerItem(item)
          ? item.proxies.length === 1
            ? item.proxies[0]
            : undefined
          : item.target;
    return {
      instance: item?.instance.name ?? itemId,
      org: place?.org ?? null,
      space: place?.space ?? null,
      reasons: outcome.blockers ?? (outcome.decidedBy?.detail ? [outcome.decidedBy.detail] : []),
    };
  });
  const countText = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  const lines = [
    `cf-shares: campaign ${slackText(meta.id)} on ${slackText(meta.api)} ${meta.status}: ${countText || 'no items'} ` +
      `of ${meta.total}; ${input.stillShared} still shared${meta.planHash ? `; plan ${meta.planHash}` : ''}`,
    ...blocked.map(
      (b) =>
        `• blocked ${slackText(b.instance)} → ${slackText(b.org ?? '?')}/${slackText(b.space ?? '?')}: ${slackText(b.reasons.join('; ') || 'no reason given')}`,
    ),
    ...(blockedAll.length > blocked.length ? [`… and ${blockedAll.length - blocked.length} more blocked`] : []),
  ];
  return {
    schema: 'cf-shares/notification@1',
    event: 'campaign',
    text: lines.join('\n'),
    notification_id: input.notificationId,
    api: meta.api,
    campaign_id: meta.id,
    status: meta.status,
    total: meta.total,
    outcomes: counts,
    still_shared: input.stillShared,
    plan_hash: meta.planHash ?? null,
    blocked,
  };
}
