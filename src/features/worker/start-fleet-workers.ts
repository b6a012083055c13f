import { hostname } from 'node:os';
import { UnrecoverableError, type Job } from 'bullmq';
import type { CfClient, SendObservation } from '../../client/index.js';
import type { ConnectionOptions } from '../../config/connection-options.js';
import type { FleetEntry } from '../../config/fleet-file.js';
import type { Logger } from '../../log.js';
import { describeError } from '../../describe-error.js';
import { connectClient } from '../../core/connect-client.js';
import { QueueName, bullPrefix, foundationPrefix, queueNameFor } from '../../core/queue-names.js';
import { createRedisConnection } from '../../core/redis-connection.js';
import { closeAll } from '../../core/close-all.js';
import { registerFoundation } from '../../core/foundation-registry.js';
import { DEFAULTS } from '../../core/defaults.js';
import { hostWorkers, type QueueProcessor, type RunningWorkers } from '../../core/worker-host.js';
import { notifyProcessor } from '../notify/notify-processor.js';
import { notifyReportHook } from '../notify/notify-report-hook.js';
import { reportProcessor, type ReportJobData, type ReportJobResult } from '../report/report-processor.js';
import { exportStep } from '../export/export-step.js';

/** One foundation a fleet worker serves: its entry, and how to get its connection options when a job needs them. */
export interface FleetTarget {
  readonly entry: FleetEntry;
  /** Resolved at login, not at start, so a rotated secret file is read again when a login is retried. */
  readonly connection: () => ConnectionOptions;
}

export interface StartFleetWorkersOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly reportsDir?: string;
  /** @defaultValue `DEFAULTS.lockMs`, or CF_SHARES_LOCK_MS */
  readonly lockMs?: number;
  /** For metrics: the observer of each foundation's client's HTTP sends (see `StartWorkersOptions.observeSends`). */
  readonly observeSends?: (api: string) => (send: SendObservation) => void;
}

/**
 * One foundation's client, logged in when its first job arrives, so a foundation that is down (or whose secret is
 * missing) neither delays nor stops the others. A failed login is not kept: the next job tries again.
 */
function lazyClient(
  target: FleetTarget,
  log: Logger,
  onSend?: (send: SendObservation) => void,
): { get(): Promise<CfClient>; close(): Promise<void> } {
  let pending: Promise<CfClient> | undefined;
  return {
    get() {
      pending ??= Promise.resolve()
        .then(() => connectClient(target.connection(), log, { onSend }))
        .catch((error: unknown) => {
          pending = undefined;
          throw error;
        });
      return pending;
    },
    close: async () => {
      const client = await pending?.catch(() => undefined);
      await client?.close();
    },
  };
}

/**
 * Serves the report queues (reports, exports, schedules) of every foundation of a fleet file in one process. Campaign
 * work is left to a worker of one foundation (`worker --foundation NAME`): whether an identity may unshare is known
 * only after it logs in, and a fleet worker logs in lazily.
 */
export async function startFleetWorkers(
  targets: readonly FleetTarget[],
  log: Logger,
  options: StartFleetWorkersOptions,
): Promise<RunningWorkers> {
  const bullRedis = createRedisConnection(options.redisUrl);
  const dataRedis = createRedisConnection(options.redisUrl);
  for (const redis of [bullRedis, dataRedis])
    redis.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'redis connection error'));
  const clients: Array<{ close(): Promise<void> }> = [];
  const queues: QueueProcessor[] = targets.flatMap((target) => {
    const { entry } = target;
    const foundationLog = log.child({ foundation: entry.name });
    const client = lazyClient(target, foundationLog, options.observeSends?.(entry.api));
    clients.push(client);
    return [
      {
        queueName: queueNameFor(QueueName.report, entry.api),
        // On a Redis Cluster each foundation's queues live under their own hash tag (one slot per foundation).
        options: { prefix: foundationPrefix(options.prefix, entry.api, bullRedis) },
        processor: async (job: Job<ReportJobData, ReportJobResult>, token?: string, signal?: AbortSignal) => {
          let logged: CfClient;
          try {
            logged = await client.get();
          } catch (error) {
            // Not retried: the job says why in one line, and the worker goes on with the other foundations.
            throw new UnrecoverableError(
              `cannot log in to foundation ${entry.name} (${entry.api}): ${describeError(error).line}`,
            );
          }
          return reportProcessor({
            client: logged,
            api: entry.api,
            redis: dataRedis,
            prefix: options.prefix,
            log: foundationLog,
            ...(options.reportsDir !== undefined && { reportsDir: options.reportsDir }),
            steps: [exportStep],
            hooks: [notifyReportHook],
          })(job, token, signal);
        },
      },
      // Each foundation's webhook deliveries: they need no login, only the report role.
      {
        queueName: queueNameFor(QueueName.notify, entry.api),
        options: { prefix: foundationPrefix(options.prefix, entry.api, bullRedis) },
        processor: notifyProcessor(foundationLog),
      },
    ];
  });
  const host = hostWorkers(queues, {
    connection: bullRedis,
    prefix: bullPrefix(options.prefix),
    name: `fleet@${hostname()}:${process.pid}`,
    lockMs: options.lockMs ?? (Number(process.env.CF_SHARES_LOCK_MS) || DEFAULTS.lockMs),
    log,
  });
  const close = () =>
    closeAll([
      () => host.close(),
      ...clients.map((client) => () => client.close()),
      () => bullRedis.quit(),
      () => dataRedis.quit(),
    ]);
  try {
    await host.waitUntilReady();
    for (const { entry } of targets) await registerFoundation(dataRedis, options.prefix, entry.api);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  log.info(
    { foundations: targets.map(({ entry }) => entry.name), roles: ['report'], prefix: options.prefix },
    'fleet worker ready',
  );
  const cancelJob = (jobId: string, reason: string): boolean =>
    [...host.workers.values()].some((worker) => worker.cancelJob(jobId, reason));
  return { roles: ['report'], cancelJob, close };
}
