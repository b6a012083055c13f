import { join } from 'node:path';
import type { CliContext } from '../../cli-context.js';
import { resolveConnectionOptions, type ConnectionFlags } from '../../config/connection-options.js';
import type { FleetEntry } from '../../config/fleet-file.js';
import { forEachFoundation } from '../../core/for-each-foundation.js';
import { describeError } from '../../describe-error.js';
import { ExitCode, worstExitCode } from '../../exit-codes.js';
import { countAtOrAbove, type Severity } from '../../audit/findings.js';
import { safeJson, safeText } from '../../terminal/safe-text.js';
import { runReport, type RunReportOptions, type RunReportOutcome } from './run-report.js';

/** What `report --foundation all` and `export --foundation all` ask of every foundation. */
export interface FleetReportOptions extends Pick<
  RunReportOptions,
  'endpointsPath' | 'inspectCredentials' | 'proxyPlans' | 'keep' | 'detach' | 'exportSince' | 'notify'
> {
  readonly kind: 'report' | 'export';
  /** Each foundation writes to `<out>/<name>/`; without it, cf-shares-reports/<time>/<name>/. */
  readonly out?: string;
  readonly json: boolean;
  readonly failOn?: Severity;
}

/**
 * One report (or export) job per foundation of the fleet file, each on its foundation's own queue and run by an
 * in-process worker logged in to it unless detached; waits for all, prints one line per foundation (a failed one
 * says why), and sets the worst exit code of them (see worstExitCode).
 */
export async function runFleetReports(
  entries: readonly FleetEntry[],
  flags: ConnectionFlags,
  options: FleetReportOptions,
  context: CliContext,
): Promise<void> {
  const log = context.log.child({ command: options.kind, fleet: true });
  const outcomes = await forEachFoundation(entries, async (entry) => {
    // Per foundation, so a missing variable or secret file fails that foundation's line, not the fleet.
    const connection = resolveConnectionOptions(flags, context.env, entry);
    const outcome = await runReport(connection, {
      ...(options.endpointsPath !== undefined && { endpointsPath: options.endpointsPath }),
      ...(options.out !== undefined ? { out: join(options.out, entry.name) } : { subfolder: entry.name }),
      ...(options.exportSince !== undefined && { exportSince: options.exportSince }),
      // Each foundation's notifications get their own ids (foundation and job), so one URL hears of each.
      ...(options.notify !== undefined && { notify: options.notify }),
      inspectCredentials: options.inspectCredentials,
      ...(options.proxyPlans !== undefined && { proxyPlans: options.proxyPlans }),
      // Each foundation's own region, from its fleet file entry: one --landscape cannot be every foundation's.
      ...(connection.landscape !== undefined && { landscape: connection.landscape }),
      keep: options.keep,
      detach: options.detach,
      stop: context.stopSignal,
      startWorkers: context.startWorkers,
      log: log.child({ foundation: entry.name }),
    });
    return { outcome, api: connection.api };
  });
  const codes: ExitCode[] = [];
  const over: string[] = [];
  for (const { entry, value, error } of outcomes) {
    if (value === undefined) {
      const { line, exitCode } = describeError(error);
      codes.push(exitCode);
      context.stdout.write(
        options.json
          ? `${safeJson(JSON.stringify({ foundation: entry.name, api: entry.api, error: line }))}\n`
          : `${entry.name}  failed: ${line}\n`,
      );
      continue;
    }
    const { outcome, api } = value;
    const findings = options.failOn && outcome.result ? countAtOrAbove(outcome.result.severities, options.failOn) : 0;
    if (findings > 0) over.push(`${entry.name} ${findings}`);
    codes.push(findings > 0 ? ExitCode.Findings : ExitCode.Ok);
    context.stdout.write(
      options.json
        ? `${safeJson(JSON.stringify({ foundation: entry.name, api, job: outcome.jobId, ...(options.detach && { detached: true }), ...(outcome.out !== undefined && { out: outcome.out }), ...outcome.result }))}\n`
        : `${entry.name}  ${fleetLine(options.kind, api, outcome, options.exportSince)}\n`,
    );
  }
  if (over.length > 0)
    context.stderr.write(
      `cf-shares: findings at ${options.failOn} or worse (--fail-on ${options.failOn}): ${over.join(', ')}\n`,
    );
  const failed = outcomes.filter(({ error }) => error !== undefined).length;
  if (failed > 0) context.stderr.write(`cf-shares: ${failed} of ${outcomes.length} foundation(s) failed\n`);
  context.exitCode = worstExitCode(codes);
}

/** One foundation's line: what it found and where the files went, or, detached, the job and who runs it. */
function fleetLine(kind: 'report' | 'export', api: string, outcome: RunReportOutcome, since?: string): string {
  const { result, out } = outcome;
  if (!result) return `job ${safeText(outcome.jobId)} queued for ${safeText(api)} (a worker of it runs it)`;
  const s = result.severities;
  return (
    `${kind} ${safeText(result.reportId)}: ${result.summary.shares} shares of ${result.summary.shared_instances} instances ` +
    `(${result.added} new, ${result.removed} gone), findings high ${s.high}, medium ${s.medium}, low ${s.low}, info ${s.info}` +
    `${since !== undefined ? `, audit events since ${since}` : ''} -> ${safeText(out ?? '')}/`
  );
}
