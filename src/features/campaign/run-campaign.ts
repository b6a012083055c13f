import type { Writable } from 'node:stream';
import type { RedisClient } from '../../core/redis-connection.js';
import type { ConnectionOptions } from '../../config/connection-options.js';
import type { Logger } from '../../log.js';
import type { StartWorkers } from '../../core/worker-host.js';
import type { CampaignStore } from './campaign-store.js';
import { campaignQueues } from './campaign-queue.js';
import { createProgressView } from '../../terminal/progress-view.js';
import { progressLine, summarizeCampaign } from './campaign-summary.js';
import { followCampaign, type FollowEnd } from './wait-for-campaign.js';

/**
 * Follows a campaign with progress on `stderr` until it is done, stuck or stopped. With `work`, an in-process
 * worker (campaign queues only) works it meanwhile; other workers on the same Redis share the items, and if this
 * process dies any worker of the foundation finishes the campaign.
 */
export async function followWithProgress(
  connection: Pick<ConnectionOptions, 'api' | 'prefix'> & Partial<ConnectionOptions>,
  redis: RedisClient,
  store: CampaignStore,
  campaignId: string,
  options: {
    log: Logger;
    stderr: Writable & { isTTY?: boolean };
    stop: AbortSignal;
    /** Work the campaign in this process too, with workers started by this (the entrypoint's). */
    work?: { concurrency: number; startWorkers: StartWorkers };
  },
): Promise<FollowEnd> {
  const workers = options.work
    ? await options.work.startWorkers(connection as ConnectionOptions, options.log, {
        inProcess: true,
        roles: ['campaign'],
        unshareConcurrency: options.work.concurrency,
      })
    : undefined;
  const queues = campaignQueues(redis, connection.prefix, connection.api);
  const view = createProgressView(options.stderr);
  let end: FollowEnd;
  try {
    end = await followCampaign(store, queues, campaignId, {
      onProgress: (p) => {
        const line = progressLine(p);
        // Off a terminal: a line per tenth of the items and per status change (a pause is one).
        const tenth = Math.floor((p.finished / Math.max(1, p.total)) * 10);
        view.show(p.finished, p.total, line, { key: `${p.pausedAt === null ? p.status : 'paused'} ${tenth}`, line });
      },
      onNotice: (n) => view.notice(n),
      stop: options.stop,
    });
  } finally {
    view.done();
    await queues.close();
    // Items in this process's hands finish first, so the count below is what is really left.
    await workers?.close();
  }
  if (end.kind !== 'stopped') return end;
  // Interrupted: count again after the in-process worker finished its items, unless Redis is not there to ask.
  const meta = await store.meta(campaignId).catch(() => undefined);
  const tally = meta && (await store.tally(campaignId).catch(() => undefined));
  return meta && tally
    ? { kind: 'stopped', progress: summarizeCampaign(meta, tally, Date.now(), { progressing: false }) }
    : end;
}
