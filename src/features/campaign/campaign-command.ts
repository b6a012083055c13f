import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import {
  resolveConnectionOptions,
  resolveOptionalApi,
  resolveRedisOptions,
  type ConnectionFlags,
} from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { withCcFlags, withRedisFlags } from '../../config/connection-flags.js';
import { textTable } from '../../terminal/text-table.js';
import type { CampaignStore } from './campaign-store.js';
import type { RedisClient } from '../../core/redis-connection.js';
import { DEFAULTS } from '../../core/defaults.js';

interface CampaignArgs extends ConnectionFlags {
  id?: string;
  out?: string;
  json?: boolean;
  detach?: boolean;
  concurrency?: number;
}

/**
 * Runs `use` with the campaign store under the prefix; Redis and prefix only: reading campaign records needs no
 * Cloud Controller credentials.
 */
async function withStore<T>(
  args: CampaignArgs,
  context: CliContext,
  use: (store: CampaignStore, redis: RedisClient, prefix: string) => Promise<T>,
): Promise<T> {
  const { redisUrl, prefix } = resolveRedisOptions(args, context.env);
  const [{ withRedis }, { CampaignStore }] = await Promise.all([
    import('../../core/with-redis.js'),
    import('./campaign-store.js'),
  ]);
  return withRedis(redisUrl, (redis) => use(new CampaignStore(redis, prefix), redis, prefix), { check: true });
}

