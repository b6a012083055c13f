import type { RedisClient } from '../../core/redis-connection.js';
import { UsageError } from '../../usage-error.js';
import type { CampaignMeta } from './campaign-model.js';
import type { CampaignStore } from './campaign-store.js';
import { campaignQueues } from './campaign-queue.js';
import { summarizeCampaign, type CampaignProgress } from './campaign-summary.js';
import { renderCampaignReport } from './campaign-report.js';

/** A campaign's record, or a usage error that points at `campaign list`. */
export async function requireMeta(store: CampaignStore, id: string): Promise<CampaignMeta> {
  const meta = await store.meta(id);
  if (!meta) throw new UsageError(`no campaign '${id}' under this prefix (see cf-shares campaign list)`);
  return meta;
}

/** Why a running campaign is not moving, when no worker serves its foundation. */
export async function waitingFor(redis: RedisClient, prefix: string, meta: CampaignMeta): Promise<string | undefined> {
  if (meta.status === 'done' || meta.status === 'cancelled') return undefined;
  const queues = campaignQueues(redis, prefix, meta.api);
  try {
    return (await queues.unshare.getWorkersCount()) === 0
      ? `waiting for a worker of ${meta.api} (start 'cf-shares worker' logged in to it as an admin)`
      : undefined;
  } finally {
    await queues.close();
  }
}

/** Campaigns under the prefix (of one foundation, or all), by API, each with its progress. */
export async function listCampaigns(
  store: CampaignStore,
  api: string | undefined,
): Promise<Array<{ meta: CampaignMeta; progress: CampaignProgress }>> {
  const metas = (await store.list(api)).sort((a, b) => a.api.localeCompare(b.api));
  const rows = [];
  for (const meta of metas)
    rows.push({
      meta,
      progress: summarizeCampaign(meta, await store.tally(meta.id), Date.now(), {
        paused: await store.pauseRecord(meta.id),
      }),
    });
  return rows;
}

/** The files of `campaign report`: campaign.json, items.csv, audit-trail.csv and the rest. */
export async function campaignReportFiles(store: CampaignStore, meta: CampaignMeta): Promise<Record<string, string>> {
  return renderCampaignReport({
    meta,
    items: await store.items(meta.id),
    outcomes: await store.outcomes(meta.id),
    attempts: await store.attempts(meta.id),
    ledger: await store.ledgerEntries(meta.id),
    audit: await store.auditEntries(meta.id),
    verification: await store.verification(meta.id),
  });
}
