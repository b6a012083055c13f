import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { fleetFlags, redisFlags } from '../../config/connection-flags.js';
import { resolveFleet, resolveRedisOptions } from '../../config/connection-options.js';
import { fleetEntry } from '../../config/fleet-file.js';
import { SEVERITY_ORDER, type Severity } from '../../audit/findings.js';
import { DEFAULTS } from '../../core/defaults.js';
import { ExitCode } from '../../exit-codes.js';
import { UsageError } from '../../usage-error.js';
import { safeText } from '../../terminal/safe-text.js';

interface FleetArgs {
  redis?: string;
  prefix?: string;
  foundations?: string;
  foundation?: string[];
  'max-age'?: string;
  out?: string;
  json: boolean;
  'fail-on'?: Severity;
}

/** Parses `--max-age`: 30m, 6h, 2d. */
export function parseMaxAge(text: string | undefined): number {
  if (text === undefined) return DEFAULTS.fleetMaxAgeMs;
  const match = /^(\d+)([mhd])$/.exec(text.trim());
  if (!match || Number(match[1]) < 1)
    throw new UsageError(`--max-age must be a time like 30m, 6h or 2d (got '${text}')`);
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}

/** `cf-shares fleet`: one row per foundation from its latest stored report. */
export function fleetCommand(context: CliContext): CommandModule<object, FleetArgs> {
  return {
    command: 'fleet',
    describe: 'One row per foundation from its latest stored report: shares, changes, findings by severity, age',
    builder: (y) =>
      y
        .options(redisFlags('Redis:'))
        .options(fleetFlags('Fleet:'))
        .option('foundation', {
          type: 'string',
          array: true,
          describe: 'Only these foundations of the fleet file (repeatable) [default: all of them]',
          group: 'Fleet:',
        })
        .option('max-age', {
          type: 'string',
          describe: `A report older than this is stale: 30m, 6h, 2d [default ${DEFAULTS.fleetMaxAgeMs / 3_600_000}h]`,
        })
        .option('out', { type: 'string', describe: 'Also write fleet.json and fleet.csv into this folder' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the rows as one JSON line' })
        .option('fail-on', {
          choices: SEVERITY_ORDER,
          describe:
            'Exit 3 when a foundation has a finding of this severity or worse, or its report is stale or missing',
        }),
    handler: async (args) => {
      const maxAgeMs = parseMaxAge(args['max-age']);
      const { redisUrl, prefix } = resolveRedisOptions(args, context.env);
      const [{ runFleet, fleetFailures }, { renderFleetJson, renderFleetTable }] = await Promise.all([
        import('./run-fleet.js'),
        import('./render-fleet.js'),
      ]);
      const hasFile = args.foundations !== undefined || Boolean(context.env.CF_SHARES_FOUNDATIONS);
      if (!hasFile && args.foundation?.length)
        throw new UsageError('--foundation needs a fleet file: pass --foundations FILE or set CF_SHARES_FOUNDATIONS');
      const fleet = hasFile ? resolveFleet(args, context.env) : undefined;
      // A name not in the file is a typo to report, not a foundation to leave out quietly.
      if (fleet && args.foundation) for (const name of args.foundation) fleetEntry(fleet, name);
      const outcome = await runFleet({
        redisUrl,
        prefix,
        maxAgeMs,
        ...(fleet && { fleet }),
        ...(args.foundation && { names: args.foundation }),
        ...(args.out !== undefined && { out: args.out }),
      });
      if (args.json) context.stdout.write(`${renderFleetJson(outcome.rows, outcome.generatedAt)}\n`);
      else if (outcome.rows.length === 0)
        context.stdout.write('no foundations: no fleet file given and no reports stored under this prefix\n');
      else context.stdout.write(renderFleetTable(outcome.rows));
      if (!args.json && outcome.written.length > 0)
        context.stdout.write(`written: ${outcome.written.map(safeText).join(', ')}\n`);
      const threshold = args['fail-on'];
      if (threshold) {
        const reasons = fleetFailures(outcome.rows, threshold);
        if (reasons.length > 0) {
          context.stderr.write(`cf-shares: --fail-on ${threshold}: ${reasons.map(safeText).join('; ')}\n`);
          context.exitCode = ExitCode.Findings;
        }
      }
    },
  };
}
