import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { fanOutEntries, resolveConnectionOptions, type ConnectionFlags } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { ExitCode } from '../../exit-codes.js';
import { withConnectionFlags } from '../../config/connection-flags.js';
import { countAtOrAbove, SEVERITY_ORDER, type Severity } from '../../audit/findings.js';
import type { ReportJobResult } from './report-processor.js';
import { credentialComparisonLine, knownEndpoints } from './render-files.js';
import { safeJson, safeText } from '../../terminal/safe-text.js';
import { DEFAULTS } from '../../core/defaults.js';
import { checkReportJobFlags, runReportJob, withReportJobFlags, type ReportJobFlags } from './report-job-command.js';
import { resolveNotifyUrls } from '../../config/notify-urls.js';

interface ReportArgs extends ConnectionFlags, ReportJobFlags {
  out?: string;
  'fail-on'?: Severity;
  notify?: string[];
  'notify-on': Severity;
}

/** `cf-shares report`: the nightly share report, as a job; waits for it and writes its files unless --detach. */
export function reportCommand(context: CliContext): CommandModule<object, ReportArgs> {
  return {
    command: 'report',
    describe: 'Crawl the foundation and write the share report (a job; waits unless --detach)',
    builder: (y) =>
      withReportJobFlags(withConnectionFlags(y), 'a `cf-shares worker` runs it')
        .option('out', {
          type: 'string',
          describe: 'Folder for the report files [default ./cf-shares-reports/<time>/]',
        })
        .option('fail-on', {
          choices: SEVERITY_ORDER,
          describe: 'Exit 3 when a finding of this severity or worse exists',
        })
        .option('notify', {
          type: 'string',
          array: true,
          describe:
            'Webhook URL to POST JSON to when the report has new shares or new findings (repeatable; or CF_SHARES_NOTIFY_URL, comma-separated)',
          group: 'Alerts:',
        })
        .option('notify-on', {
          choices: SEVERITY_ORDER,
          default: DEFAULTS.notifyOn as Severity,
          describe: 'The least severity of a new finding that notifies',
          group: 'Alerts:',
        })
        .option('foundation', {
          type: 'string',
          describe: 'A foundation of the fleet file, or all: one job each, on its own queue (files in <out>/<name>/)',
          group: 'Fleet:',
        }),
    handler: async (args) => {
      const entries = fanOutEntries(args, context.env);
      const { proxyPlans } = checkReportJobFlags(args, entries !== undefined);
      if (args.detach && args['fail-on'])
        throw new UsageError('--fail-on needs the result: it cannot go with --detach');
      const notifyUrls = resolveNotifyUrls(args.notify, context.env);
      const notify = notifyUrls.length > 0 ? { urls: notifyUrls, on: args['notify-on'] } : undefined;
      if (entries !== undefined) {
        const { runFleetReports } = await import('./report-fleet.js');
        return runFleetReports(
          entries,
          args,
          {
            kind: 'report',
            ...(args.endpoints !== undefined && { endpointsPath: args.endpoints }),
            ...(args.out !== undefined && { out: args.out }),
            ...(args['fail-on'] !== undefined && { failOn: args['fail-on'] }),
            inspectCredentials: args['inspect-credentials'],
            ...(proxyPlans !== undefined && { proxyPlans }),
            keep: args.keep,
            detach: args.detach,
            json: args.json,
            ...(notify !== undefined && { notify }),
          },
          context,
        );
      }
      const connection = resolveConnectionOptions(args, context.env);
      const outcome = await runReportJob(context, connection, 'report', args, {
        ...(args.out !== undefined && { out: args.out }),
        ...(notify !== undefined && { notify }),
        log: context.log.child({ command: 'report' }),
      });
      if (!outcome) return;
      const { result, out } = outcome;
      if (!result || !out) return;
      if (args.json) context.stdout.write(`${safeJson(JSON.stringify({ job: outcome.jobId, out, ...result }))}\n`);
      else context.stdout.write(renderReportSummary(result, out));
      const sent = outcome.notifications;
      if (sent && !args.json)
        context.stdout.write(
          `notifications: ${sent.completed.length} delivered, ${sent.failed.length} failed, ${sent.pending.length} queued for a worker\n`,
        );
      const threshold = args['fail-on'];
      if (threshold) {
        const over = countAtOrAbove(result.severities, threshold);
        if (over > 0) {
          context.stderr.write(`cf-shares: ${over} finding(s) at ${threshold} or worse (--fail-on ${threshold})\n`);
          context.exitCode = ExitCode.Findings;
        }
      }
    },
  };
}

/**
 * The summary a person reads after a report. The result comes from a worker, possibly another machine's, and the
 * API and folder are echoed: all through safeText.
 */
export function renderReportSummary(result: ReportJobResult, out: string): string {
  const s = result.summary;
  const findings = Object.entries(s.findings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const inferred = s.shares - s.shares_with_known_endpoint;
  // A worker older than this count leaves it out of its result.
  const endpoints =
    typeof s.shares_with_known_endpoint !== 'number'
      ? 'not recorded by the worker'
      : `known for ${knownEndpoints(s)}${inferred > 0 ? `; the ASG checks of the other ${inferred} are inferred (findings at info)` : ''}`;
  return [
    `report ${safeText(result.reportId)} for ${safeText(result.api)}`,
    `  instances        ${s.instances} (${s.managed_instances} managed)`,
    `  shared           ${s.shared_instances} instances, ${s.shares} shares (${result.added} new, ${result.removed} gone since the last report)`,
    `  bound apps       ${s.bound_apps_in_target_spaces} in target spaces; ${s.keys_on_shared_instances} keys on shared instances`,
    `  endpoints        ${endpoints}`,
    `  findings         high ${result.severities.high}, medium ${result.severities.medium}, low ${result.severities.low}, info ${result.severities.info}${findings ? ` (${findings})` : ''}`,
    ...(credentialComparisonLine(s) ? [`  credentials      ${credentialComparisonLine(s)}`] : []),
    ...(s.broker_share_proxies !== undefined
      ? [`  broker shares    ${s.broker_share_proxies} proxy instance(s) (broker-shares.csv)`]
      : []),
    `  requests         ${s.requests}`,
    `  files            ${safeText(out)}/ (report.json, report.md, shares.csv, findings.csv, keys.csv, broker-shares.csv, diff.json, report.html)`,
    '',
  ].join('\n');
}
