import { Queue, Worker, type Processor, type WorkerOptions } from 'bullmq';
import { hostname } from 'node:os';
import type { ConnectionOptions } from '../../config/connection-options.js';
import type { Logger } from '../../log.js';
import type { CfClient } from '../../client/index.js';
import { UsageError } from '../../usage-error.js';
import { connectClient } from '../../core/connect-client.js';
import { reportProcessor } from '../report/report-processor.js';
import { QueueName, bullPrefix, queueNameFor } from '../../core/queue-names.js';
import { createRedisConnection } from '../../core/redis-connection.js';
import { closeAll } from '../../core/close-all.js';
import { registerFoundation } from '../../core/foundation-registry.js';
import { CampaignStore } from '../campaign/campaign-store.js';
import { unshareProcessor } from '../campaign/unshare-processor.js';
import { finalizeCampaign } from '../campaign/finalize-campaign.js';
import { campaignBackoff } from '../campaign/campaign-backoff.js';
import { enqueueFinalize, reconcileFailedJobs, type FinalizeJobData } from '../campaign/campaign-queue.js';

/** What a worker process does: audits (report and export jobs) and campaigns (unshare items and finalisation). */
export type WorkerRole = 'report' | 'campaign';
export const WORKER_ROLES: readonly WorkerRole[] = ['report', 'campaign'];

/** Running workers of one process. */
export interface RunningWorkers {
  /** The roles actually served (a read-only identity serves no campaign work). */
  readonly roles: readonly WorkerRole[];
  close(): Promise<void>;
}

export interface StartWorkersOptions {
  /**
   * Roles to serve. Absent: every role this identity may serve. Named: exactly these, and an identity that may not
   * serve one of them is refused.
   */
  roles?: readonly WorkerRole[];
  /** Also write scheduled reports here. */
  reportsDir?: string;
  /** The command that started these workers reports failures itself. */
  inProcess?: boolean;
  /** Unshare items worked at once by this process. @defaultValue 4 */
  unshareConcurrency?: number;
  /**
   * How long a job's lock lasts without renewal; a worker killed mid-job has its jobs picked up by another after
   * about this long. @defaultValue 30000 (BullMQ's), or CF_SHARES_LOCK_MS
   */
  lockMs?: number;
  /** How often failed item jobs are checked for a missing outcome. @defaultValue 5000 */
  reconcileMs?: number;
}

/**
 * How often an item's job may stall (its worker died or lost Redis mid-item) before the item is failed. Unsharing
 * is idempotent, so a stall costs nothing but time; a job that keeps killing its workers must still end.
 */
const ITEM_MAX_STALLS = Number(process.env.CF_SHARES_MAX_STALLS) || 10;

/**
 * How long one attempt of `--delete-bindings-first` waits for a binding's delete job before handing the item back
 * as blocked: CC may poll an asynchronous broker for hours (cc-api.md §13), far longer than a job should hold a slot.
 */
const UNBIND_WAIT_MS = Number(process.env.CF_SHARES_UNBIND_WAIT_MS) || 60_000;

/** Only an admin may unshare for others (cc-api.md §1.2): a read-only identity would fail every item with 403. */
function campaignRefusal(client: CfClient): string | undefined {
  const identity = client.identity;
  if (identity?.kind === 'admin') return undefined;
  return `${identity?.userName ?? identity?.clientId ?? 'this identity'} is ${identity?.kind ?? 'unknown'}: campaign work needs cloud_controller.admin`;
}

/**
 * Starts workers for the queues of this process's foundation, logged in with its own credentials. Each foundation
 * has its own queues (`queueNameFor`), so a worker never takes another foundation's jobs, and a job whose foundation
 * no worker serves waits on its queue. Used by `cf-shares worker` and by commands that work their own job.
 */
