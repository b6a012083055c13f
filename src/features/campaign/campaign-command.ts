import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import {
  resolveConnectionOptions,
  resolveOptionalApi,
  resolveRedisOptions,
  type ConnectionFlags,
} from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { withConnectionFlags } from '../../config/connection-flags.js';
import { textTable } from '../../terminal/text-table.js';
import type { CampaignStore } from './campaign-store.js';
import type { CampaignMeta } from './campaign-model.js';

interface CampaignArgs extends ConnectionFlags {
  id?: string;
  out?: string;
  json?: boolean;
  detach?: boolean;
  concurrency?: number;
}

/** Redis and prefix only: reading campaign records needs no Cloud Controller credentials. */
async function openStore(
  args: CampaignArgs,
  context: CliContext,
): Promise<{ store: CampaignStore; redis: import('ioredis').Redis; redisUrl: string; prefix: string }> {
  const { redisUrl, prefix } = resolveRedisOptions(args, context.env);
  const [{ assertRedisReachable, createRedisConnection }, { CampaignStore }] = await Promise.all([
    import('../../core/redis-connection.js'),
    import('./campaign-store.js'),
  ]);
  await assertRedisReachable(redisUrl);
  const redis = createRedisConnection(redisUrl, { maxRetriesPerRequest: 3 });
  return { store: new CampaignStore(redis, prefix), redis, redisUrl, prefix };
}

/** Why a running campaign is not moving, when no worker serves its foundation. */
async function waitingFor(
  redis: import('ioredis').Redis,
  prefix: string,
  meta: CampaignMeta,
): Promise<string | undefined> {
  if (meta.status === 'done' || meta.status === 'cancelled') return undefined;
  const { campaignQueues } = await import('./campaign-queue.js');
  const queues = campaignQueues(redis, prefix, meta.api);
  try {
    return (await queues.unshare.getWorkersCount()) === 0
      ? `waiting for a worker of ${meta.api} (start 'cf-shares worker' logged in to it as an admin)`
      : undefined;
  } finally {
    await queues.close();
  }
}

async function requireMeta(store: CampaignStore, id: string) {
  const meta = await store.meta(id);
  if (!meta) throw new UsageError(`no campaign '${id}' under this prefix (see cf-shares campaign list)`);
  return meta;
}

