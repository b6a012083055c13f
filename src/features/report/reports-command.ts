import type { CommandModule } from 'yargs';
import { fleetFlags, redisFlags } from '../../config/connection-flags.js';
import type { CliContext } from '../../cli-context.js';
import { resolveOptionalApi, resolveRedisOptions } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { textTable } from '../../terminal/text-table.js';

interface ReportsArgs {
  api?: string;
  foundation?: string;
  foundations?: string;
  redis?: string;
  prefix?: string;
  id?: string;
  out?: string;
  json?: boolean;
}

async function withStore<T>(
  args: ReportsArgs,
  context: CliContext,
  use: (
    store: import('./report-store.js').ReportStore,
    redis: import('../../core/redis-connection.js').RedisClient,
    prefix: string,
  ) => Promise<T>,
): Promise<T> {
  const { redisUrl, prefix } = resolveRedisOptions(args, context.env);
  const [{ withRedis }, { ReportStore }] = await Promise.all([
    import('../../core/with-redis.js'),
    import('./report-store.js'),
  ]);
  return withRedis(redisUrl, (redis) => use(new ReportStore(redis, prefix), redis, prefix), { check: true });
}

/**
 * Report and export jobs not run yet, per foundation, and whether any worker of that foundation is there to run
 * them: a job nobody can serve waits, and says so.
 */
async function pendingJobs(
  redis: import('../../core/redis-connection.js').RedisClient,
  prefix: string,
  api: string | undefined,
): Promise<Array<{ api: string; waiting: number; active: number; workers: number }>> {
  const [{ Queue }, { knownFoundations }, { QueueName, foundationPrefix, queueNameFor }] = await Promise.all([
    import('bullmq'),
    import('../../core/foundation-registry.js'),
    import('../../core/queue-names.js'),
  ]);
  const pending = [];
  for (const foundation of api === undefined ? await knownFoundations(redis, prefix) : [api]) {
    const queue = new Queue(queueNameFor(QueueName.report, foundation), {
      connection: redis,
      prefix: foundationPrefix(prefix, foundation, redis),
    });
    try {
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
      const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
      const active = counts.active ?? 0;
      if (waiting + active > 0)
        pending.push({ api: foundation, waiting, active, workers: await queue.getWorkersCount() });
    } finally {
      await queue.close();
    }
  }
  return pending;
}

/** `cf-shares reports list|get`: reports of past runs, from any machine that shares the Redis. */
export function reportsCommand(context: CliContext): CommandModule<object, ReportsArgs> {
  return {
    command: 'reports <action>',
    describe: 'List stored reports, or write one to a folder',
    builder: (y) =>
      y
        .command(<CommandModule<object, ReportsArgs>>{
          command: 'list',
          describe: 'List stored reports, newest first',
          builder: (b) => b.option('json', { type: 'boolean', default: false, describe: 'One JSON line per report' }),
          handler: async (args: ReportsArgs): Promise<void> => {
            const api = resolveOptionalApi(args, context.env);
            const { reports, pending } = await withStore(args, context, async (store, redis, prefix) => ({
              reports: await store.list(-1, api),
              pending: await pendingJobs(redis, prefix, api),
            }));
            if (args.json) {
              for (const report of reports) context.stdout.write(`${JSON.stringify(report)}\n`);
              for (const jobs of pending) context.stdout.write(`${JSON.stringify({ pending: jobs })}\n`);
              return;
            }
            if (reports.length === 0) context.stdout.write('no reports stored under this prefix\n');
            else
              context.stdout.write(
                `${textTable(
                  ['ID', 'GENERATED', 'SHARES', 'FINDINGS', 'API'],
                  reports.map((r) => [r.id, r.generatedAt, String(r.shares), String(r.findings), r.api]),
                )}\n`,
              );
            for (const jobs of pending) {
              const state =
                jobs.workers === 0
                  ? `waiting for a worker of ${jobs.api} (start 'cf-shares worker' logged in to it)`
                  : `${jobs.workers} worker(s) of ${jobs.api} on it`;
              context.stdout.write(`${jobs.waiting} queued, ${jobs.active} running report job(s): ${state}\n`);
            }
          },
        })
        .command(<CommandModule<object, ReportsArgs>>{
          command: 'get <id>',
          describe: 'Write the files of a stored report into --out',
          builder: (b) =>
            b
              .positional('id', { type: 'string', demandOption: true })
              .option('out', { type: 'string', demandOption: true, describe: 'Folder to write the files into' }),
          handler: async (args: ReportsArgs): Promise<void> => {
            // Before Redis: a folder that cannot take the files is the person's to fix, whatever is stored.
            const { checkOutputDir } = await import('../../core/output-dir.js');
            await checkOutputDir(args.out!);
            // Only when asked on the command line: CF_API set for other commands must not hide a report by id.
            const api =
              args.foundation !== undefined || args.api !== undefined
                ? resolveOptionalApi(args, context.env)
                : undefined;
            const files = await withStore(args, context, async (store) => {
              const id = await store.resolve(args.id!);
              // With --foundation (or --api) a report of another foundation is not there, as a listing of it says.
              if (id === undefined || (api !== undefined && !(await store.list(-1, api)).some((r) => r.id === id)))
                return undefined;
              return store.files(id);
            });
            if (!files)
              throw new UsageError(
                `no stored report '${args.id}'${api !== undefined ? ` of ${api}` : ''} (see cf-shares reports list)`,
              );
            const [{ writeReportFiles }, { withReportHtml }] = await Promise.all([
              import('./write-files.js'),
              import('./html/render-html.js'),
            ]);
            const paths = await writeReportFiles(args.out!, withReportHtml(files));
            context.stdout.write(`${paths.length} files written to ${args.out}\n`);
          },
        })
        .options(redisFlags('Redis:'))
        .options(fleetFlags('Fleet:'))
        .option('api', {
          type: 'string',
          describe: 'Only this foundation (Cloud Controller API URL) [env CF_API; default all]',
          global: true,
        })
        .demandCommand(1, 'name an action: list or get'),
    handler: () => undefined,
  };
}
