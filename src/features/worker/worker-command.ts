import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { resolveConnectionOptions, type ConnectionFlags } from '../../config/connection-options.js';
import { withConnectionFlags } from '../../config/connection-flags.js';
import { waitForStop } from '../../wait-for-stop.js';
import type { WorkerRole } from './start-workers.js';

interface WorkerArgs extends ConnectionFlags {
  'reports-dir'?: string;
  serve?: WorkerRole[];
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
        .option('serve', {
          type: 'string',
          array: true,
          choices: ['report', 'campaign'] as const,
          describe:
            'Work to take: report (reports, exports, schedules; any foundation-wide reader) and campaign (unshare items; admin only) [default: all this identity may do]',
        }),
    handler: async (args) => {
      const connection = resolveConnectionOptions(args, context.env);
      const [{ assertRedisReachable }, { startWorkers }] = await Promise.all([
        import('../../core/redis-connection.js'),
        import('./start-workers.js'),
      ]);
      await assertRedisReachable(connection.redisUrl);
      const log = context.log.child({ command: 'worker', pid: process.pid });
      const reportsDir = args['reports-dir'] ?? context.env.CF_SHARES_REPORTS_DIR;
      const workers = await startWorkers(connection, log, {
        ...(reportsDir !== undefined && { reportsDir }),
        ...(args.serve !== undefined && { roles: args.serve }),
      });
      await waitForStop(context.stopSignal);
      log.info('stopping: waiting for jobs in progress');
      await workers.close();
      log.info('stopped');
    },
  };
}
