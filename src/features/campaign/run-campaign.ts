import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { ConnectionOptions } from '../../config/connection-options.js';
import type { Logger } from '../../log.js';
import { startWorkers } from '../worker/start-workers.js';
import type { CampaignStore } from './campaign-store.js';
import { campaignQueues } from './campaign-queue.js';
import { campaignProgressPrinter } from './progress-printer.js';
import { followCampaign, type FollowEnd } from './wait-for-campaign.js';

/**
 * Follows a campaign with progress on `stderr` until it is done, stuck or stopped. With `work`, an in-process
 * worker (campaign queues only) works it meanwhile; other workers on the same Redis share the items, and if this
 * process dies any worker of the foundation finishes the campaign.
 */
export async function followWithProgress(
  connection: Pick<ConnectionOptions, 'api' | 'prefix'> & Partial<ConnectionOptions>,
  redis: Redis,
  store: CampaignStore,
  campaignId: string,
  options: { log: Logger; stderr: Writable & { isTTY?: boolean }; stop: AbortSignal; work?: { concurrency: number } },
): Promise<FollowEnd> {
  const workers = options.work
    ? await startWorkers(connection as ConnectionOptions, options.log, {
        inProcess: true,
        roles: ['campaign'],
        unshareConcurrency: options.work.concurrency,
      })
    : undefined;
  const queues = campaignQueues(redis, connection.prefix, connection.api);
  const printer = campaignProgressPrinter(options.stderr);
  try {
    return await followCampaign(store, queues, campaignId, {
      onProgress: (p) => printer.show(p),
      onNotice: (n) => printer.notice(n),
      stop: options.stop,
    });
  } finally {
    printer.done();
    await queues.close();
    await workers?.close();
  }
}
