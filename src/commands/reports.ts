import type { CommandModule } from 'yargs';
import type { CliContext } from '../cli-context.js';
import { resolveRedisOptions } from '../config/connection-options.js';
import { UsageError } from '../usage-error.js';
import { textTable } from '../render/text-table.js';

interface ReportsArgs {
  redis?: string;
  prefix?: string;
  id?: string;
  out?: string;
  json?: boolean;
}

async function withStore<T>(args: ReportsArgs, context: CliContext, use: (store: import('../jobs/report-store.js').ReportStore) => Promise<T>): Promise<T> {
  const { redisUrl, prefix } = resolveRedisOptions(args, context.env);
  const [{ assertRedisReachable, createRedisConnection }, { ReportStore }] = await Promise.all([import('../jobs/redis-connection.js'), import('../jobs/report-store.js')]);
  await assertRedisReachable(redisUrl);
  const redis = createRedisConnection(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    return await use(new ReportStore(redis, prefix));
  } finally {
    redis.disconnect();
  }
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
            const reports = await withStore(args, context, (store) => store.list());
            if (args.json) {
              for (const report of reports) context.stdout.write(`${JSON.stringify(report)}\n`);
              return;
            }
            if (reports.length === 0) {
              context.stdout.write('no reports stored under this prefix\n');
              return;
            }
            context.stdout.write(`${textTable(['ID', 'GENERATED', 'SHARES', 'FINDINGS', 'API'], reports.map((r) => [r.id, r.generatedAt, String(r.shares), String(r.findings), r.api]))}\n`);
          },
        })
        .command(<CommandModule<object, ReportsArgs>>{
          command: 'get <id>',
          describe: 'Write the files of a stored report into --out',
          builder: (b) => b.positional('id', { type: 'string', demandOption: true }).option('out', { type: 'string', demandOption: true, describe: 'Folder to write the files into' }),
          handler: async (args: ReportsArgs): Promise<void> => {
            const files = await withStore(args, context, (store) => store.files(args.id!));
            if (!files) throw new UsageError(`no stored report '${args.id}' (see cf-shares reports list)`);
            const { writeReportFiles } = await import('../report/write-files.js');
            const paths = await writeReportFiles(args.out!, files);
            context.stdout.write(`${paths.length} files written to ${args.out}\n`);
          },
        })
        .option('redis', { type: 'string', describe: 'Redis URL [env REDIS_URL]', global: true })
        .option('prefix', { type: 'string', describe: 'Redis key prefix [env CF_SHARES_PREFIX]', global: true })
        .demandCommand(1, 'name an action: list or get'),
    handler: () => undefined,
  };
}
