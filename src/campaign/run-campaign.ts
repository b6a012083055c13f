import type { Writable } from 'node:stream';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { Logger } from '../log.js';
import { startWorkers } from '../jobs/start-workers.js';
import type { CampaignStore } from './campaign-store.js';
import type { CampaignProgress } from './campaign-summary.js';
import { campaignProgressPrinter } from './progress-printer.js';
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
  const printer = campaignProgressPrinter(options.stderr);
  try {
    return await waitForCampaign(store, campaignId, (progress) => printer.show(progress), options.stop);
  } finally {
    printer.done();
    await workers.close();
  }
}
