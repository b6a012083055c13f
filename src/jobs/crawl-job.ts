import type { Job } from 'bullmq';
import type { CfClient } from '../client/index.js';
import { crawlShareInventory, type ShareInventory } from '../crawl/share-inventory.js';
import type { Logger } from '../log.js';

/** Data of a crawl job: ids and times only, never credentials or the API's answers. */
export interface CrawlJobData {
  readonly requestedAt: string;
}

/** What a crawl job stores as its result in Redis: counts, not the foundation. */
export interface CrawlJobResult {
  readonly api: string;
  readonly finishedAt: string;
  readonly sharingFlagEnabled: boolean;
  readonly orgs: number;
  readonly spaces: number;
  readonly instances: number;
  readonly managedInstances: number;
  readonly sharedInstances: number;
  readonly shares: number;
  readonly crossOrgShares: number;
  readonly requests: number;
}

/** Summarises an inventory into the job result. */
export function summariseInventory(api: string, inventory: ShareInventory, finishedAt: Date): CrawlJobResult {
  return {
    api,
    finishedAt: finishedAt.toISOString(),
    sharingFlagEnabled: inventory.sharingFlagEnabled,
    orgs: inventory.orgs,
    spaces: inventory.spaces,
    instances: inventory.instances,
    managedInstances: inventory.managedInstances,
    sharedInstances: inventory.sharedInstances,
    shares: inventory.shares.length,
    crossOrgShares: inventory.shares.filter((share) => share.sourceOrgGuid !== share.targetOrgGuid).length,
    requests: inventory.requests,
  };
}

/** The crawl processor: thin, the work is `crawlShareInventory`. */
export function crawlProcessor(client: CfClient, api: string, log: Logger) {
  return async (job: Job<CrawlJobData, CrawlJobResult>): Promise<CrawlJobResult> => {
    const jobLog = log.child({ queue: job.queueName, jobId: job.id });
    jobLog.info({ requestedAt: job.data.requestedAt }, 'crawl started');
    const inventory = await crawlShareInventory(client, { log: jobLog });
    const result = summariseInventory(api, inventory, new Date());
    jobLog.info({ shares: result.shares, requests: result.requests }, 'crawl finished');
    return result;
  };
}
