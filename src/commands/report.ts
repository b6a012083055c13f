import { readFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import type { CliContext } from '../cli-context.js';
import { resolveConnectionOptions, type ConnectionFlags } from '../config/connection-options.js';
import { UsageError } from '../usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { withConnectionFlags } from './connection-flags.js';
import type { Severity } from '../audit/findings.js';
import type { ReportJobData, ReportJobResult } from '../jobs/report-job.js';

interface ReportArgs extends ConnectionFlags {
  out?: string;
  detach: boolean;
  'fail-on'?: Severity;
  endpoints?: string;
  'inspect-credentials': boolean;
  keep: number;
  json: boolean;
}

/** `cf-shares report`: the nightly share report, as a job; waits for it and writes its files unless --detach. */
export function reportCommand(context: CliContext): CommandModule<object, ReportArgs> {
  return {
    command: 'report',
    describe: 'Crawl the foundation and write the share report (a job; waits unless --detach)',
    builder: (y) =>
      withConnectionFlags(y)
        .option('out', { type: 'string', describe: 'Folder for the report files [default ./cf-shares-reports/<time>/]' })
        .option('detach', { type: 'boolean', default: false, describe: 'Only enqueue the job; a `cf-shares worker` runs it' })
        .option('fail-on', { choices: ['high', 'medium', 'low', 'info'] as const, describe: 'Exit 3 when a finding of this severity or worse exists' })
        .option('endpoints', { type: 'string', describe: 'JSON file mapping instances, plans or offerings to "address-or-CIDR:port"' })
        .option('inspect-credentials', { type: 'boolean', default: false, describe: "Read one binding's credentials per shared instance for its host and port (nothing else is kept)" })
        .option('keep', { type: 'number', default: 30, describe: 'Reports to keep in Redis' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON line' }),
    handler: async (args) => {
      if (!Number.isInteger(args.keep) || args.keep < 1) throw new UsageError(`--keep must be a whole number >= 1 (got ${String(args.keep)})`);
      const connection = resolveConnectionOptions(args, context.env);
      const [{ parseEndpointsFile }, { assertRedisReachable }, { enqueueJob }, { startWorkers }, { QueueName }] = await Promise.all([
        import('../audit/endpoints-file.js'),
        import('../jobs/redis-connection.js'),
        import('../jobs/enqueue-job.js'),
        import('../jobs/start-workers.js'),
        import('../jobs/queue-names.js'),
      ]);
      let endpoints: string | undefined;
      if (args.endpoints !== undefined) {
        try {
          endpoints = await readFile(args.endpoints, 'utf8');
        } catch (error) {
          throw new UsageError(`cannot read --endpoints ${args.endpoints}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
        try {
          parseEndpointsFile(endpoints);
        } catch (error) {
          throw new UsageError(`--endpoints ${args.endpoints}: ${(error as Error).message}`);
        }
      }
      await assertRedisReachable(connection.redisUrl);
      const log = context.log.child({ command: 'report' });
      // Log in before enqueueing, so bad credentials fail here and leave no job behind.
      const workers = args.detach ? undefined : await startWorkers(connection, log);
      const data: ReportJobData = { requestedAt: new Date().toISOString(), inspectCredentials: args['inspect-credentials'], keep: args.keep, ...(endpoints !== undefined && { endpoints }) };
      const job = await enqueueJob<ReportJobData, ReportJobResult>(connection, QueueName.report, data, { attempts: 1 });
      try {
        if (!args.json) context.stdout.write(`job: ${job.jobId}\n`);
        if (args.detach) return;
        job.onProgress((progress) => log.info({ progress }, 'report progress'));
        const result = await job.wait();
        const [{ ReportStore }, { writeReportFiles }, { createRedisConnection }] = await Promise.all([
          import('../jobs/report-store.js'),
          import('../report/write-files.js'),
          import('../jobs/redis-connection.js'),
        ]);
        const redis = createRedisConnection(connection.redisUrl, { maxRetriesPerRequest: 3 });
        let files: Record<string, string> | undefined;
        try {
          files = await new ReportStore(redis, connection.prefix, args.keep).files(result.reportId);
        } finally {
          redis.disconnect();
        }
        if (!files) throw new Error(`report ${result.reportId} finished but its files are not in Redis (pruned by another run with a smaller --keep?)`);
        const out = args.out ?? `cf-shares-reports/${result.reportId.split('-')[0]}`;
        await writeReportFiles(out, files);
        if (args.json) context.stdout.write(`${JSON.stringify({ job: job.jobId, out, ...result })}\n`);
        else context.stdout.write(renderSummary(result, out));
        const threshold = args['fail-on'];
        if (threshold) {
          const order: Severity[] = ['high', 'medium', 'low', 'info'];
          const over = order.slice(0, order.indexOf(threshold) + 1).reduce((sum, severity) => sum + result.severities[severity], 0);
          if (over > 0) {
            context.stderr.write(`cf-shares: ${over} finding(s) at ${threshold} or worse (--fail-on ${threshold})\n`);
            context.exitCode = ExitCode.Findings;
          }
        }
      } finally {
        await job.close();
        await workers?.close();
      }
    },
  };
}

function renderSummary(result: ReportJobResult, out: string): string {
  const s = result.summary;
  const findings = Object.entries(s.findings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return [
    `report ${result.reportId} for ${result.api}`,
    `  instances        ${s.instances} (${s.managed_instances} managed)`,
    `  shared           ${s.shared_instances} instances, ${s.shares} shares (${result.added} new, ${result.removed} gone since the last report)`,
    `  bound apps       ${s.bound_apps_in_target_spaces} in target spaces; ${s.keys_on_shared_instances} keys on shared instances`,
    `  findings         high ${result.severities.high}, medium ${result.severities.medium}, low ${result.severities.low}, info ${result.severities.info}${findings ? ` (${findings})` : ''}`,
    `  requests         ${s.requests}`,
    `  files            ${out}/ (report.json, report.md, shares.csv, findings.csv, keys.csv, diff.json)`,
    '',
  ].join('\n');
}
