import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { resolveConnectionOptions, type ConnectionFlags } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { withConnectionFlags } from '../../config/connection-flags.js';
import { textTable } from '../../terminal/text-table.js';
import type { CampaignSelectors } from './selectors.js';
import { reportFollowEnd } from './campaign-follow-end.js';

interface UnshareAllArgs extends ConnectionFlags {
  'source-org'?: string[];
  'source-space'?: string[];
  'target-org'?: string[];
  'target-space'?: string[];
  offering?: string[];
  plan?: string[];
  instance?: string[];
  'dry-run': boolean;
  yes: boolean;
  'disable-flag': boolean;
  rate: number;
  concurrency: number;
  'max-attempts': number;
  'retry-delay': number;
  'only-unbound': boolean;
  'delete-bindings-first': boolean;
  detach: boolean;
}

/** `cf-shares unshare-all`: plan, confirm, then remove every share in scope as a resumable, rate-limited campaign. */
export function unshareAllCommand(context: CliContext): CommandModule<object, UnshareAllArgs> {
  return {
    command: 'unshare-all',
    describe: 'Remove every share in scope as a resumable, rate-limited campaign (plan first; --dry-run, --yes)',
    builder: (y) =>
      withConnectionFlags(y)
        .option('source-org', {
          type: 'string',
          array: true,
          describe: 'Only shares from these orgs (names or guids)',
          group: 'Selectors:',
        })
        .option('source-space', {
          type: 'string',
          array: true,
          describe: 'Only shares from these spaces',
          group: 'Selectors:',
        })
        .option('target-org', {
          type: 'string',
          array: true,
          describe: 'Only shares into these orgs',
          group: 'Selectors:',
        })
        .option('target-space', {
          type: 'string',
          array: true,
          describe: 'Only shares into these spaces',
          group: 'Selectors:',
        })
        .option('offering', {
          type: 'string',
          array: true,
          describe: 'Only instances of these offerings',
          group: 'Selectors:',
        })
        .option('plan', { type: 'string', array: true, describe: 'Only instances of these plans', group: 'Selectors:' })
        .option('instance', { type: 'string', array: true, describe: 'Only these instances', group: 'Selectors:' })
        .option('only-unbound', {
          type: 'boolean',
          default: false,
          describe: 'Only shares with no app bound in the target space (a safe first phase)',
          group: 'Selectors:',
        })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Show the plan and stop: nothing is written' })
        .option('yes', { type: 'boolean', default: false, describe: 'Do not ask for confirmation' })
        .option('disable-flag', {
          type: 'boolean',
          default: false,
          describe: 'Disable the service_instance_sharing feature flag first if it is on',
        })
        .option('rate', { type: 'number', default: 5, describe: 'Unshare requests per second, across all workers' })
        .option('concurrency', { type: 'number', default: 4, describe: 'Items this process works at once' })
        .option('max-attempts', { type: 'number', default: 8, describe: 'Attempts per item, the first included' })
        .option('retry-delay', {
          type: 'number',
          default: 120,
          describe: 'First backoff in seconds for blocked items (then exponential with jitter, capped at 30 min)',
        })
        .option('delete-bindings-first', {
          type: 'boolean',
          default: false,
          describe: 'Delete the app bindings explicitly (polling each job) before unsharing',
        })
        .option('detach', {
          type: 'boolean',
          default: false,
          describe: 'Record and queue the campaign; `cf-shares worker` processes run it',
        }),
    handler: async (args) => {
      for (const [name, min] of [
        ['rate', 1],
        ['concurrency', 1],
        ['max-attempts', 1],
        ['retry-delay', 0],
      ] as const) {
        const value = args[name];
        if (!Number.isFinite(value) || value < min || (name !== 'retry-delay' && !Number.isInteger(value)))
          throw new UsageError(`--${name} must be a number >= ${min} (got ${String(value)})`);
      }
      const connection = resolveConnectionOptions(args, context.env);
      const selectors: CampaignSelectors = {
        ...(args['source-org'] && { sourceOrg: args['source-org'] }),
        ...(args['source-space'] && { sourceSpace: args['source-space'] }),
        ...(args['target-org'] && { targetOrg: args['target-org'] }),
        ...(args['target-space'] && { targetSpace: args['target-space'] }),
        ...(args.offering && { offering: args.offering }),
        ...(args.plan && { plan: args.plan }),
        ...(args.instance && { instance: args.instance }),
      };
      const [
        { assertRedisReachable, createRedisConnection },
        { connectClient },
        { crawlFoundation },
        { computeFindings },
        { buildReport },
        { buildPlan },
      ] = await Promise.all([
        import('../../core/redis-connection.js'),
        import('../../core/connect-client.js'),
        import('../../crawl/crawl-foundation.js'),
        import('../../audit/findings.js'),
        import('../report/build-report.js'),
        import('./build-plan.js'),
      ]);
      await assertRedisReachable(connection.redisUrl);
      const log = context.log.child({ command: 'unshare-all' });
      const client = await connectClient(connection, log);
      const out = (text = ''): void => void context.stdout.write(`${text}\n`);
      try {
        const identity = client.identity;
        if (identity?.kind !== 'admin' && !args['dry-run']) {
          throw new UsageError(
            `${identity?.userName ?? identity?.clientId ?? 'this identity'} is ${identity?.kind ?? 'unknown'}: unsharing needs cloud_controller.admin (use --dry-run to only see the plan)`,
          );
        }
        // Preflight: with the flag on, developers could share again while the campaign runs.
        const flag = await client.featureFlags.get('service_instance_sharing');
        if (flag.enabled && !args['disable-flag'] && !args['dry-run']) {
          throw new UsageError(
            'the service_instance_sharing feature flag is enabled, so new shares could appear mid-campaign: disable it first, or pass --disable-flag',
          );
        }

        const campaignId = `${new Date()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
        const { snapshot, requests } = await crawlFoundation(client, connection.api, { log });
        const report = buildReport(snapshot, computeFindings(snapshot), requests);
        const { items, summary } = buildPlan(campaignId, report, snapshot, selectors, args['only-unbound']);
        if (items.length === 0)
          throw new UsageError(
            report.shares.length === 0
              ? 'there are no shares on this foundation: nothing to do'
              : `the selectors match none of the ${report.shares.length} shares on this foundation`,
          );

        out(
          `Plan: unshare ${summary.items} share(s) of ${summary.instances} instance(s) from ${summary.targetSpaces} target space(s).`,
        );
        out(
          `Unsharing deletes ${summary.bindingsToDelete} app binding(s) of ${summary.appsAffected} app(s) in those spaces; service keys are kept.`,
        );
        if (flag.enabled) {
          out(
            args['disable-flag']
              ? 'The service_instance_sharing flag is enabled and will be disabled first (--disable-flag).'
              : 'The service_instance_sharing flag is enabled: a real run needs --disable-flag, or the flag disabled first.',
          );
        }
        out();
        const shown = items.slice(0, 20);
        out(
          textTable(
            ['INSTANCE', 'FROM', 'INTO', 'BOUND APPS'],
            shown.map((item) => [
              item.instance.name,
              `${item.source.org ?? '?'}/${item.source.space ?? '?'}`,
              `${item.target.org ?? '?'}/${item.target.space ?? '?'}`,
              item.bindings.map((b) => b.app).join(', ') || '-',
            ]),
          ),
        );
        if (items.length > shown.length) out(`... and ${items.length - shown.length} more`);
        out();
        if (args['dry-run']) {
          out('Dry run: nothing was changed and nothing was recorded.');
          return;
        }
        if (!args.yes) {
          const stdin = process.stdin;
          if (!stdin.isTTY)
            throw new UsageError(
              `refusing to unshare ${items.length} share(s) without --yes: there is no terminal to confirm on`,
            );
          const rl = createInterface({ input: stdin, output: process.stderr });
          const answer = await rl.question(`Unshare ${items.length} share(s)? Type 'yes' to go on: `);
          rl.close();
          if (answer.trim().toLowerCase() !== 'yes') throw new UsageError('not confirmed: nothing was changed');
        }

        const [{ CampaignStore }, { enqueueItems, campaignQueues }, { auditedWrite }, { registerFoundation }] =
          await Promise.all([
            import('./campaign-store.js'),
            import('./campaign-queue.js'),
            import('./audited-write.js'),
            import('../../core/foundation-registry.js'),
          ]);
        const redis = createRedisConnection(connection.redisUrl, { maxRetriesPerRequest: 3 });
        const store = new CampaignStore(redis, connection.prefix);
        const meta = {
          id: campaignId,
          api: connection.api,
          createdAt: new Date().toISOString(),
          createdBy: identity?.userName ?? identity?.clientId ?? 'unknown',
          total: items.length,
          status: 'running' as const,
          options: {
            rate: args.rate,
            maxAttempts: args['max-attempts'],
            retryDelaySeconds: args['retry-delay'],
            onlyUnbound: args['only-unbound'],
            deleteBindingsFirst: args['delete-bindings-first'],
            selectors,
          },
        };
        const queues = campaignQueues(redis, connection.prefix, connection.api);
        try {
          await store.create(meta, items);
          await registerFoundation(redis, connection.prefix, connection.api);
          if (flag.enabled) {
            const path = '/v3/feature_flags/service_instance_sharing';
            const patched = await client.featureFlags.patch(
              'service_instance_sharing',
              { enabled: false },
              { hooks: auditedWrite(store, campaignId, { identity: meta.createdBy, method: 'PATCH', path }) },
            );
            log.info({ enabled: patched.enabled }, 'sharing flag disabled');
          }
          await enqueueItems(queues.unshare, meta, items);
          out(`campaign: ${campaignId}`);
          if (args.detach) {
            out(
              `queued for the workers of ${connection.api}: follow with 'cf-shares campaign status ${campaignId} --follow'`,
            );
            return;
          }
          const { followWithProgress } = await import('./run-campaign.js');
          const end = await followWithProgress(connection, redis, store, campaignId, {
            log,
            stderr: context.stderr,
            stop: context.stopSignal,
            work: { concurrency: args.concurrency },
          });
          context.exitCode = reportFollowEnd(end, campaignId, out, context.stderr);
        } finally {
          await queues.close();
          redis.disconnect();
        }
      } finally {
        await client.close();
      }
    },
  };
}
