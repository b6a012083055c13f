import { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import type { ConnectionOptions } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { QueueName, foundationPrefix, queueNameFor } from '../../core/queue-names.js';
import { knownFoundations, registerFoundation } from '../../core/foundation-registry.js';
import type { RedisClient } from '../../core/redis-connection.js';
import { withRedis } from '../../core/with-redis.js';
import { JOB_RETENTION } from '../../core/enqueue-job.js';
import type { ReportJobData } from '../report/report-processor.js';
import { DEFAULTS } from '../../core/defaults.js';

/** A stored schedule, as `schedule list` shows it. */
export interface ScheduleInfo {
  readonly name: string;
  /** The foundation whose workers run it. */
  readonly api: string;
  readonly cron: string;
  readonly tz: string | null;
  readonly next: string | null;
  readonly kind: 'report' | 'export';
  /**
   * What the schedule runs, as the words after `--` (`export --since 2d`). Schedules added before these were kept
   * get words rebuilt from their job data (an endpoints file shows as `--endpoints <stored>`: only its content was kept).
   */
  readonly args: readonly string[];
}

/** Checks a cron expression and time zone with the parser BullMQ uses, so a bad one never reaches Redis. */
export function validateCron(cron: string, tz: string | undefined): void {
  if (tz !== undefined && !isTimeZone(tz))
    throw new UsageError(`--tz '${tz}' is not a known time zone (e.g. Europe/Berlin, UTC)`);
  try {
    CronExpressionParser.parse(cron, tz === undefined ? {} : { tz }).next();
  } catch (error) {
    throw new UsageError(`--cron '${cron}' is not a valid cron expression: ${(error as Error).message}`);
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Schedule names become BullMQ scheduler ids: keep them plain (no `:`). */
export function validateScheduleName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
    throw new UsageError(`schedule name '${name}' must be 1-64 letters, digits, '_', '.' or '-'`);
}

type RedisTarget = Pick<ConnectionOptions, 'redisUrl' | 'prefix'>;

/** Runs `use` with the report queue of one foundation; schedules live on their foundation's queue. */
async function withQueue<T>(
  connection: RedisTarget,
  api: string,
  use: (queue: Queue<ReportJobData>, redis: RedisClient) => Promise<T>,
): Promise<T> {
  return withRedis(connection.redisUrl, async (redis) => {
    const queue = new Queue<ReportJobData>(queueNameFor(QueueName.report, api), {
      connection: redis,
      prefix: foundationPrefix(connection.prefix, api, redis),
    });
    try {
      return await use(queue, redis);
    } finally {
      await queue.close();
    }
  });
}

/** The foundations to look at: the one named, or every one the prefix has seen. */
async function foundationsOf(connection: RedisTarget, api: string | undefined): Promise<string[]> {
  if (api !== undefined) return [api];
  return withRedis(connection.redisUrl, (redis) => knownFoundations(redis, connection.prefix));
}

/**
 * Creates or replaces a schedule: a BullMQ job scheduler on the foundation's report queue that puts a report job
 * (carrying that API) on it at every tick, so only workers of that foundation run it.
 */
export async function upsertSchedule(
  connection: RedisTarget,
  name: string,
  timing: { cron: string; tz?: string },
  data: ReportJobData & { api: string },
): Promise<ScheduleInfo | undefined> {
  validateScheduleName(name);
  validateCron(timing.cron, timing.tz);
  await withQueue(connection, data.api, async (queue, redis) => {
    await registerFoundation(redis, connection.prefix, data.api);
    await queue.upsertJobScheduler(
      name,
      { pattern: timing.cron, ...(timing.tz !== undefined && { tz: timing.tz }) },
      { name: QueueName.report, data, opts: { attempts: 1, ...JOB_RETENTION } },
    );
  });
  return (await listSchedules(connection, data.api)).find((schedule) => schedule.name === name);
}

/** Schedules of one foundation, or of every foundation under the prefix. */
export async function listSchedules(connection: RedisTarget, api?: string): Promise<ScheduleInfo[]> {
  const all: ScheduleInfo[] = [];
  for (const foundation of await foundationsOf(connection, api)) {
    const schedulers = await withQueue(connection, foundation, (queue) => queue.getJobSchedulers(0, -1, true));
    for (const scheduler of schedulers) {
      const data = scheduler.template?.data;
      const kind = data?.export || data?.exportWindowMs !== undefined ? 'export' : 'report';
      all.push({
        name: scheduler.key,
        api: foundation,
        cron: scheduler.pattern ?? '',
        tz: scheduler.tz ?? null,
        next: scheduler.next === undefined ? null : new Date(scheduler.next).toISOString(),
        kind,
        args: data?.args ? [...data.args] : argsOf(kind, data),
      });
    }
  }
  return all;
}

/** The words after `--` that would make a schedule's job data, for schedules stored without them. */
function argsOf(kind: 'report' | 'export', data: Partial<ReportJobData> | undefined): string[] {
  const args: string[] = [kind];
  if (data?.endpoints !== undefined) args.push('--endpoints', '<stored>');
  if (data?.inspectCredentials) args.push('--inspect-credentials');
  if (data?.keep !== undefined && data.keep !== DEFAULTS.keptReports) args.push('--keep', String(data.keep));
  if (data?.exportWindowMs !== undefined) {
    const hours = data.exportWindowMs / 3_600_000;
    args.push('--since', hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`);
  }
  return args;
}

/** Removes a schedule by name; refuses a name that several foundations use unless `api` says which. */
export async function removeSchedule(connection: RedisTarget, name: string, api?: string): Promise<boolean> {
  const matches = (await listSchedules(connection, api)).filter((schedule) => schedule.name === name);
  if (matches.length > 1)
    throw new UsageError(
      `schedule '${name}' exists for ${matches.map((m) => m.api).join(' and ')}: say which with --api`,
    );
  const [match] = matches;
  if (!match) return false;
  return withQueue(connection, match.api, (queue) => queue.removeJobScheduler(name));
}
