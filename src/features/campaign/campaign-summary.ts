import type { CampaignMeta, PauseRecord } from './campaign-model.js';
import type { CampaignTally } from './campaign-tally.js';
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
  /** When a running campaign was paused (`campaign pause`); null when it is not paused. */
  readonly pausedAt: string | null;
  /** False when nothing moves it (paused, no live worker): no rate or ETA is claimed then. */
  readonly progressing: boolean;
}

/** What Redis and BullMQ say beyond the outcomes: a pause, and whether anything is working the campaign. */
export interface CampaignState {
  readonly paused?: PauseRecord | undefined;
  /** @defaultValue true unless paused */
  readonly progressing?: boolean;
}

/** Counts per outcome, rate and ETA of a campaign, from its counters (`CampaignStore.tally`). */
export function summarizeCampaign(
  meta: CampaignMeta,
  tally: Pick<CampaignTally, 'finished' | 'counts'>,
  now = Date.now(),
  state: CampaignState = {},
): CampaignProgress {
  const counts = { ...tally.counts };
  const finished = tally.finished;
  const elapsed = Math.max(1, (now - Date.parse(meta.createdAt)) / 1000);
  const ratePerSecond = finished / elapsed;
  const remaining = meta.total - finished;
  // A pause only matters while items remain to start; a done or cancelled campaign is not "paused".
  const pausedAt = meta.status === 'running' && state.paused ? state.paused.at : null;
  const progressing = pausedAt === null && (state.progressing ?? true);
  return {
    id: meta.id,
    status: meta.status,
    total: meta.total,
    finished,
    counts,
    ratePerSecond,
    etaSeconds: remaining === 0 ? 0 : progressing && ratePerSecond > 0 ? Math.round(remaining / ratePerSecond) : null,
    allSucceeded:
      finished === meta.total &&
      (Object.entries(counts) as Array<[FinalOutcome, number]>).every(
        ([outcome, n]) => n === 0 || SUCCESS_OUTCOMES.includes(outcome),
      ),
    pausedAt,
    progressing,
  };
}

/** One line a person reads. */
export function progressLine(progress: CampaignProgress): string {
  const counts = Object.entries(progress.counts)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  const head = `${progress.finished}/${progress.total} final${counts ? ` (${counts})` : ''}`;
  if (progress.pausedAt !== null) return `campaign ${progress.id} paused since ${progress.pausedAt}: ${head}`;
  if (!progress.progressing) return `campaign ${progress.id} ${progress.status}: ${head}, not progressing`;
  const eta = progress.etaSeconds === null ? '' : progress.etaSeconds > 0 ? `, ETA ${progress.etaSeconds}s` : '';
  return `campaign ${progress.id} ${progress.status}: ${head}, ${progress.ratePerSecond.toFixed(1)} items/s${eta}`;
}
