import type { CommandModule } from 'yargs';
import type { CliContext } from '../cli-context.js';
import { resolveConnectionOptions, type ConnectionFlags } from '../config/connection-options.js';
import { withConnectionFlags } from './connection-flags.js';
import { waitForStop } from '../wait-for-stop.js';

/** `cf-shares worker`: processes every queue until SIGINT/SIGTERM, then finishes the job at hand and exits. */
export function workerCommand(context: CliContext): CommandModule<object, ConnectionFlags & { 'reports-dir'?: string }> {
  return {
    command: 'worker',
    describe: 'Run a long-lived worker for every queue (stops cleanly on SIGINT/SIGTERM)',
    builder: (y) =>
      withConnectionFlags(y).option('reports-dir', { type: 'string', describe: 'Also write the reports of schedules here, in <schedule>/<report id>/ [env CF_SHARES_REPORTS_DIR]' }),
    handler: async (args) => {
      const connection = resolveConnectionOptions(args, context.env);
      const [{ assertRedisReachable }, { startWorkers }] = await Promise.all([
        import('../jobs/redis-connection.js'),
        import('../jobs/start-workers.js'),
      ]);
      await assertRedisReachable(connection.redisUrl);
      const log = context.log.child({ command: 'worker', pid: process.pid });
      const reportsDir = args['reports-dir'] ?? context.env.CF_SHARES_REPORTS_DIR;
      const workers = await startWorkers(connection, log, reportsDir === undefined ? {} : { reportsDir });
      await waitForStop(context.stopSignal);
      log.info('stopping: waiting for jobs in progress');
      await workers.close();
      log.info('stopped');
    },
  };
}
