#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createLogger } from './log.js';
import { ExitCode } from './exit-codes.js';
import { describeError } from './describe-error.js';
import { UsageError } from './usage-error.js';
import { VERSION } from './version.js';
import type { CliContext } from './cli-context.js';
import type { Writable } from 'node:stream';
import type { StartWorkers } from './core/worker-host.js';
import { retryWaitLine } from './terminal/retry-wait-line.js';
import { simCommand } from './features/sim-command/sim-command.js';
import { demoCommand } from './features/demo/demo-command.js';
import { workerCommand } from './features/worker/worker-command.js';
import { reportCommand } from './features/report/report-command.js';
import { reportsCommand } from './features/report/reports-command.js';
import { exportCommand } from './features/export/export-command.js';
import { scheduleCommand } from './features/schedule/schedule-command.js';
import { unshareAllCommand } from './features/campaign/unshare-all-command.js';
import { campaignCommand } from './features/campaign/campaign-command.js';
import { fleetCommand } from './features/fleet/fleet-command.js';
import { dashboardCommand } from './features/dashboard/dashboard-command.js';

/** The worker composition root, loaded only by the commands that start workers; their retries are said on stderr. */
function foregroundWorkers(stderr: Writable): StartWorkers {
  return async (connection, log, options) =>
    (await import('./features/worker/start-workers.js')).startWorkers(connection, log, {
      onRetryWait: retryWaitLine(stderr),
      ...options,
    });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Builds the root parser; commands are small modules registered here. */
export function buildParser(argv: string[], context: CliContext): Argv {
  return (
    yargs(argv)
      .scriptName('cf-shares')
      .usage('$0 <command> [options]\n\nAudit and bulk-unshare Cloud Foundry service instance sharing.')
      .option('log-level', {
        choices: LOG_LEVELS,
        describe: 'Log level of the NDJSON log on stderr [default: info for worker, warn otherwise]',
        global: true,
      })
      .option('debug', {
        type: 'boolean',
        default: false,
        describe: 'Print stack traces of unexpected errors',
        global: true,
      })
      .middleware((args) => {
        // A long-running worker's log is its only output; interactive commands print their own summary.
        const level =
          (args['log-level'] as (typeof LOG_LEVELS)[number] | undefined) ?? (args._[0] === 'worker' ? 'info' : 'warn');
        context.log = createLogger({ level });
      })
      .command(simCommand(context))
      .command(demoCommand(context))
      .command(reportCommand(context))
      .command(reportsCommand(context))
      .command(exportCommand(context))
      .command(scheduleCommand(context))
      .command(unshareAllCommand(context))
      .command(campaignCommand(context))
      .command(fleetCommand(context))
      .command(workerCommand(context))
      .command(dashboardCommand(context))
      .demandCommand(1, 'name a command (see --help)')
      .strict()
      .recommendCommands()
      .help()
      .alias('h', 'help')
      // The package's own version: yargs would look for a package.json from the working directory, not ours.
      .version(VERSION)
      .wrap(Math.min(110, process.stdout.columns ?? 100))
      .exitProcess(false)
      .fail((message, error) => {
        // yargs reports its own validation with a message; errors thrown by handlers pass through untouched.
        if (error) throw error;
        // recommendCommands() replaces "Unknown argument" with a bare suggestion: name the command that was wrong.
        throw new UsageError(
          message.startsWith('Did you mean') ? `unknown command '${argv[0] ?? ''}'. ${message}` : message,
        );
      })
  );
}

/** The entrypoint: the only place that reads argv, installs signal handlers and sets the exit code. */
export async function main(argv: string[] = hideBin(process.argv)): Promise<ExitCode> {
  const stop = new AbortController();
  const context: CliContext = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    log: createLogger({ level: 'info' }),
    exitCode: ExitCode.Ok,
    stopSignal: stop.signal,
    startWorkers: foregroundWorkers(process.stderr),
  };
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A reader that went away (`| head -3`) is not a failure of ours: stop as on a signal, quietly, instead of dying on
  // an unhandled EPIPE with a stack trace. Later writes to the closed stream fail the same way and are ignored too.
  const onClosedOutput = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') stop.abort();
    else throw error;
  };
  process.stdout.on('error', onClosedOutput);
  process.stderr.on('error', onClosedOutput);
  const debug = argv.includes('--debug') || context.env.CF_SHARES_DEBUG === '1';
  try {
    await buildParser(argv, context).parseAsync();
    return context.exitCode;
  } catch (error) {
    const { line, exitCode } = describeError(error);
    context.stderr.write(`cf-shares: ${line}\n`);
    if (debug && error instanceof Error && exitCode !== ExitCode.Usage) context.stderr.write(`${error.stack ?? ''}\n`);
    return exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main();
