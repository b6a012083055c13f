import type { JobState } from 'bullmq';
import type { CampaignStore } from './campaign-store.js';
import { summarizeCampaign, type CampaignProgress } from './campaign-summary.js';
import { LIVE_STATES, unfinishedItems, type CampaignQueues } from './campaign-queue.js';
import type { CampaignMeta, PauseRecord } from './campaign-model.js';
import { campaignLiveness, isProgressing, orphanLine, type CampaignLiveness } from './campaign-liveness.js';
import { DEFAULTS } from '../../core/defaults.js';

/** How a follow ended. */
export type FollowEnd =
  | { kind: 'done'; progress: CampaignProgress }
  | { kind: 'stopped'; progress: CampaignProgress | undefined }
  /** Items remain that no job can run any more (or the verification pass is lost): `campaign resume` requeues them. */
  | { kind: 'stuck'; progress: CampaignProgress; items: number };

export interface FollowOptions {
  onProgress: (progress: CampaignProgress) => void;
  /** A condition worth a line: waiting for a worker, Redis unreachable; `undefined` when it has cleared. */
  onNotice: (notice: string | undefined) => void;
  stop?: AbortSignal;
  pollMs?: number;
  /** Without progress for this long, check whether anything can still run the open items. @defaultValue 10000 */
  stuckCheckMs?: number;
}

/**
 * Follows a campaign until it is done and verified, however often Redis goes away meanwhile. Never waits forever:
 * when open items have no job left that could run them, it ends `stuck` so the caller can name `campaign resume`;
 * when no worker serves the campaign's foundation it says so and keeps waiting (a worker may come).
 */
export async function followCampaign(
  store: CampaignStore,
  queues: CampaignQueues,
  id: string,
  options: FollowOptions,
): Promise<FollowEnd> {
  const pollMs = options.pollMs ?? 1000;
  const stuckCheckMs = options.stuckCheckMs ?? 10_000;
  let last: CampaignProgress | undefined;
  let lastChange = Date.now();
  let lastMark = '';
  let workerCheckAt = 0;
  let notice: string | undefined;
  const say = (next: string | undefined): void => {
    if (next !== notice) options.onNotice(next);
    notice = next;
  };
  let liveness: CampaignLiveness | undefined;
  let wasPaused = false;
  for (;;) {
    if (options.stop?.aborted) return { kind: 'stopped', progress: last };
    try {
      const meta = await store.meta(id);
      if (!meta) throw new CampaignVanishedError(`campaign ${id} is not in Redis any more`);
      // The counters, not every outcome: a few commands a poll whatever the campaign's size.
      const tally = await store.tally(id);
      const paused = meta.status === 'running' ? await store.pauseRecord(id) : undefined;
      if (notice?.startsWith('Redis unreachable')) say(undefined);
      const anyOpen = tally.finished < meta.total;
      // A pause or its lifting is news at once, not at the next liveness check.
      if ((paused !== undefined) !== wasPaused) workerCheckAt = 0;
      wasPaused = paused !== undefined;
      if (Date.now() >= workerCheckAt) {
        workerCheckAt = Date.now() + 5000;
        liveness =
          meta.status === 'running' && anyOpen ? await campaignLiveness(queues, store, meta, paused) : undefined;
        const workers = liveness ? liveness.workers : await queues.finalize.getWorkersCount();
        say(
          noticeFor(meta, paused, liveness) ??
            (workers === 0 && meta.status !== 'done' && meta.status !== 'cancelled'
              ? `waiting for a worker of ${meta.api} (start 'cf-shares worker' logged in to it as an admin)`
              : undefined),
        );
      }
      // No rate or ETA is claimed while nothing moves the campaign: paused, no live worker, only dead workers' items.
      const progressing = liveness === undefined || isProgressing({ ...liveness, paused: paused ?? null });
      const progress = summarizeCampaign(meta, tally, Date.now(), { paused, progressing });
      last = progress;
      options.onProgress(progress);
      if ((meta.status === 'done' || meta.status === 'cancelled') && (await store.verification(id))) {
        say(undefined);
        return { kind: 'done', progress };
      }
      const mark = `${progress.status} ${progress.finished}`;
      if (mark !== lastMark) {
        lastMark = mark;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange >= stuckCheckMs) {
        lastChange = Date.now();
        const open = await unfinishedItems(queues.unshare, store, meta);
        const runnable = open.filter(({ state }) => LIVE_STATES.includes(state as JobState)).length;
        if (open.length > 0 && runnable === 0) return { kind: 'stuck', progress, items: open.length };
        if (open.length === 0) {
          const state = await queues.finalize.getJobState(`finalize-${id}`);
          if (state === 'unknown' || state === 'failed') return { kind: 'stuck', progress, items: 0 };
        }
      }
    } catch (error) {
      if (error instanceof CampaignVanishedError) throw error;
      // Redis restarting or unreachable: the campaign goes on in the workers; keep following once it is back.
      say(`Redis unreachable (${error instanceof Error ? error.message : String(error)}): still following`);
    }
    await sleep(pollMs, options.stop);
  }
}

/** The notice of a campaign that does not move for a reason of its own: a pause, or items a dead worker holds. */
function noticeFor(
  meta: CampaignMeta,
  paused: PauseRecord | undefined,
  liveness: CampaignLiveness | undefined,
): string | undefined {
  if (paused) return `paused since ${paused.at}: no new unshare starts until 'cf-shares campaign resume ${meta.id}'`;
  if (liveness && liveness.workers > 0 && liveness.orphaned > 0 && !isProgressing(liveness))
    return orphanLine(liveness, Number(process.env.CF_SHARES_LOCK_MS) || DEFAULTS.lockMs);
  return undefined;
}

/** Waits `ms`, or less when `stop` aborts: a Ctrl-C is answered at once, not after the poll. */
function sleep(ms: number, stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop?.addEventListener('abort', done, { once: true });
  });
}

export class CampaignVanishedError extends Error {
  override readonly name = 'CampaignVanishedError';
}
