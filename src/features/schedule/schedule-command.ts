import type { CommandModule } from 'yargs';
import { fleetFlags, redisFlags } from '../../config/connection-flags.js';
import { Parser } from 'yargs/helpers';
import type { CliContext } from '../../cli-context.js';
import { fanOutEntries, resolveOptionalApi, resolveRedisOptions } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { loadEndpointsFile } from '../../config/load-endpoints-file.js';
import { textTable } from '../../terminal/text-table.js';
import type { ReportJobData } from '../report/report-processor.js';
import { checkLandscape, checkProxyPlans } from '../report/report-job-command.js';
import { DEFAULTS } from '../../core/defaults.js';
import { redactNotifyWords, resolveNotifyUrls } from '../../config/notify-urls.js';
import { SEVERITY_ORDER, type Severity } from '../../audit/findings.js';

interface ScheduleArgs {
  name?: string;
  cron?: string;
  tz?: string;
  redis?: string;
  prefix?: string;
  api?: string;
  foundation?: string;
  foundations?: string;
  json?: boolean;
  '--'?: Array<string | number>;
}

const DAY_MS = 86_400_000;

/** Turns `report|export [options]` after `--` into the job data every tick will carry. */
export async function scheduledJobData(rest: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ReportJobData> {
  const [kind, ...options] = rest;
  if (kind !== 'report' && kind !== 'export')
    throw new UsageError("after '--' name what to run: report or export, with their options");
  const parsed = Parser(options, {
    string: ['endpoints', 'since', 'notify', 'notify-on', 'proxy-plan', 'landscape'],
    array: ['proxy-plan'],
    boolean: ['inspect-credentials'],
    number: ['keep'],
    configuration: { 'unknown-options-as-args': true },
  });
  const allowed = new Set([
    '_',
    'endpoints',
    'inspect-credentials',
    'inspectCredentials',
    'proxy-plan',
    'proxyPlan',
    'landscape',
    'keep',
    ...(kind === 'export' ? ['since'] : ['notify', 'notify-on', 'notifyOn']),
  ]);
  const unknown = [...Object.keys(parsed).filter((key) => !allowed.has(key)), ...parsed._.map(String)];
  if (unknown.length > 0) {
    throw new UsageError(
      `a scheduled ${kind} takes --endpoints, --inspect-credentials, --proxy-plan, --landscape, --keep${kind === 'export' ? ', --since' : ', --notify, --notify-on'} (not ${redactNotifyWords(unknown).join(' ')}): files go to Redis and the worker's --reports-dir`,
    );
  }
  const keep = parsed.keep === undefined ? DEFAULTS.keptReports : Number(parsed.keep);
  if (!Number.isInteger(keep) || keep < 1)
    throw new UsageError(`--keep must be a whole number >= 1 (got ${String(parsed.keep)})`);
  const proxyPlans = checkProxyPlans(
    parsed['proxy-plan'] === undefined ? undefined : [parsed['proxy-plan']].flat().map(String),
  );
  const landscape = checkLandscape(parsed.landscape === undefined ? undefined : String(parsed.landscape));
  const endpoints = parsed.endpoints === undefined ? undefined : await loadEndpointsFile(String(parsed.endpoints));
  const notifyOn = parsed['notify-on'] === undefined ? (DEFAULTS.notifyOn as Severity) : String(parsed['notify-on']);
  if (!SEVERITY_ORDER.includes(notifyOn as Severity))
    throw new UsageError(`--notify-on is one of ${SEVERITY_ORDER.join(', ')} (got '${notifyOn}')`);
  const notifyFlags = parsed.notify === undefined ? undefined : [parsed.notify].flat().map(String);
  // The environment of `schedule add` counts, as for `report`: the schedule keeps the URLs for its worker.
  const notifyUrls = kind === 'report' ? resolveNotifyUrls(notifyFlags, env) : [];
  let exportWindowMs: number | undefined;
  if (kind === 'export') {
    const since = parsed.since === undefined ? `${DEFAULTS.exportWindowDays}d` : String(parsed.since);
    const match = /^(\d+)([dh])$/.exec(since);
    if (!match || Number(match[1]) < 1)
      throw new UsageError(`a scheduled export's --since is a window like 2d or 36h (got '${since}')`);
    exportWindowMs = Number(match[1]) * (match[2] === 'd' ? DAY_MS : 3_600_000);
  }
  return {
    requestedAt: 'schedule',
    inspectCredentials: Boolean(parsed['inspect-credentials']),
    ...(proxyPlans !== undefined && { proxyPlans }),
    ...(landscape !== undefined && { landscape }),
    keep,
    ...(endpoints !== undefined && { endpoints }),
    ...(exportWindowMs !== undefined && { exportWindowMs }),
    ...(notifyUrls.length > 0 && { notify: { urls: notifyUrls, on: notifyOn as Severity } }),
  };
}

/** Words as a shell would need them typed: quoted when they hold anything but plain characters. */
function shellWords(words: readonly string[]): string {
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** `cf-shares schedule add|list|remove`: nightly reports and exports as BullMQ job schedulers; workers run them. */
export function scheduleCommand(context: CliContext): CommandModule<object, ScheduleArgs> {
  const connect = async (args: ScheduleArgs) => {
    const connection = resolveRedisOptions(args, context.env);
    const [{ assertRedisReachable }, schedules] = await Promise.all([
      import('../../core/redis-connection.js'),
      import('./schedules.js'),
    ]);
    await assertRedisReachable(connection.redisUrl);
    return { connection, schedules };
  };
  return {
    command: 'schedule <action>',
    describe: 'Run reports or exports on a cron schedule (workers run them)',
    builder: (y) =>
      y
        .parserConfiguration({ 'populate--': true })
        .command(<CommandModule<object, ScheduleArgs>>{
          command: 'add <name>',
          describe:
            'Create or replace a schedule: schedule add nightly --cron "0 2 * * *" --tz Europe/Berlin -- report',
          builder: (b) =>
            b
              .positional('name', { type: 'string', demandOption: true })
              .option('cron', {
                type: 'string',
                demandOption: true,
                describe: 'Cron expression (minute hour day month weekday)',
              })
              .option('tz', { type: 'string', describe: 'Time zone of the cron expression [default UTC]' })
              .option('foundation', {
                type: 'string',
                describe: "A foundation of the fleet file, or all: the schedule on every foundation's own queue",
                group: 'Fleet:',
              })
              .epilogue(
                'After --: what each run does, `report` or `export`, with these options only: --endpoints FILE ' +
                  '(read now, stored with the schedule), --inspect-credentials, --keep N (reports kept, default ' +
                  `${DEFAULTS.keptReports}), and for export --since 2d|36h (the audit-event window, default ` +
                  `${DEFAULTS.exportWindowDays}d), and for report --notify URL (repeatable, or CF_SHARES_NOTIFY_URL; kept in ` +
                  `the schedule, shown by list as its origin) with --notify-on ${SEVERITY_ORDER.join('|')} (default ` +
                  `${DEFAULTS.notifyOn}). No credentials: the workers of the foundation log in with their own.`,
              ),
          handler: async (args: ScheduleArgs): Promise<void> => {
            const rest = (args['--'] ?? []).map(String);
            const [{ validateCron, validateScheduleName }] = await Promise.all([import('./schedules.js')]);
            validateScheduleName(args.name!);
            validateCron(args.cron!, args.tz);
            const jobData = await scheduledJobData(rest, context.env);
            // `--foundation all`: the same schedule on every foundation's own queue, run by that foundation's workers.
            const apis = fanOutEntries(args, context.env)?.map((entry) => entry.api) ?? [
              resolveOptionalApi(args, context.env),
            ];
            if (apis[0] === undefined)
              throw new UsageError(
                'name the foundation the schedule is for: --api URL, CF_API or --foundation NAME|all (its workers run it)',
              );
            const { connection, schedules } = await connect(args);
            for (const api of apis as string[]) {
              // The words are shown by `schedule list`: a --notify URL shows as its origin only.
              const data = { ...jobData, schedule: args.name!, api, args: redactNotifyWords(rest) };
              const info = await schedules.upsertSchedule(
                connection,
                args.name!,
                { cron: args.cron!, ...(args.tz !== undefined && { tz: args.tz }) },
                data,
              );
              context.stdout.write(
                `schedule ${args.name}${apis.length > 1 ? ` for ${api}` : ''}: ${rest[0]} at '${args.cron}'${args.tz ? ` (${args.tz})` : ''}, next run ${info?.next ?? 'unknown'}\n`,
              );
            }
          },
        })
        .command(<CommandModule<object, ScheduleArgs>>{
          command: 'list',
          describe: 'List schedules with their next run',
          builder: (b) =>
            b.option('json', { type: 'boolean', default: false, describe: 'Print the schedules as one JSON line' }),
          handler: async (args: ScheduleArgs): Promise<void> => {
            const { connection, schedules } = await connect(args);
            const list = await schedules.listSchedules(connection, resolveOptionalApi(args, context.env));
            if (args.json) {
              for (const item of list) context.stdout.write(`${JSON.stringify(item)}\n`);
            } else if (list.length === 0) {
              context.stdout.write('no schedules under this prefix\n');
            } else {
              context.stdout.write(
                `${textTable(
                  ['NAME', 'FOUNDATION', 'CRON', 'TZ', 'NEXT RUN', 'RUNS (after --)'],
                  list.map((s) => [s.name, s.api, s.cron, s.tz ?? 'UTC', s.next ?? '-', shellWords(s.args)]),
                )}\n`,
              );
            }
          },
        })
        .command(<CommandModule<object, ScheduleArgs>>{
          command: 'remove <name>',
          describe: 'Remove a schedule',
          builder: (b) => b.positional('name', { type: 'string', demandOption: true }),
          handler: async (args: ScheduleArgs): Promise<void> => {
            const { connection, schedules } = await connect(args);
            if (!(await schedules.removeSchedule(connection, args.name!, resolveOptionalApi(args, context.env))))
              throw new UsageError(`no schedule named '${args.name}' (see cf-shares schedule list)`);
            context.stdout.write(`schedule ${args.name} removed\n`);
          },
        })
        .options(redisFlags('Redis:'))
        .options(fleetFlags('Fleet:'))
        .option('api', {
          type: 'string',
          describe:
            'The foundation (Cloud Controller API URL) the schedules are for [env CF_API]; list/remove: all when absent',
          global: true,
        })
        .demandCommand(1, 'name an action: add, list or remove'),
    handler: () => undefined,
  };
}
