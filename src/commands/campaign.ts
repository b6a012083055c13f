import type { CommandModule } from 'yargs';
import type { CliContext } from '../cli-context.js';
import { resolveConnectionOptions, resolveRedisOptions, type ConnectionFlags } from '../config/connection-options.js';
import { UsageError } from '../usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { withConnectionFlags } from './connection-flags.js';
import { textTable } from '../render/text-table.js';
import type { CampaignStore } from '../campaign/campaign-store.js';

interface CampaignArgs extends ConnectionFlags {
  id?: string;
  out?: string;
  json?: boolean;
  detach?: boolean;
  concurrency?: number;
}

/** Redis and prefix only: reading campaign records needs no Cloud Controller credentials. */
async function openStore(args: CampaignArgs, context: CliContext): Promise<{ store: CampaignStore; redis: import('ioredis').Redis; redisUrl: string; prefix: string }> {
  const { redisUrl, prefix } = resolveRedisOptions(args, context.env);
  const [{ assertRedisReachable, createRedisConnection }, { CampaignStore }] = await Promise.all([import('../jobs/redis-connection.js'), import('../campaign/campaign-store.js')]);
  await assertRedisReachable(redisUrl);
  const redis = createRedisConnection(redisUrl, { maxRetriesPerRequest: 3 });
  return { store: new CampaignStore(redis, prefix), redis, redisUrl, prefix };
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
                const { summarizeCampaign } = await import('../campaign/campaign-summary.js');
                const rows = [];
                for (const meta of await store.list()) {
                  const p = summarizeCampaign(meta, await store.outcomes(meta.id));
                  rows.push([meta.id, meta.status, `${p.finished}/${p.total}`, meta.createdBy, meta.api]);
                }
                out(rows.length === 0 ? 'no campaigns under this prefix' : textTable(['ID', 'STATUS', 'FINAL', 'BY', 'API'], rows));
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
                .option('follow', { type: 'boolean', default: false, describe: 'Follow until the campaign is done (a progress bar on a terminal)' }),
            handler: async (args) => {
              const { store, redis } = await openStore(args, context);
              try {
                const meta = await requireMeta(store, args.id!);
                const [{ summarizeCampaign, progressLine }, { waitForCampaign }] = await Promise.all([import('../campaign/campaign-summary.js'), import('../campaign/wait-for-campaign.js')]);
                if ((args as { follow?: boolean }).follow) {
                  const { campaignProgressPrinter } = await import('../campaign/progress-printer.js');
                  const printer = campaignProgressPrinter(context.stderr);
                  await waitForCampaign(store, meta.id, (p) => printer.show(p), context.stopSignal);
                  printer.done();
                }
                const progress = summarizeCampaign((await store.meta(meta.id)) ?? meta, await store.outcomes(meta.id));
                out(args.json ? JSON.stringify({ ...progress, verification: (await store.verification(meta.id)) ?? null }) : progressLine(progress));
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
            builder: (b) => b.positional('id', { type: 'string', demandOption: true }).option('out', { type: 'string', demandOption: true }),
            handler: async (args) => {
              const { store, redis } = await openStore(args, context);
              try {
                const meta = await requireMeta(store, args.id!);
                const [{ renderCampaignReport }, { writeReportFiles }] = await Promise.all([import('../campaign/campaign-report.js'), import('../report/write-files.js')]);
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
              b.positional('id', { type: 'string', demandOption: true }).option('detach', { type: 'boolean', default: false }).option('concurrency', { type: 'number', default: 4 }),
            handler: async (args) => {
              const { store, redis, prefix } = await openStore(args, context);
              try {
                const meta = await requireMeta(store, args.id!);
                if (meta.status === 'cancelled') throw new UsageError(`campaign ${meta.id} was cancelled; start a new one with unshare-all`);
                const { unshareQueue, requeueUnfinished } = await import('../campaign/campaign-queue.js');
                const queue = unshareQueue(redis, prefix);
                try {
                  const requeued = await requeueUnfinished(queue, store, meta);
                  out(`campaign: ${meta.id}\nrequeued ${requeued} item(s)`);
                } finally {
                  await queue.close();
                }
                if (args.detach) return;
                const connection = resolveConnectionOptions(args, context.env);
                const [{ runCampaignUntilDone }, { progressLine }] = await Promise.all([import('../campaign/run-campaign.js'), import('../campaign/campaign-summary.js')]);
                const progress = await runCampaignUntilDone(connection, store, meta.id, { concurrency: args.concurrency ?? 4, log: context.log.child({ command: 'campaign resume' }), stderr: context.stderr, stop: context.stopSignal });
                out(progressLine(progress));
                if (!progress.allSucceeded) context.exitCode = ExitCode.Findings;
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
                const [{ unshareQueue, cancelCampaign }, { Queue }, { QueueName, bullPrefix }] = await Promise.all([
                  import('../campaign/campaign-queue.js'),
                  import('bullmq'),
                  import('../jobs/queue-names.js'),
                ]);
                const queue = unshareQueue(redis, prefix);
                const finalize = new Queue(QueueName.campaign, { connection: redis, prefix: bullPrefix(prefix) });
                try {
                  const cancelled = await cancelCampaign(queue, store, meta);
                  if ((await store.finishedCount(meta.id)) >= meta.total) await finalize.add('finalize', { campaignId: meta.id }, { jobId: `finalize-${meta.id}`, attempts: 5 });
                  out(`campaign ${meta.id} cancelled: ${cancelled} queued item(s) will not run`);
                } finally {
                  await finalize.close();
                  await queue.close();
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
