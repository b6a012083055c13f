import type { Writable } from 'node:stream';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { Logger } from '../log.js';
import { startWorkers } from '../jobs/start-workers.js';
import type { CampaignStore } from './campaign-store.js';
import { progressLine, type CampaignProgress } from './campaign-summary.js';
import { waitForCampaign } from './wait-for-campaign.js';

/**
 * Works a campaign with an in-process worker until it is done, showing progress. Other workers on the same Redis
 * share the items; if this process dies, any worker finishes the campaign.
 */
export async function runCampaignUntilDone(
  connection: ConnectionOptions,
  store: CampaignStore,
  campaignId: string,
  options: { concurrency: number; log: Logger; stderr: Writable & { isTTY?: boolean }; stop: AbortSignal },
): Promise<CampaignProgress> {
  const workers = await startWorkers(connection, options.log, { inProcess: true, unshareConcurrency: options.concurrency });
  let last = '';
  try {
    return await waitForCampaign(
      store,
      campaignId,
      (progress) => {
        const line = progressLine(progress);
        if (options.stderr.isTTY) options.stderr.write(`\r\x1b[2K${line}`);
        else {
          // A line per tenth of the items and per status change, not one per poll.
          const mark = `${progress.status} ${Math.floor((progress.finished / Math.max(1, progress.total)) * 10)}`;
          if (mark !== last) options.stderr.write(`${line}\n`);
          last = mark;
        }
      },
      options.stop,
    );
  } finally {
    if (options.stderr.isTTY) options.stderr.write('\r\x1b[2K');
    await workers.close();
  }
}
