import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { fanOutEntries, resolveConnectionOptions, type ConnectionFlags } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { withConnectionFlags } from '../../config/connection-flags.js';
import { reportProgressView } from '../report/report-progress.js';
import { safeJson, safeText } from '../../terminal/safe-text.js';
import { knownEndpoints } from '../report/render-files.js';
import { DEFAULTS } from '../../core/defaults.js';
import { detachedHint } from '../report/detached-hint.js';

interface ExportArgs extends ConnectionFlags {
  out: string;
  since?: string;
  endpoints?: string;
  'inspect-credentials': boolean;
  detach: boolean;
  keep: number;
  json: boolean;
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
      withConnectionFlags(y)
        .option('out', { type: 'string', demandOption: true, describe: 'Folder for the bundle' })
        .option('since', {
          type: 'string',
          describe: `Audit events after this time: ISO-8601 or 7d / 12h [default ${DEFAULT_WINDOW_DAYS}d, what CC keeps]`,
        })
        .option('endpoints', {
          type: 'string',
          describe: 'JSON file mapping instances, plans or offerings to "address-or-CIDR:port"',
        })
        .option('inspect-credentials', {
          type: 'boolean',
          default: false,
          describe: "Read one binding's credentials per shared instance for its host and port",
        })
        .option('detach', {
          type: 'boolean',
          default: false,
          describe: 'Only enqueue the job; fetch the bundle later with `reports get`',
        })
        .option('keep', { type: 'number', default: DEFAULTS.keptReports, describe: 'Reports to keep in Redis' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON line' })
        .option('foundation', {
          type: 'string',
          describe: 'A foundation of the fleet file, or all: one job each, bundles in <out>/<name>/',
          group: 'Fleet:',
        }),
    handler: async (args) => {
      if (!Number.isInteger(args.keep) || args.keep < 1)
        throw new UsageError(`--keep must be a whole number >= 1 (got ${String(args.keep)})`);
      const since = parseSince(args.since, new Date());
      const entries = fanOutEntries(args, context.env);
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
            keep: args.keep,
            detach: args.detach,
            json: args.json,
          },
          context,
        );
      }
      const connection = resolveConnectionOptions(args, context.env);
      const { runReport } = await import('../report/run-report.js');
      const view = args.json ? undefined : reportProgressView(context.stderr);
      const outcome = await runReport(connection, {
        ...(args.endpoints !== undefined && { endpointsPath: args.endpoints }),
        out: args.out,
        inspectCredentials: args['inspect-credentials'],
        keep: args.keep,
        detach: args.detach,
        stop: context.stopSignal,
        startWorkers: context.startWorkers,
        exportSince: since,
        // Detached, the hint below says what comes next; the line is printed once the job is on the queue either way.
        onEnqueued: (jobId) => void (args.json || args.detach ? undefined : context.stdout.write(`job: ${jobId}\n`)),
        onProgress: (progress) => view?.update(progress),
        log: context.log.child({ command: 'export' }),
      }).finally(() => view?.done()); // a bar left on the line would swallow the last line
      if (args.detach) {
        context.stdout.write(
          args.json
            ? `${JSON.stringify({ job: outcome.jobId, detached: true })}\n`
            : detachedHint('export', outcome.jobId, connection.api),
        );
        return;
      }
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
