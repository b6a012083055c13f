import { hostname } from 'node:os';
import type { ConnectionOptions } from '../../config/connection-options.js';
import type { Logger } from '../../log.js';
import { UsageError } from '../../usage-error.js';
import { connectClient } from '../../core/connect-client.js';
import { QueueName, foundationPrefix, queueNameFor } from '../../core/queue-names.js';
import { createRedisConnection } from '../../core/redis-connection.js';
import { closeAll } from '../../core/close-all.js';
import { registerFoundation } from '../../core/foundation-registry.js';
import { DEFAULTS } from '../../core/defaults.js';
import {
  hostWorkers,
  type QueueProcessor,
  type RunningWorkers,
  type StartWorkersOptions,
} from '../../core/worker-host.js';
import { reportProcessor } from '../report/report-processor.js';
import { exportStep } from '../export/export-step.js';
import { notifyProcessor } from '../notify/notify-processor.js';
import { notifyReportHook } from '../notify/notify-report-hook.js';
import { notifyCampaignHook } from '../notify/notify-campaign-hook.js';
import { campaignRefusal, campaignWorkers, type CampaignWorkers } from '../campaign/campaign-workers.js';

/** What a worker process does: audits (report and export jobs) and campaigns (unshare items and finalisation). */
export type WorkerRole = 'report' | 'campaign';
export const WORKER_ROLES: readonly WorkerRole[] = ['report', 'campaign'];

/**
 * Starts workers for the queues of this process's foundation, logged in with its own credentials. Each foundation
 * has its own queues (`queueNameFor`), so a worker never takes another foundation's jobs, and a job whose foundation
 * no worker serves waits on its queue. The composition root: it builds each feature's queue/processor pairs and
 * hands them to core's worker host. Used by `cf-shares worker` and, through the entrypoint, by commands that work
 * their own job.
 */
export async function startWorkers(
  connection: ConnectionOptions,
  log: Logger,
  options: StartWorkersOptions = {},
): Promise<RunningWorkers> {
  const client = await connectClient(connection, log, {
    onRetryWait: options.onRetryWait,
    onSend: options.observeSends?.(connection.api),
  });
  const refusal = campaignRefusal(client);
  let roles = options.roles ?? WORKER_ROLES;
  if (refusal !== undefined && roles.includes('campaign')) {
    if (options.roles !== undefined) {
      await client.close();
      throw new UsageError(refusal);
    }
    log.info({ reason: refusal }, 'not serving campaign queues');
    roles = roles.filter((role) => role !== 'campaign');
  }
  const api = connection.api;
  // Workers block on Redis; data commands wait through a Redis restart instead of failing the job.
  const bullRedis = createRedisConnection(connection.redisUrl);
  const dataRedis = createRedisConnection(connection.redisUrl);
  for (const redis of [bullRedis, dataRedis])
    redis.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'redis connection error'));

  const queues: QueueProcessor[] = [];
  if (roles.includes('report'))
    queues.push({
      queueName: queueNameFor(QueueName.report, api),
      processor: reportProcessor({
        client,
        api,
        redis: dataRedis,
        prefix: connection.prefix,
        log,
        ...(options.reportsDir !== undefined && { reportsDir: options.reportsDir }),
        steps: [exportStep],
        hooks: [notifyReportHook],
      }),
    });
  // Webhook deliveries (`--notify`) go with the report role: every foundation-wide reader may post them, and a
  // nightly report-only worker is what runs where alerts matter. Campaign ends are queued here too.
  if (roles.includes('report'))
    queues.push({ queueName: queueNameFor(QueueName.notify, api), processor: notifyProcessor(log) });
  let campaign: CampaignWorkers | undefined;
  if (roles.includes('campaign')) {
    campaign = campaignWorkers({
      client,
      api,
      bullRedis,
      dataRedis,
      prefix: connection.prefix,
      log,
      ...(options.unshareConcurrency !== undefined && { unshareConcurrency: options.unshareConcurrency }),
      ...(options.reconcileMs !== undefined && { reconcileMs: options.reconcileMs }),
      onFinished: notifyCampaignHook(dataRedis, connection.prefix, log),
    });
    queues.push(...campaign.queues);
  }
  const host = hostWorkers(queues, {
    connection: bullRedis,
    prefix: foundationPrefix(connection.prefix, api, bullRedis),
    name: `${client.identity?.userName ?? client.identity?.clientId ?? 'worker'}@${hostname()}:${process.pid}`,
    lockMs: options.lockMs ?? (Number(process.env.CF_SHARES_LOCK_MS) || DEFAULTS.lockMs),
    log,
    ...(options.inProcess !== undefined && { inProcess: options.inProcess }),
  });
  campaign?.attach(host.workers);

  const close = () =>
    closeAll([
      () => host.close(),
      () => campaign?.close(),
      () => client.close(),
      () => bullRedis.quit(),
      () => dataRedis.quit(),
    ]);
  try {
    await host.waitUntilReady();
    await registerFoundation(dataRedis, connection.prefix, api);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  campaign?.reconcile();
  log.info({ api, roles, queues: queues.map(({ queueName }) => queueName), prefix: connection.prefix }, 'worker ready');
  const cancelJob = (jobId: string, reason: string): boolean =>
    [...host.workers.values()].some((worker) => worker.cancelJob(jobId, reason));
  return { roles, cancelJob, close };
}
