import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { fanOutEntries, resolveConnectionOptions, type ConnectionFlags } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { withConnectionFlags } from '../../config/connection-flags.js';
import { safeJson, safeText } from '../../terminal/safe-text.js';
import { knownEndpoints } from '../report/render-files.js';
import { DEFAULTS } from '../../core/defaults.js';
import {
  checkReportJobFlags,
  runReportJob,
  withReportJobFlags,
  type ReportJobFlags,
} from '../report/report-job-command.js';

interface ExportArgs extends ConnectionFlags, ReportJobFlags {
  out: string;
  since?: string;
}

/** CC prunes audit events after 31 days, so that is all an export can reach back to by default. */
const DEFAULT_WINDOW_DAYS = DEFAULTS.exportWindowDays;

/** Parses --since: an ISO-8601 date or time, or `<n>d`/`<n>h` ago. */
export function parseSince(text: string | undefined, now: Date): string {
  if (text === undefined) return new Date(now.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000).toISOString();
  const relative = /^(\d+)([dh])$/.exec(text.trim());
  const date = relative
    ? new Date(now.getTime() - Number(relative[1]) * (relative[2] === 'd' ? 86_400_000 : 3_600_000))
    : new Date(text);
  if (Number.isNaN(date.getTime()) || (!relative && !/^\d{4}-\d{2}-\d{2}/.test(text.trim()))) {
    throw new UsageError(
      `--since must be an ISO-8601 date or time (2026-11-01, 2026-11-01T00:00:00Z) or 7d / 12h (got '${text}')`,
    );
  }
  if (date > now) throw new UsageError(`--since ${text} is in the future`);
  return date.toISOString();
}

/** `cf-shares export`: the compliance bundle, as a report job with export files. */
export function exportCommand(context: CliContext): CommandModule<object, ExportArgs> {
  return {
    command: 'export',
    describe: 'Write the compliance bundle: report, bindings, keys, audit events, and a manifest with sha256 sums',
    builder: (y) =>
      withReportJobFlags(withConnectionFlags(y), 'fetch the bundle later with `reports get`')
        .option('out', { type: 'string', demandOption: true, describe: 'Folder for the bundle' })
        .option('since', {
          type: 'string',
          describe: `Audit events after this time: ISO-8601 or 7d / 12h [default ${DEFAULT_WINDOW_DAYS}d, what CC keeps]`,
        })
        .option('foundation', {
          type: 'string',
          describe: 'A foundation of the fleet file, or all: one job each, bundles in <out>/<name>/',
          group: 'Fleet:',
        }),
    handler: async (args) => {
      const entries = fanOutEntries(args, context.env);
      const { proxyPlans } = checkReportJobFlags(args, entries !== undefined);
      const since = parseSince(args.since, new Date());
      if (entries !== undefined) {
        const { runFleetReports } = await import('../report/report-fleet.js');
        return runFleetReports(
          entries,
          args,
          {
            kind: 'export',
            ...(args.endpoints !== undefined && { endpointsPath: args.endpoints }),
            out: args.out,
            exportSince: since,
            inspectCredentials: args['inspect-credentials'],
            ...(proxyPlans !== undefined && { proxyPlans }),
            keep: args.keep,
            detach: args.detach,
            json: args.json,
          },
          context,
        );
      }
      const connection = resolveConnectionOptions(args, context.env);
      const outcome = await runReportJob(context, connection, 'export', args, {
        out: args.out,
        exportSince: since,
        log: context.log.child({ command: 'export' }),
      });
      if (!outcome) return;
      if (!outcome.result) return;
      if (args.json)
        context.stdout.write(
          `${safeJson(JSON.stringify({ job: outcome.jobId, out: args.out, since, ...outcome.result }))}\n`,
        );
      else {
        const { reportId, summary } = outcome.result;
        context.stdout.write(
          `export ${safeText(reportId)}: ${summary.shares} shares (service address known for ${knownEndpoints(summary)}), audit events since ${since}, ` +
            `written to ${safeText(args.out)}/ (manifest.json lists every file's sha256)\n`,
        );
      }
    },
  };
}
