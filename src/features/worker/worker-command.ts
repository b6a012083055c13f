import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import {
  resolveConnectionOptions,
  resolveFleet,
  resolveRedisOptions,
  type ConnectionFlags,
} from '../../config/connection-options.js';
import { fleetEntry, type FleetEntry } from '../../config/fleet-file.js';
import { UsageError } from '../../usage-error.js';
import { withConnectionFlags } from '../../config/connection-flags.js';
import { waitForStop } from '../../wait-for-stop.js';
import { DEFAULTS } from '../../core/defaults.js';
import type { Logger } from '../../log.js';
import type { RunningWorkers } from '../../core/worker-host.js';
import type { WorkerRole } from './start-workers.js';

interface WorkerArgs extends Omit<ConnectionFlags, 'foundation'> {
  'reports-dir'?: string;
  'metrics-port'?: number;
  'metrics-host': string;
  serve?: WorkerRole[];
  foundation?: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The foundations of a fleet worker, or undefined for a worker of one foundation (today's flags, or one
 * `--foundation NAME`, which serves campaigns too). A fleet worker is asked for with `--foundations FILE`, several
 * `--foundation`s or `all`, or CF_SHARES_FOUNDATIONS when no API is given at all.
 */
export function fleetWorkerEntries(args: WorkerArgs, env: Env): FleetEntry[] | undefined {
  const names = args.foundation ?? [];
  const single = names.length === 1 && names[0] !== 'all';
  const fleetFile = args.foundations !== undefined || (env.CF_SHARES_FOUNDATIONS && !args.api && !env.CF_API);
  if (single || (names.length === 0 && !fleetFile)) return undefined;
  const fleet = resolveFleet(args, env);
  if (names.length === 0 || names.includes('all')) return [...fleet.foundations];
  return [...new Set(names.map((name) => fleetEntry(fleet, name)))];
}

/** The worker's `/metrics` server when `--metrics-port` asks for one; prom-client is loaded only then. */
async function metricsOf(
  args: WorkerArgs,
  redis: { redisUrl: string; prefix: string },
  log: Logger,
  extraApis: readonly string[] = [],
) {
  if (args['metrics-port'] === undefined) return undefined;
  const { startMetrics } = await import('../metrics/start-metrics.js');
  return startMetrics({ ...redis, host: args['metrics-host'], port: args['metrics-port'], log, extraApis });
}

/**
 * Starts the workers, serves until SIGINT/SIGTERM, then lets the jobs at hand finish and closes the metrics server;
 * a start that fails closes the metrics server too, so no port is left open.
 */
async function serveUntilStopped(
  start: () => Promise<RunningWorkers>,
  metrics: { close(): Promise<void> } | undefined,
  stop: AbortSignal,
  log: Logger,
): Promise<void> {
  let workers: RunningWorkers;
  try {
    workers = await start();
  } catch (error) {
    await metrics?.close();
    throw error;
  }
  await waitForStop(stop);
  log.info('stopping: waiting for jobs in progress');
  await workers.close();
  await metrics?.close();
  log.info('stopped');
}

/**
 * `cf-shares worker`: serves the queues of the foundation it is logged in to until SIGINT/SIGTERM, then finishes the
 * jobs at hand and exits. A read-only identity serves report work only; campaign work needs an admin.
 */
export function workerCommand(context: CliContext): CommandModule<object, WorkerArgs> {
  return {
    command: 'worker',
    describe: "Run a long-lived worker for this foundation's queues (stops cleanly on SIGINT/SIGTERM)",
    builder: (y) =>
      withConnectionFlags(y)
        .option('reports-dir', {
          type: 'string',
          describe: 'Also write the reports of schedules here, in <schedule>/<report id>/ [env CF_SHARES_REPORTS_DIR]',
        })
        .option('foundation', {
          type: 'string',
          array: true,
          describe: 'Serve these foundations of the fleet file (repeatable; all when absent with --foundations)',
          group: 'Fleet:',
        })
        .option('serve', {
          type: 'string',
          array: true,
          choices: ['report', 'campaign'] as const,
          describe:
            'Work to take: report (reports, exports, schedules; any foundation-wide reader) and campaign (unshare items; admin only) [default: all this identity may do]',
        })
        .option('metrics-port', {
          type: 'number',
          describe: 'Serve Prometheus metrics on this port at /metrics (reports, queues, campaigns, CC requests)',
          group: 'Metrics:',
        })
        .option('metrics-host', {
          type: 'string',
          default: DEFAULTS.listenHost,
          describe: 'Address the metrics server listens on',
          group: 'Metrics:',
        }),
    handler: async (args) => {
      const reportsDir = args['reports-dir'] ?? context.env.CF_SHARES_REPORTS_DIR;
      const entries = fleetWorkerEntries(args, context.env);
      if (entries !== undefined) {
        if (args.serve?.includes('campaign'))
          throw new UsageError(
            'a worker of several foundations serves report work only: run campaign workers with --foundation NAME',
          );
        const { redisUrl, prefix } = resolveRedisOptions(args, context.env);
        const [{ assertRedisReachable }, { startFleetWorkers }] = await Promise.all([
          import('../../core/redis-connection.js'),
          import('./start-fleet-workers.js'),
        ]);
        await assertRedisReachable(redisUrl);
        const log = context.log.child({ command: 'worker', pid: process.pid });
        for (const entry of entries) {
          // Said now, not at the first job: a missing variable or secret file is the operator's to fix.
          try {
            resolveConnectionOptions(args, context.env, entry);
          } catch (error) {
            log.warn({ foundation: entry.name, reason: (error as Error).message }, 'foundation cannot log in yet');
          }
        }
        const metrics = await metricsOf(
          args,
          { redisUrl, prefix },
          log,
          entries.map(({ api }) => api),
        );
        const start = () =>
          startFleetWorkers(
            entries.map((entry) => ({ entry, connection: () => resolveConnectionOptions(args, context.env, entry) })),
            log,
            {
              redisUrl,
              prefix,
              ...(reportsDir !== undefined && { reportsDir }),
              ...(metrics && { observeSends: metrics.metrics.observeSends }),
            },
          );
        return serveUntilStopped(start, metrics, context.stopSignal, log);
      }
      const connection = resolveConnectionOptions(args, context.env);
      const [{ assertRedisReachable }, { startWorkers }] = await Promise.all([
        import('../../core/redis-connection.js'),
        import('./start-workers.js'),
      ]);
      await assertRedisReachable(connection.redisUrl);
      const log = context.log.child({ command: 'worker', pid: process.pid });
      const metrics = await metricsOf(args, connection, log);
      const start = () =>
        startWorkers(connection, log, {
          ...(reportsDir !== undefined && { reportsDir }),
          ...(args.serve !== undefined && { roles: args.serve }),
          ...(metrics && { observeSends: metrics.metrics.observeSends }),
        });
      return serveUntilStopped(start, metrics, context.stopSignal, log);
    },
  };
}