export async function startWorkers(
  connection: ConnectionOptions,
  log: Logger,
  options: StartWorkersOptions = {},
): Promise<RunningWorkers> {
  const client = await connectClient(connection, log);
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
  const prefix = bullPrefix(connection.prefix);
  const store = new CampaignStore(dataRedis, connection.prefix);
  const finalizeQueue = new Queue<FinalizeJobData>(queueNameFor(QueueName.campaign, api), {
    connection: bullRedis,
    prefix,
  });
  const unshareQueue = new Queue(queueNameFor(QueueName.unshare, api), { connection: bullRedis, prefix });
  const onFinal = async (campaignId: string): Promise<void> => {
    const meta = await store.meta(campaignId);
    if (meta && meta.status !== 'done' && (await store.finishedCount(campaignId)) >= meta.total)
      await enqueueFinalize(finalizeQueue, meta);
  };
  const name = `${client.identity?.userName ?? client.identity?.clientId ?? 'worker'}@${hostname()}:${process.pid}`;

  const processors: Array<[WorkerRole, string, Processor, Partial<WorkerOptions>]> = [
    [
      'report',
      queueNameFor(QueueName.report, api),
      reportProcessor(client, api, dataRedis, connection.prefix, log, options.reportsDir),
      {},
    ],
    [
      'campaign',
      queueNameFor(QueueName.unshare, api),
      unshareProcessor({
        client,
        api,
        store,
        redis: dataRedis,
        log,
        queue: () => unshareQueue,
        onFinal,
        unbindWaitMs: UNBIND_WAIT_MS,
      }),
      {
        concurrency: options.unshareConcurrency ?? 4,
        maxStalledCount: ITEM_MAX_STALLS,
        settings: { backoffStrategy: campaignBackoff },
      },
    ],
    [
      'campaign',
      queueNameFor(QueueName.campaign, api),
      async (job) => finalizeCampaign(client, store, (job.data as FinalizeJobData).campaignId),
      {},
    ],
  ];
  const lockDuration = options.lockMs ?? (Number(process.env.CF_SHARES_LOCK_MS) || 30_000);
  const serving = processors.filter(([role]) => roles.includes(role));
  const workers = serving.map(([, queueName, processor, extra]) => {
    const worker = new Worker(queueName, processor, {
      connection: bullRedis,
      prefix,
      name,
      concurrency: 1,
      lockDuration,
      stalledInterval: lockDuration,
      ...extra,
    });
    // An in-process worker's command reports the failure itself, as its last line; a standalone worker must log it.
    worker.on('failed', (job, error) =>
      log[options.inProcess ? 'debug' : 'warn'](
        { queue: queueName, jobId: job?.id, err: { message: error.message } },
        'job failed',
      ),
    );
    worker.on('error', (error) => log.error({ queue: queueName, err: { message: error.message } }, 'worker error'));
    return worker;
  });

  // Items whose jobs ended in the failed set without an outcome get one: at start (a previous worker's leftovers),
  // on every failure, and on a timer (a job failed by another worker's stall check emits nothing here).
  let reconciling: Promise<unknown> = Promise.resolve();
  const reconcile = (): void => {
    reconciling = reconciling
      .then(() => reconcileFailedJobs(unshareQueue, store, onFinal))
      .then(
        (recorded) =>
          recorded > 0 && log.warn({ recorded }, 'items whose jobs failed without an outcome were recorded failed'),
      )
      .catch((error: Error) => log.warn({ err: { message: error.message } }, 'reconciling failed jobs did not finish'));
  };
  const timer = roles.includes('campaign') ? setInterval(reconcile, options.reconcileMs ?? 5000) : undefined;
  timer?.unref();
  for (const worker of workers)
    if (worker.name === queueNameFor(QueueName.unshare, api)) worker.on('failed', reconcile);

  const close = () =>
    closeAll([
      () => timer && clearInterval(timer),
      ...workers.map((worker) => () => worker.close()),
      () => reconciling,
      () => finalizeQueue.close(),
      () => unshareQueue.close(),
      () => client.close(),
      () => bullRedis.quit(),
      () => dataRedis.quit(),
    ]);
  try {
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    await registerFoundation(dataRedis, connection.prefix, api);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  if (roles.includes('campaign')) reconcile();
  log.info(
    { api, roles, queues: serving.map(([, queueName]) => queueName), prefix: connection.prefix },
    'worker ready',
  );
  return { roles, close };
}