/** `cf-shares campaign list|status|report|resume|cancel`. */
export function campaignCommand(context: CliContext): CommandModule<object, CampaignArgs> {
  const out = (text: string): void => void context.stdout.write(`${text}\n`);
  const sub = (definition: CommandModule<object, CampaignArgs>): CommandModule<object, CampaignArgs> => definition;
  return {
    command: 'campaign <action>',
    describe: 'List, follow, report on, resume or cancel unshare campaigns',
    builder: (y) =>
      withConnectionFlags(y)
        .command(
          sub({
            command: 'list',
            describe: 'Campaigns under this prefix, newest first',
            handler: async (args) => {
              const { store, redis } = await openStore(args, context);
              try {
                const { summarizeCampaign } = await import('./campaign-summary.js');
                const api = resolveOptionalApi(args, context.env);
                const metas = (await store.list(api)).sort((a, b) => a.api.localeCompare(b.api));
                const rows = [];
                for (const meta of metas) {
                  const p = summarizeCampaign(meta, await store.outcomes(meta.id));
                  rows.push([meta.api, meta.id, meta.status, `${p.finished}/${p.total}`, meta.createdBy]);
                }
                out(
                  rows.length === 0
                    ? `no campaigns under this prefix${api === undefined ? '' : ` for ${api}`}`
                    : textTable(['API', 'ID', 'STATUS', 'FINAL', 'BY'], rows),
                );
              } finally {
                redis.disconnect();
              }
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
                .option('json', { type: 'boolean', default: false })
                .option('follow', {
                  type: 'boolean',
                  default: false,
                  describe: 'Follow until the campaign is done (a progress bar on a terminal)',
                }),
            handler: async (args) => {
              const { store, redis, prefix } = await openStore(args, context);
              try {
                const meta = await requireMeta(store, args.id!);
                const { summarizeCampaign, progressLine } = await import('./campaign-summary.js');
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
                const progress = summarizeCampaign((await store.meta(meta.id)) ?? meta, await store.outcomes(meta.id));
                const waiting = await waitingFor(redis, prefix, meta);
                if (args.json)
                  out(
                    JSON.stringify({
                      ...progress,
                      api: meta.api,
                      waiting: waiting ?? null,
                      verification: (await store.verification(meta.id)) ?? null,
                    }),
                  );
                else out(waiting === undefined ? progressLine(progress) : `${progressLine(progress)}\n${waiting}`);
              } finally {
                redis.disconnect();
              }
            },
          }),
        )
        .command(
          sub({
            command: 'report <id>',
            describe: 'Write campaign.json, items.csv and audit-trail.csv into --out',
            builder: (b) =>
              b
                .positional('id', { type: 'string', demandOption: true })
                .option('out', { type: 'string', demandOption: true }),
            handler: async (args) => {
              const { store, redis } = await openStore(args, context);
              try {
                const meta = await requireMeta(store, args.id!);
                const [{ renderCampaignReport }, { writeReportFiles }] = await Promise.all([
                  import('./campaign-report.js'),
                  import('../report/write-files.js'),
                ]);
                const files = renderCampaignReport({
                  meta,
                  items: await store.items(meta.id),
                  outcomes: await store.outcomes(meta.id),
                  attempts: await store.attempts(meta.id),
                  ledger: await store.ledgerEntries(meta.id),
                  audit: await store.auditEntries(meta.id),
                  verification: await store.verification(meta.id),
                });
                await writeReportFiles(args.out!, files);
                out(`${Object.keys(files).length} files written to ${args.out}`);
              } finally {
                redis.disconnect();
              }
            },
          }),
        )
        .command(
          sub({
            command: 'resume <id>',
            describe: 'Requeue what is not finished, and work it unless --detach',
            builder: (b) =>
              b
                .positional('id', { type: 'string', demandOption: true })
                .option('detach', { type: 'boolean', default: false })
                .option('concurrency', { type: 'number', default: 4 }),
            handler: async (args) => {
              const { store, redis, prefix } = await openStore(args, context);
              try {
                const meta = await requireMeta(store, args.id!);
                if (meta.status === 'cancelled')
                  throw new UsageError(`campaign ${meta.id} was cancelled; start a new one with unshare-all`);
                const connection = args.detach ? undefined : resolveConnectionOptions(args, context.env);
                if (connection && connection.api !== meta.api)
                  throw new UsageError(
                    `campaign ${meta.id} is for ${meta.api}, but you are logged in to ${connection.api}: resume it with CF_API=${meta.api}`,
                  );
                const { campaignQueues, requeueUnfinished } = await import('./campaign-queue.js');
                const queues = campaignQueues(redis, prefix, meta.api);
                try {
                  const requeued = await requeueUnfinished(queues, store, meta);
                  out(
                    `campaign: ${meta.id}\nrequeued ${requeued} item(s) with no job left; items still queued or running keep their jobs`,
                  );
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
                  work: { concurrency: args.concurrency ?? 4 },
                });
                context.exitCode = reportFollowEnd(end, meta.id, out, context.stderr);
              } finally {
                redis.disconnect();
              }
            },
          }),
        )
        .command(
          sub({
            command: 'cancel <id>',
            describe: 'Stop a campaign cleanly: queued items end cancelled, an attempt in flight finishes',
            builder: (b) => b.positional('id', { type: 'string', demandOption: true }),
            handler: async (args) => {
              const { store, redis, prefix } = await openStore(args, context);
              try {
                const meta = await requireMeta(store, args.id!);
                if (meta.status === 'done') throw new UsageError(`campaign ${meta.id} is already done`);
                const { campaignQueues, cancelCampaign } = await import('./campaign-queue.js');
                const queues = campaignQueues(redis, prefix, meta.api);
                try {
                  const cancelled = await cancelCampaign(queues, store, meta);
                  out(`campaign ${meta.id} cancelled: ${cancelled} queued item(s) will not run`);
                } finally {
                  await queues.close();
                }
              } finally {
                redis.disconnect();
              }
            },
          }),
        )
        .demandCommand(1, 'name an action: list, status, report, resume or cancel'),
    handler: () => undefined,
  };
}