/** `cf-shares campaign list|status|report|pause|resume|cancel`. */
export function campaignCommand(context: CliContext): CommandModule<object, CampaignArgs> {
  const out = (text: string): void => void context.stdout.write(`${text}\n`);
  const sub = (definition: CommandModule<object, CampaignArgs>): CommandModule<object, CampaignArgs> => definition;
  return {
    command: 'campaign <action>',
    describe: 'List, follow, report on, pause, resume or cancel unshare campaigns',
    // Only resume logs in to CC (to work the campaign itself); the others read and write Redis alone.
    builder: (y) =>
      withRedisFlags(y)
        .command(
          sub({
            command: 'list',
            describe: 'Campaigns under this prefix, newest first',
            builder: (b) =>
              b.option('api', {
                type: 'string',
                describe: 'Only this foundation (Cloud Controller API URL) [env CF_API; default all]',
              }),
            handler: async (args) => {
              const { listCampaigns } = await import('./campaign-actions.js');
              let api: string | undefined;
              const campaigns = await withStore(args, context, (store) =>
                listCampaigns(store, (api = resolveOptionalApi(args, context.env))),
              );
              out(
                campaigns.length === 0
                  ? `no campaigns under this prefix${api === undefined ? '' : ` for ${api}`}`
                  : textTable(
                      ['API', 'ID', 'STATUS', 'FINAL', 'BY'],
                      campaigns.map(({ meta, progress: p }) => [
                        meta.api,
                        meta.id,
                        p.pausedAt === null ? meta.status : 'paused',
                        `${p.finished}/${p.total}`,
                        meta.createdBy,
                      ]),
                    ),
              );
            },
          }),
        )
        .command(
          sub({
            command: 'status <id>',
            describe: 'Counts per outcome, rate and ETA',
            builder: (b) =>
              b
                .positional('id', { type: 'string', demandOption: true })
                .option('json', { type: 'boolean', default: false, describe: 'Print the status as one JSON line' })
                .option('follow', {
                  type: 'boolean',
                  default: false,
                  describe: 'Follow until the campaign is done (a progress bar on a terminal)',
                }),
            handler: (args) =>
              withStore(args, context, async (store, redis, prefix) => {
                const { requireMeta } = await import('./campaign-actions.js');
                const meta = await requireMeta(store, args.id!);
                if ((args as { follow?: boolean }).follow) {
                  const [{ followWithProgress }, { reportFollowEnd }] = await Promise.all([
                    import('./run-campaign.js'),
                    import('./campaign-follow-end.js'),
                  ]);
                  const end = await followWithProgress({ api: meta.api, prefix }, redis, store, meta.id, {
                    log: context.log,
                    stderr: context.stderr,
                    stop: context.stopSignal,
                  });
                  context.exitCode = reportFollowEnd(end, meta.id, args.json ? () => undefined : out, context.stderr);
                  if (!args.json) return;
                }
                const { campaignStatus } = await import('./campaign-status.js');
                const view = await campaignStatus(redis, prefix, store, meta.id);
                if (args.json)
                  out(
                    JSON.stringify({
                      ...view.progress,
                      api: meta.api,
                      plan_hash: meta.planHash ?? null,
                      broker: meta.broker ?? null,
                      waiting: view.waiting ?? null,
                      liveness: view.liveness,
                      verification: (await store.verification(meta.id)) ?? null,
                    }),
                  );
                else {
                  out(view.lines.join('\n'));
                  if (meta.planHash !== undefined) out(`executes plan ${meta.planHash}`);
                }
              }),
          }),
        )
        .command(
          sub({
            command: 'report <id>',
            describe: 'Write campaign.json, items.csv and audit-trail.csv into --out',
            builder: (b) =>
              b
                .positional('id', { type: 'string', demandOption: true })
                .option('out', { type: 'string', demandOption: true, describe: 'Folder for the campaign files' }),
            handler: async (args) => {
              const [{ requireMeta, campaignReportFiles }, { writeReportFiles }, { checkOutputDir }] =
                await Promise.all([
                  import('./campaign-actions.js'),
                  import('../report/write-files.js'),
                  import('../../core/output-dir.js'),
                ]);
              await checkOutputDir(args.out!);
              const files = await withStore(args, context, async (store) =>
                campaignReportFiles(store, await requireMeta(store, args.id!)),
              );
              await writeReportFiles(args.out!, files);
              out(`${Object.keys(files).length} files written to ${args.out}`);
            },
          }),
        )
        .command(
          sub({
            command: 'resume <id>',
            describe: 'Lift a pause, requeue what is not finished, and work it unless --detach',
            builder: (b) =>
              withCcFlags(b.positional('id', { type: 'string', demandOption: true }))
                .option('detach', {
                  type: 'boolean',
                  default: false,
                  describe: 'Only requeue; a `cf-shares worker` of the foundation works the campaign',
                })
                .option('concurrency', {
                  type: 'number',
                  default: DEFAULTS.unshareConcurrency,
                  describe: 'Items this process works at once',
                }),
            handler: (args) =>
              withStore(args, context, async (store, redis, prefix) => {
                const { requireMeta } = await import('./campaign-actions.js');
                const meta = await requireMeta(store, args.id!);
                if (meta.status === 'cancelled')
                  throw new UsageError(`campaign ${meta.id} was cancelled; start a new one with unshare-all`);
                const connection = args.detach ? undefined : resolveConnectionOptions(args, context.env);
                if (connection && connection.api !== meta.api)
                  throw new UsageError(
                    `campaign ${meta.id} is for ${meta.api}, but you are logged in to ${connection.api}: resume it with CF_API=${meta.api}`,
                  );
                const [{ campaignQueues }, { resumeCampaign, resumeLines }] = await Promise.all([
                  import('./campaign-queue.js'),
                  import('./campaign-pause.js'),
                ]);
                const queues = campaignQueues(redis, prefix, meta.api);
                try {
                  const result = await resumeCampaign(queues, store, meta);
                  out(resumeLines(meta, result, { detach: !connection }).join('\n'));
                } finally {
                  await queues.close();
                }
                if (!connection) return;
                const [{ followWithProgress }, { reportFollowEnd }] = await Promise.all([
                  import('./run-campaign.js'),
                  import('./campaign-follow-end.js'),
                ]);
                const end = await followWithProgress(connection, redis, store, meta.id, {
                  log: context.log.child({ command: 'campaign resume' }),
                  stderr: context.stderr,
                  stop: context.stopSignal,
                  work: {
                    concurrency: args.concurrency ?? DEFAULTS.unshareConcurrency,
                    startWorkers: context.startWorkers,
                  },
                });
                context.exitCode = reportFollowEnd(end, meta.id, out, context.stderr);
              }),
          }),
        )
        .command(
          sub({
            command: 'pause <id>',
            describe: 'Start no new unshare until `campaign resume`; items in flight finish',
            builder: (b) => b.positional('id', { type: 'string', demandOption: true }),
            handler: (args) =>
              withStore(args, context, async (store, redis, prefix) => {
                const [{ requireMeta }, { campaignQueues }, { pauseCampaign }] = await Promise.all([
                  import('./campaign-actions.js'),
                  import('./campaign-queue.js'),
                  import('./campaign-pause.js'),
                ]);
                const meta = await requireMeta(store, args.id!);
                const queues = campaignQueues(redis, prefix, meta.api);
                try {
                  const { record, already, inFlight } = await pauseCampaign(queues, store, meta);
                  out(
                    already
                      ? `campaign ${meta.id} is already paused (since ${record.at})`
                      : `campaign ${meta.id} paused: no new unshare starts, ${inFlight} item(s) in flight finish; lift it with 'cf-shares campaign resume ${meta.id}'`,
                  );
                } finally {
                  await queues.close();
                }
              }),
          }),
        )
        .command(
          sub({
            command: 'cancel <id>',
            describe: 'Stop a campaign cleanly: queued items end cancelled, an attempt in flight finishes',
            builder: (b) => b.positional('id', { type: 'string', demandOption: true }),
            handler: (args) =>
              withStore(args, context, async (store, redis, prefix) => {
                const { requireMeta } = await import('./campaign-actions.js');
                const meta = await requireMeta(store, args.id!);
                if (meta.status === 'done') throw new UsageError(`campaign ${meta.id} is already done`);
                const { campaignQueues, cancelCampaign } = await import('./campaign-queue.js');
                const queues = campaignQueues(redis, prefix, meta.api);
                try {
                  const { cancelled, settling, inFlight } = await cancelCampaign(queues, store, meta);
                  out(`campaign ${meta.id} cancelled: ${cancelled} queued item(s) will not run`);
                  if (settling + inFlight > 0)
                    out(
                      `${settling + inFlight} item(s) in flight or with a write already sent: a worker records what happened to each, from CC's answer or a read of the shares (waiting for a worker if none runs)`,
                    );
                } finally {
                  await queues.close();
                }
              }),
          }),
        )
        .demandCommand(1, 'name an action: list, status, report, pause, resume or cancel'),
    handler: () => undefined,
  };
}
