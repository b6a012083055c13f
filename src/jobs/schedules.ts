import { Queue } from 'bullmq';
import cronParser from 'cron-parser';
import type { ConnectionOptions } from '../config/connection-options.js';
import { UsageError } from '../usage-error.js';
import { QueueName, bullPrefix } from './queue-names.js';
import { createRedisConnection } from './redis-connection.js';
import { JOB_RETENTION } from './enqueue-job.js';
import type { ReportJobData } from './report-job.js';

/** A stored schedule, as `schedule list` shows it. */
export interface ScheduleInfo {
  readonly name: string;
  readonly cron: string;
  readonly tz: string | null;
  readonly next: string | null;
  readonly kind: 'report' | 'export';
}

/** Checks a cron expression and time zone with the parser BullMQ uses, so a bad one never reaches Redis. */
export function validateCron(cron: string, tz: string | undefined): void {
  if (tz !== undefined && !isTimeZone(tz)) throw new UsageError(`--tz '${tz}' is not a known time zone (e.g. Europe/Berlin, UTC)`);
  try {
    cronParser.parseExpression(cron, tz === undefined ? {} : { tz }).next();
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
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new UsageError(`schedule name '${name}' must be 1-64 letters, digits, '_', '.' or '-'`);
}

async function withQueue<T>(connection: Pick<ConnectionOptions, 'redisUrl' | 'prefix'>, use: (queue: Queue<ReportJobData>) => Promise<T>): Promise<T> {
  const redis = createRedisConnection(connection.redisUrl, { maxRetriesPerRequest: 3 });
  const queue = new Queue<ReportJobData>(QueueName.report, { connection: redis, prefix: bullPrefix(connection.prefix) });
  try {
    return await use(queue);
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** Creates or replaces a schedule: a BullMQ job scheduler that puts a report job on the queue at every tick. */
export async function upsertSchedule(
  connection: Pick<ConnectionOptions, 'redisUrl' | 'prefix'>,
  name: string,
  timing: { cron: string; tz?: string },
  data: ReportJobData,
): Promise<ScheduleInfo | undefined> {
  validateScheduleName(name);
  validateCron(timing.cron, timing.tz);
  await withQueue(connection, (queue) =>
    queue.upsertJobScheduler(name, { pattern: timing.cron, ...(timing.tz !== undefined && { tz: timing.tz }) }, { name: QueueName.report, data, opts: { attempts: 1, ...JOB_RETENTION } }),
  );
  return (await listSchedules(connection)).find((schedule) => schedule.name === name);
}

export async function listSchedules(connection: Pick<ConnectionOptions, 'redisUrl' | 'prefix'>): Promise<ScheduleInfo[]> {
  return withQueue(connection, async (queue) =>
    (await queue.getJobSchedulers(0, -1, true)).map((scheduler) => ({
      name: scheduler.key,
      cron: scheduler.pattern ?? '',
      tz: scheduler.tz ?? null,
      next: scheduler.next === undefined ? null : new Date(scheduler.next).toISOString(),
      kind: scheduler.template?.data?.export || scheduler.template?.data?.exportWindowMs !== undefined ? 'export' : 'report',
    })),
  );
}

/** Removes a schedule; false when there was none of that name. */
export async function removeSchedule(connection: Pick<ConnectionOptions, 'redisUrl' | 'prefix'>, name: string): Promise<boolean> {
  return withQueue(connection, (queue) => queue.removeJobScheduler(name));
}
