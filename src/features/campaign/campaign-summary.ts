import type { CampaignMeta, ItemOutcome } from './campaign-model.js';
import { SUCCESS_OUTCOMES, type FinalOutcome } from './unshare-outcome.js';

export interface CampaignProgress {
  readonly id: string;
  readonly status: CampaignMeta['status'];
  readonly total: number;
  readonly finished: number;
  readonly counts: Partial<Record<FinalOutcome, number>>;
  /** Items finished per second since the campaign started. */
  readonly ratePerSecond: number;
  readonly etaSeconds: number | null;
  /** Whether every item ended in a success outcome. */
  readonly allSucceeded: boolean;
}

/** Counts per outcome, rate and ETA of a campaign. */
export function summarizeCampaign(
  meta: CampaignMeta,
  outcomes: Readonly<Record<string, ItemOutcome>>,
  now = Date.now(),
): CampaignProgress {
  const counts: Partial<Record<FinalOutcome, number>> = {};
  for (const { outcome } of Object.values(outcomes)) counts[outcome] = (counts[outcome] ?? 0) + 1;
  const finished = Object.keys(outcomes).length;
  const elapsed = Math.max(1, (now - Date.parse(meta.createdAt)) / 1000);
  const ratePerSecond = finished / elapsed;
  const remaining = meta.total - finished;
  return {
    id: meta.id,
    status: meta.status,
    total: meta.total,
    finished,
    counts,
    ratePerSecond,
    etaSeconds: remaining === 0 ? 0 : ratePerSecond > 0 ? Math.round(remaining / ratePerSecond) : null,
    allSucceeded: Object.values(outcomes).every((o) => SUCCESS_OUTCOMES.includes(o.outcome)) && finished === meta.total,
  };
}

/** One line a person reads. */
export function progressLine(progress: CampaignProgress): string {
  const counts = Object.entries(progress.counts)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  const eta = progress.etaSeconds === null ? '' : progress.etaSeconds > 0 ? `, ETA ${progress.etaSeconds}s` : '';
  return `campaign ${progress.id} ${progress.status}: ${progress.finished}/${progress.total} final${counts ? ` (${counts})` : ''}, ${progress.ratePerSecond.toFixed(1)} items/s${eta}`;
}
