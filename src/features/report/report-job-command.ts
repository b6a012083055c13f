import type { Argv } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import type { ConnectionOptions } from '../../config/connection-options.js';
import { DEFAULTS } from '../../core/defaults.js';
import { UsageError } from '../../usage-error.js';
import { parseProxyPlan } from '../../audit/broker-shares.js';
import { LANDSCAPE } from '../../config/fleet-file.js';
import { detachedHint } from './detached-hint.js';
import { reportProgressView } from './report-progress.js';
import type { RunReportOptions, RunReportOutcome } from './run-report.js';

/** The flags `report` and `export` share: what the crawl reads, how many reports are kept, how the result is told. */
export interface ReportJobFlags {
  endpoints?: string;
  'inspect-credentials': boolean;
  'proxy-plan'?: string[];
  landscape?: string;
  detach: boolean;
  keep: number;
  json: boolean;
}

/** Adds the {@link ReportJobFlags}; `detached` says where the result of a detached run is found. */
export function withReportJobFlags<T>(y: Argv<T>, detached: string): Argv<T & ReportJobFlags> {
  return y
    .option('endpoints', {
      type: 'string',
      describe: 'JSON file mapping instances, plans or offerings to "address-or-CIDR:port"',
    })
    .option('inspect-credentials', {
      type: 'boolean',
      default: false,
      describe:
        "Read the credentials of every binding and key of the shared instances: each service's host and port, and whether unsharing would revoke access (compared in memory, never kept)",
    })
    .option('proxy-plan', {
      type: 'string',
      array: true,
      describe:
        'OFFERING:PLAN whose instances are broker-level share proxies, read for the original they name (repeatable; default credstore:proxy)',
    })
    .option('landscape', {
      type: 'string',
      describe:
        "This foundation's region (e.g. cf-eu10; a fleet file's entries may say it): a broker-share proxy naming it with no original here is stale, not remote",
    })
    .option('detach', { type: 'boolean', default: false, describe: `Only enqueue the job; ${detached}` })
    .option('keep', { type: 'number', default: DEFAULTS.keptReports, describe: 'Reports to keep in Redis' })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'Print the result as one JSON line',
    }) as unknown as Argv<T & ReportJobFlags>;
}

/** Refuses a --proxy-plan that is not OFFERING:PLAN; answers the plans as given (undefined: the default). */
export function checkProxyPlans(texts: readonly string[] | undefined): string[] | undefined {
  if (texts === undefined || texts.length === 0) return undefined;
  for (const text of texts) {
    const plan = parseProxyPlan(text);
    if (typeof plan === 'string') throw new UsageError(plan);
  }
  return [...texts];
}

/** Refuses a --landscape that is not a region key. */
export function checkLandscape(landscape: string | undefined): string | undefined {
  if (landscape !== undefined && !LANDSCAPE.test(landscape))
    throw new UsageError(`--landscape must be a region key like cf-eu10 (got '${landscape}')`);
  return landscape;
}

/**
 * Checks the job flags `report` and `export` share before any work: --keep, --proxy-plan, and --landscape, which
 * names one foundation's region and so cannot go with a fan-out over the fleet. Answers the proxy plans.
 */
export function checkReportJobFlags(args: ReportJobFlags, fanOut: boolean): { proxyPlans: string[] | undefined } {
  checkKeep(args.keep);
  const proxyPlans = checkProxyPlans(args['proxy-plan']);
  if (checkLandscape(args.landscape) !== undefined && fanOut)
    throw new UsageError(
      "--landscape names one foundation's region: with --foundation all, give each its landscape in the fleet file",
    );
  return { proxyPlans };
}

/** Refuses a --keep that is not a whole number of at least one. */
export function checkKeep(keep: number): void {
  if (!Number.isInteger(keep) || keep < 1)
    throw new UsageError(`--keep must be a whole number >= 1 (got ${String(keep)})`);
}

/**
 * Runs one report job for a command in the foreground: a progress view on stderr, `job: N` once it is queued, and
 * for a detached run the hint that says what comes next (then `undefined`: there is no result to print).
 */
export async function runReportJob(
  context: CliContext,
  connection: ConnectionOptions,
  kind: 'report' | 'export',
  args: ReportJobFlags,
  options: Omit<
    RunReportOptions,
    | 'inspectCredentials'
    | 'proxyPlans'
    | 'landscape'
    | 'keep'
    | 'detach'
    | 'endpointsPath'
    | 'stop'
    | 'startWorkers'
    | 'onEnqueued'
    | 'onProgress'
  >,
): Promise<RunReportOutcome | undefined> {
  const { runReport } = await import('./run-report.js');
  const proxyPlans = checkProxyPlans(args['proxy-plan']);
  const landscape = checkLandscape(args.landscape) ?? connection.landscape;
  const view = args.json ? undefined : reportProgressView(context.stderr);
  const outcome = await runReport(connection, {
    ...options,
    ...(args.endpoints !== undefined && { endpointsPath: args.endpoints }),
    inspectCredentials: args['inspect-credentials'],
    ...(proxyPlans !== undefined && { proxyPlans }),
    ...(landscape !== undefined && { landscape }),
    keep: args.keep,
    detach: args.detach,
    stop: context.stopSignal,
    startWorkers: context.startWorkers,
    // Detached, the hint below says what comes next; the line is printed once the job is on the queue either way.
    onEnqueued: (jobId) => void (args.json || args.detach ? undefined : context.stdout.write(`job: ${jobId}\n`)),
    onProgress: (progress) => {
      options.log.info({ progress }, `${kind} progress`);
      view?.update(progress);
    },
  }).finally(() => view?.done()); // a bar left on the line would swallow the last line
  if (!args.detach) return outcome;
  context.stdout.write(
    args.json
      ? `${JSON.stringify({ job: outcome.jobId, detached: true })}\n`
      : detachedHint(kind, outcome.jobId, connection.api),
  );
  return undefined;
}
