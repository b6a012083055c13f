import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { fleetFlags, redisFlags } from '../../config/connection-flags.js';
import { resolveFleet, resolveRedisOptions } from '../../config/connection-options.js';
import { DEFAULTS } from '../../core/defaults.js';
import { UsageError } from '../../usage-error.js';
import { waitForStop } from '../../wait-for-stop.js';
import { dashboardAuth } from './dashboard-auth.js';

interface DashboardArgs {
  redis?: string;
  prefix?: string;
  foundations?: string;
  host: string;
  port: number;
  'allow-actions': boolean;
}

/**
 * `cf-shares dashboard`: bull-board at /queues, reports and campaigns pages and /metrics, from Redis, until
 * SIGINT/SIGTERM. Read-only unless --allow-actions; anything but loopback needs a token or credentials.
 */
export function dashboardCommand(context: CliContext): CommandModule<object, DashboardArgs> {
  return {
    command: 'dashboard',
    describe: 'Serve a web dashboard: queues (bull-board), reports, campaigns and /metrics, read from Redis',
    builder: (y) =>
      y
        .options(redisFlags('Redis:'))
        .option('foundations', fleetFlags('Fleet:').foundations)
        .option('host', {
          type: 'string',
          default: DEFAULTS.listenHost,
          describe:
            'Address to listen on; other than loopback it needs CF_SHARES_DASHBOARD_TOKEN or CF_SHARES_DASHBOARD_USER/PASSWORD',
        })
        .option('port', { type: 'number', default: DEFAULTS.dashboardPort, describe: 'Port to listen on' })
        .option('allow-actions', {
          type: 'boolean',
          default: false,
          describe: "Allow bull-board's actions (retry, clean, pause, ...) and campaign cancel (read-only without it)",
        }),
    handler: async (args) => {
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65_535)
        throw new UsageError(`--port must be a port number (got ${String(args.port)})`);
      // Refused before anything connects: exposing the dashboard without auth is never started.
      const auth = dashboardAuth(args.host, context.env);
      const { redisUrl, prefix } = resolveRedisOptions(args, context.env);
      const hasFile = args.foundations !== undefined || Boolean(context.env.CF_SHARES_FOUNDATIONS);
      const extraApis = hasFile ? resolveFleet(args, context.env).foundations.map(({ api }) => api) : [];
      const [{ assertRedisReachable }, { startDashboard }] = await Promise.all([
        import('../../core/redis-connection.js'),
        import('./start-dashboard.js'),
      ]);
      await assertRedisReachable(redisUrl);
      const log = context.log.child({ command: 'dashboard', pid: process.pid });
      const dashboard = await startDashboard({
        redisUrl,
        prefix,
        host: args.host,
        port: args.port,
        auth,
        allowActions: args['allow-actions'],
        extraApis,
        log,
      });
      context.stdout.write(
        `dashboard: ${dashboard.url}/ (${args['allow-actions'] ? 'actions allowed' : 'read-only'}${auth.token || auth.basic ? ', auth required' : ''})\n`,
      );
      await waitForStop(context.stopSignal);
      await dashboard.close();
    },
  };
}
