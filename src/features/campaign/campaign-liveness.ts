import type { CampaignMeta, PauseRecord } from './campaign-model.js';
import type { CampaignStore } from './campaign-store.js';
import type { CampaignQueues } from './campaign-queue.js';
import { DEFAULTS } from '../../core/defaults.js';

/** Whether anything is moving a campaign: live workers, items in flight, how fast items finished lately. */
export interface CampaignLiveness {
  /** Workers connected to the foundation's unshare queue now (BullMQ's client list). */
  readonly workers: number;
  /** Items of this campaign whose job is active. */
  readonly active: number;
  /** Active items whose worker is gone (killed): they wait for their lock to expire and a stalled-job check. */
  readonly orphaned: number;
  /** The longest lock left among the orphaned items, in ms (0: expired, the next stalled check takes them back). */
  readonly orphanLockMs: number;
  /** When the last item of the campaign became final. */
  readonly lastFinishedAt: string | null;
  /** Items finished per minute over the last minute (or since the campaign started, if younger). */
  readonly perMinute: number;
  /** The pause in force, if the campaign is paused. */
  readonly paused: PauseRecord | null;
}

/** How far back the recent rate looks. */
const RECENT_MS = 60_000;

/** The worker name inside a BullMQ worker client's name (`<prefix>:<queue>:w:<name>`). */
const workerName = (rawname: string): string => {
  const at = rawname.indexOf(':w:');
  return at < 0 ? '' : rawname.slice(at + 3);
};

/**
 * Reads a campaign's liveness. A job's `processedBy` names the worker that took it; a name missing from the queue's
 * client list means that worker is gone, so its job's lock is not renewed and only expires.
 */
export async function campaignLiveness(
  { unshare: queue, redis }: Pick<CampaignQueues, 'unshare' | 'redis'>,
  store: Pick<CampaignStore, 'tally'>,
  meta: CampaignMeta,
  paused: PauseRecord | undefined,
  now = Date.now(),
): Promise<CampaignLiveness> {
  const clients = await queue.getWorkers();
  const live = new Set(clients.map((client) => workerName(String(client.rawname ?? ''))));
  // Active jobs are as many as the workers' concurrency allows, whatever the campaign's size.
  const active = (await queue.getActive()).filter((job) => job?.data?.campaignId === meta.id);
  let orphaned = 0;
  let orphanLockMs = 0;
  for (const job of active) {
    if (job.processedBy !== undefined && live.has(job.processedBy)) continue;
    orphaned += 1;
    orphanLockMs = Math.max(orphanLockMs, await redis.pttl(`${queue.toKey(job.id!)}:lock`));
  }
  // From the counters' finish times: a few commands, not every outcome.
  const window = Math.max(1000, Math.min(RECENT_MS, now - Date.parse(meta.createdAt)));
  const { lastFinishedAt: last, recent } = await store.tally(meta.id, now - window);
  return {
    workers: clients.length,
    active: active.length,
    orphaned,
    orphanLockMs,
    lastFinishedAt: last === null ? null : new Date(last).toISOString(),
    perMinute: (recent * 60_000) / window,
    paused: paused ?? null,
  };
}

/**
 * Whether the campaign is moving: not paused, a worker alive, and not merely waiting on items a dead worker holds.
 * Items waiting their turn (the rate gate, a retry backoff) count as moving while a worker is there.
 */
export function isProgressing(liveness: CampaignLiveness): boolean {
  if (liveness.paused !== null || liveness.workers === 0) return false;
  return !(liveness.orphaned > 0 && liveness.active === liveness.orphaned && liveness.perMinute === 0);
}

/** `2m ago`, `40s ago`, `3h ago`. */
export function ago(at: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}

/** What waits for a lock: `3 item(s) held by a worker that is gone come back when their lock expires in 27 s`. */
export function orphanLine(
  liveness: Pick<CampaignLiveness, 'orphaned' | 'orphanLockMs'>,
  stalledCheckMs: number,
): string {
  const lock = Math.ceil(Math.max(0, liveness.orphanLockMs) / 1000);
  return (
    `${liveness.orphaned} item(s) held by a worker that is gone come back when their lock expires ` +
    `(in ${lock} s) and a worker's stalled-job check (every ${Math.round(stalledCheckMs / 1000)} s) requeues them`
  );
}

/**
 * One line on whether a campaign that is not finished moves: paused (since when), no live worker (and what to do),
 * or how many workers and how fast; a second clause names items held by a dead worker.
 */
export function livenessLine(meta: CampaignMeta, liveness: CampaignLiveness, now = Date.now()): string | undefined {
  if (meta.status !== 'running') return undefined;
  const orphans =
    liveness.orphaned > 0 ? `; ${orphanLine(liveness, Number(process.env.CF_SHARES_LOCK_MS) || DEFAULTS.lockMs)}` : '';
  if (liveness.paused)
    return (
      `paused since ${liveness.paused.at} (${ago(liveness.paused.at, now)}${liveness.paused.by ? ` by ${liveness.paused.by}` : ''}): ` +
      `no new unshare starts, ${liveness.active - liveness.orphaned} item(s) in flight; lift it with 'cf-shares campaign resume ${meta.id}'${orphans}`
    );
  if (liveness.workers === 0) {
    const last = liveness.lastFinishedAt
      ? `last item finished ${ago(liveness.lastFinishedAt, now)}`
      : 'no item finished yet';
    return (
      `${meta.status}, no worker alive for this foundation's campaign queue (${last}): waiting for a worker of ${meta.api}; ` +
      `start 'cf-shares worker' logged in to it as an admin, or run 'cf-shares campaign resume ${meta.id}'${orphans}`
    );
  }
  return `${meta.status}, ${liveness.workers} worker(s), ${Math.round(liveness.perMinute)} items/min${orphans}`;
}
