import type { RetryWait, SendObservation } from '../client/index.js';
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import type { ConnectionOptions } from '../config/connection-options.js';
import type { Logger } from '../log.js';
import { closeAll } from './close-all.js';

/**
 * One queue a worker process serves: its name, the processor of its jobs, and worker options beyond the host's. A
 * host serving several foundations on a Redis Cluster gives each queue its foundation's `prefix` here
 * (`foundationPrefix`): the host's own prefix is one foundation's.
 */
export interface QueueProcessor {
  readonly queueName: string;
  readonly processor: Processor;
  readonly options?: Partial<WorkerOptions>;
}

export interface WorkerHostOptions {
  /** The blocking connection every worker shares. */
  readonly connection: RedisClient;
  /** BullMQ prefix of the foundation whose queues these are (`foundationPrefix`). */
  readonly prefix: string;
  /** Worker name shown by BullMQ (who@host:pid). */
  readonly name: string;
  /** Lock duration and stall check interval, in ms. */
  readonly lockMs: number;
  readonly log: Logger;
  /** The command that started these workers reports failures itself: failures are logged at debug. */
  readonly inProcess?: boolean;
}

/** BullMQ workers for a list of queues; knows no feature. */
export interface WorkerHost {
  /** The workers by queue name. */
  readonly workers: ReadonlyMap<string, Worker>;
  waitUntilReady(): Promise<void>;
  /** Closes every worker (jobs at hand finish), each even if another throws. */
  close(): Promise<void>;
}

/** Starts one BullMQ worker per queue/processor pair, with the host's connection, prefix, name and lock. */
export function hostWorkers(queues: readonly QueueProcessor[], options: WorkerHostOptions): WorkerHost {
  const { log } = options;
  const workers = new Map<string, Worker>();
  for (const { queueName, processor, options: extra } of queues) {
    const worker = new Worker(queueName, processor, {
      connection: options.connection,
      prefix: options.prefix,
      name: options.name,
      concurrency: 1,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
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
    workers.set(queueName, worker);
  }
  return {
    workers,
    waitUntilReady: async () => {
      await Promise.all([...workers.values()].map((worker) => worker.waitUntilReady()));
    },
    close: () => closeAll([...workers.values()].map((worker) => () => worker.close())),
  };
}

/** Running workers of one process. */
export interface RunningWorkers {
  /** The roles actually served (a read-only identity serves no campaign work). */
  readonly roles: readonly string[];
  /**
   * Cancels a job this process is working on (its processor gets an abort signal); false when none of these workers
   * holds it (still queued, or another process runs it). Optional: hosts that cannot cancel leave it out.
   */
  cancelJob?(jobId: string, reason: string): boolean;
  close(): Promise<void>;
}

/** What a command asks of the process's workers; the composition root (features/worker) knows what each role is. */
export interface StartWorkersOptions {
  /**
   * Roles to serve. Absent: every role this identity may serve. Named: exactly these, and an identity that may not
   * serve one of them is refused.
   */
  roles?: readonly string[];
  /** Also write scheduled reports here. */
  reportsDir?: string;
  /** The command that started these workers reports failures itself. */
  inProcess?: boolean;
  /** Unshare items worked at once by this process. @defaultValue `DEFAULTS.unshareConcurrency` */
  unshareConcurrency?: number;
  /**
   * How long a job's lock lasts without renewal; a worker killed mid-job has its jobs picked up by another after
   * about this long. @defaultValue `DEFAULTS.lockMs` (BullMQ's), or CF_SHARES_LOCK_MS
   */
  lockMs?: number;
  /** How often failed item jobs are checked for a missing outcome. @defaultValue `DEFAULTS.reconcileMs` */
  reconcileMs?: number;
  /** Told before the client waits to retry a CC request, so a foreground command can say what it waits for. */
  onRetryWait?: (wait: RetryWait) => void;
  /**
   * For metrics: given a foundation's API, the observer of its client's HTTP sends (requests, retries, 429s by
   * endpoint family). Absent: nothing is counted.
   */
  observeSends?: (api: string) => (send: SendObservation) => void;
}

/**
 * Starts the workers of this process's foundation. Features that work their own job in-process (report, export,
 * campaigns) get this from the entrypoint instead of importing the composition root, which imports them.
 */
export type StartWorkers = (
  connection: ConnectionOptions,
  log: Logger,
  options?: StartWorkersOptions,
) => Promise<RunningWorkers>;
