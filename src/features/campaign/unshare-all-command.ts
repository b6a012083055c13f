import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { resolveNotifyUrls } from '../../config/notify-urls.js';
import type { CliContext } from '../../cli-context.js';
import { resolveConnectionOptions, type ConnectionFlags } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { withConnectionFlags } from '../../config/connection-flags.js';
import type { CampaignSelectors } from './selectors.js';
import { DEFAULTS } from '../../core/defaults.js';
import type { CampaignPlan } from './plan-campaign.js';
import { checkProxyPlans } from '../report/report-job-command.js';

/** The selector flags: they choose shares, which a plan file has already done. */
const SELECTOR_FLAGS = [
  'source-org',
  'source-space',
  'target-org',
  'target-space',
  'offering',
  'plan',
  'instance',
  'only-unbound',
] as const;
import { ExitCode } from '../../exit-codes.js';

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
  out?: string;
  'from-plan'?: string;
  'allow-drift': boolean;
  'inspect-credentials': boolean;
  'broker-shares': boolean;
  'per-proxy': boolean;
  'cc-shares': boolean;
  'proxy-plan'?: string[];
  notify?: string[];
}

/** The flags that choose broker-level shares: a plan file has chosen them already. */
const BROKER_FLAGS = ['broker-shares', 'per-proxy', 'cc-shares', 'proxy-plan'] as const;

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
        .option('inspect-credentials', {
          type: 'boolean',
          default: false,
          describe:
            "Read every target binding's and key's credentials to mark shares whose apps keep access after unsharing (credentials not unique)",
        })
        .option('broker-shares', {
          type: 'boolean',
          default: false,
          describe:
            'Unshare broker-level shares (SAP Credential Store proxies): update each original of this foundation with {"unshare":{"landscape":"*"}}; alone, CC shares are left out (add --cc-shares or a selector to include them)',
          group: 'Broker-level shares:',
        })
        .option('per-proxy', {
          type: 'boolean',
          default: false,
          describe: 'With --broker-shares: one item per proxy, sending proxyServiceGuid (target selectors need it)',
          group: 'Broker-level shares:',
        })
        .option('cc-shares', {
          type: 'boolean',
          default: false,
          describe: 'With --broker-shares: unshare the CC shares in scope in the same campaign',
          group: 'Broker-level shares:',
        })
        .option('proxy-plan', {
          type: 'string',
          array: true,
          describe:
            'With --broker-shares: OFFERING:PLAN whose instances are proxies (repeatable; default credstore:proxy)',
          group: 'Broker-level shares:',
        })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Show the plan and stop: nothing is written' })
        .option('out', {
          type: 'string',
          describe:
            'With --dry-run: write the whole plan (plan.json with its hash, plan.csv, plan.md) into this folder',
        })
        .option('from-plan', {
          type: 'string',
          describe: 'Execute exactly the shares of this plan.json (written by --dry-run --out), after a drift check',
        })
        .option('allow-drift', {
          type: 'boolean',
          default: false,
          describe: 'With --from-plan: go on although the foundation changed so that unsharing destroys more',
        })
        .option('yes', { type: 'boolean', default: false, describe: 'Do not ask for confirmation' })
        .option('disable-flag', {
          type: 'boolean',
          default: false,
          describe: 'Disable the service_instance_sharing feature flag first if it is on',
        })
        .option('rate', { type: 'number', default: 5, describe: 'Unshare requests per second, across all workers' })
        .option('concurrency', {
          type: 'number',
          default: DEFAULTS.unshareConcurrency,
          describe: 'Items this process works at once',
        })
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
        })
        .option('notify', {
          type: 'string',
          array: true,
          describe:
            'Webhook URL to POST JSON to when the campaign ends; a worker serving reports delivers it (repeatable; or CF_SHARES_NOTIFY_URL, comma-separated)',
          group: 'Alerts:',
        }),
    handler: async (args) => {
      // Checked first: a bad URL must not cost a plan.
      const notifyUrls = resolveNotifyUrls(args.notify, context.env);
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
      const fromPlan = args['from-plan'];
      if (fromPlan !== undefined) {
        const given = SELECTOR_FLAGS.filter((name) => args[name] !== undefined && args[name] !== false);
        if (given.length > 0)
          throw new UsageError(
            `--from-plan executes the plan's own shares: --${given.join(', --')} cannot narrow or widen it`,
          );
        if (args.out !== undefined) throw new UsageError('--out writes a new plan: it cannot go with --from-plan');
        const broker = BROKER_FLAGS.filter((name) => args[name] !== undefined && args[name] !== false);
        if (broker.length > 0)
          throw new UsageError(
            `--from-plan executes the plan's own items: --${broker.join(', --')} cannot change them`,
          );
      }
      const brokerShares = brokerSharesOf(args);
      if (args.out !== undefined && !args['dry-run'])
        throw new UsageError('--out writes the plan of a dry run: add --dry-run, review the plan, then --from-plan');
      if (args['allow-drift'] && fromPlan === undefined) throw new UsageError('--allow-drift goes with --from-plan');
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
      // Before anything else (Redis, login, crawl): a plan that cannot be saved, or a plan file that is not the
      // approved one, stops the run with nothing done.
      if (args.out !== undefined) await (await import('./plan-output.js')).preparePlanDir(args.out);
      const planFile =
        fromPlan === undefined ? undefined : await (await import('./plan-file.js')).readPlanFile(fromPlan);
      if (planFile) (await import('./plan-file.js')).assertPlanFor(planFile, connection.api);
      const [{ assertRedisReachable }, { withRedis }, { connectClient }, { planCampaign }, { renderPlan }] =
        await Promise.all([
          import('../../core/redis-connection.js'),
          import('../../core/with-redis.js'),
          import('../../core/connect-client.js'),
          import('./plan-campaign.js'),
          import('./render-plan.js'),
        ]);
      await assertRedisReachable(connection.redisUrl);
      const log = context.log.child({ command: 'unshare-all' });
      const client = await connectClient(connection, log);
      const out = (text = ''): void => void context.stdout.write(`${text}\n`);
      try {
        const options = {
          dryRun: args['dry-run'],
          disableFlag: args['disable-flag'],
          inspectCredentials: args['inspect-credentials'],
          log,
        };
        let plan: CampaignPlan;
        if (planFile) {
          const [{ planFromFile }, { renderDrift, driftRefusal }] = await Promise.all([
            import('./plan-from-file.js'),
            import('./plan-drift.js'),
          ]);
          const planned = await planFromFile(client, connection.api, planFile, options);
          const brokerItems = planFile.broker_shares?.items.length;
          out(
            `Executing plan ${planFile.plan_hash} (${planFile.shares.length} share(s)${brokerItems === undefined ? '' : `, ${brokerItems} broker-level item(s)`}, made ${planFile.created_at}).`,
          );
          context.stdout.write(renderDrift(planned.drift));
          if (planned.drift.destructive.length > 0 && !args['allow-drift'])
            throw new UsageError(driftRefusal(planned.drift));
          plan = planned.plan;
        } else {
          plan = await planCampaign(client, connection.api, {
            ...options,
            selectors,
            onlyUnbound: args['only-unbound'],
            ...(brokerShares && {
              ccShares: brokerShares.ccShares,
              brokerShares: {
                perProxy: brokerShares.perProxy,
                ...(brokerShares.proxyPlans && { proxyPlans: brokerShares.proxyPlans }),
              },
            }),
          });
        }
        context.stdout.write(renderPlan(plan, args['disable-flag']));
        if (args.out !== undefined) {
          const [{ planFileOf }, { writePlanFiles }] = await Promise.all([
            import('./plan-file.js'),
            import('./plan-output.js'),
          ]);
          const file = planFileOf(plan, {
            api: connection.api,
            createdAt: new Date().toISOString(),
            selectors,
            onlyUnbound: args['only-unbound'],
            ...(brokerShares && { ccShares: brokerShares.ccShares }),
            ...(brokerShares?.proxyPlans && { proxyPlans: brokerShares.proxyPlans }),
          });
          await writePlanFiles(args.out, file);
          out(`Plan ${file.plan_hash} written to ${args.out} (plan.json, plan.csv, plan.md).`);
          out(`Execute exactly this plan with: cf-shares unshare-all --from-plan ${join(args.out, 'plan.json')} --yes`);
        }
        if (args['dry-run']) {
          out(
            `Dry run: nothing was changed and nothing was recorded${args.out === undefined ? '' : ' (apart from the plan files)'}.`,
          );
          return;
        }
        if (!args.yes) {
          const what = itemsText(plan);
          if (!context.stdin.isTTY)
            throw new UsageError(`refusing to unshare ${what} without --yes: there is no terminal to confirm on`);
          const { confirm } = await import('../../terminal/confirm.js');
          const confirmed = await confirm({
            input: context.stdin,
            output: context.stderr,
            question: `Unshare ${what}? Type 'yes' to go on: `,
            expected: 'yes',
          });
          if (!confirmed) throw new UsageError('not confirmed: nothing was changed');
        }

        // Ctrl-C during the plan or the prompt: the campaign must not start after the person asked to stop.
        if (context.stopSignal.aborted) {
          context.stderr.write('cf-shares: interrupted before the campaign started: nothing was changed\n');
          context.exitCode = ExitCode.Interrupted;
          return;
        }
        const [{ startCampaign }, { followWithProgress }, { reportFollowEnd }] = await Promise.all([
          import('./start-campaign.js'),
          import('./run-campaign.js'),
          import('./campaign-follow-end.js'),
        ]);
        await withRedis(connection.redisUrl, async (redis) => {
          const { meta, store } = await startCampaign(
            client,
            redis,
            connection,
            plan,
            {
              rate: args.rate,
              maxAttempts: args['max-attempts'],
              retryDelaySeconds: args['retry-delay'],
              onlyUnbound: planFile?.only_unbound ?? args['only-unbound'],
              deleteBindingsFirst: args['delete-bindings-first'],
              selectors: planFile?.selectors ?? selectors,
              ...(plan.broker && {
                brokerShares: {
                  perProxy: plan.broker.perProxy,
                  ccShares: planFile ? planFile.cc_shares !== false : (brokerShares?.ccShares ?? true),
                },
              }),
            },
            log,
            notifyUrls,
          );
          out(`campaign: ${meta.id}`);
          if (args.detach) {
            out(
              `queued for the workers of ${connection.api}: follow with 'cf-shares campaign status ${meta.id} --follow'`,
            );
            return;
          }
          const end = await followWithProgress(connection, redis, store, meta.id, {
            log,
            stderr: context.stderr,
            stop: context.stopSignal,
            work: { concurrency: args.concurrency, startWorkers: context.startWorkers },
          });
          context.exitCode = reportFollowEnd(end, meta.id, out, context.stderr);
        });
      } finally {
        await client.close();
      }
    },
  };
}

/** What the confirmation names: the CC shares, and the broker-level items when there are any. */
function itemsText(plan: CampaignPlan): string {
  const broker = plan.items.filter((item) => item.kind === 'broker').length;
  const shares = plan.items.length - broker;
  if (!plan.broker) return `${shares} share(s)`;
  return shares === 0 ? `${broker} broker-level item(s)` : `${shares} share(s) and ${broker} broker-level item(s)`;
}

/**
 * `--broker-shares` and its companions, checked: undefined without it. CC shares join the campaign with
 * `--cc-shares` or any selector. A per-original unshare reaches every proxy of the original, so the selectors that
 * pick proxies by their place (`--target-org`, `--target-space`) need `--per-proxy`; `--only-unbound` is about CC
 * shares' bindings and would not keep a bound proxy's access, so it is refused beside `--broker-shares`.
 */
export function brokerSharesOf(
  args: Pick<UnshareAllArgs, 'broker-shares' | 'per-proxy' | 'cc-shares' | 'proxy-plan' | 'only-unbound'> &
    Partial<Record<(typeof SELECTOR_FLAGS)[number], unknown>>,
): { perProxy: boolean; ccShares: boolean; proxyPlans?: string[] } | undefined {
  if (!args['broker-shares']) {
    const given = (['per-proxy', 'cc-shares', 'proxy-plan'] as const).filter(
      (name) => args[name] !== undefined && args[name] !== false,
    );
    if (given.length > 0) throw new UsageError(`--${given.join(', --')} go(es) with --broker-shares`);
    return undefined;
  }
  if (args['only-unbound'])
    throw new UsageError(
      '--only-unbound narrows CC shares by their bound apps; it cannot go with --broker-shares, whose unshare cuts bound proxies too',
    );
  const targeted = (['target-org', 'target-space'] as const).filter((name) => args[name] !== undefined);
  if (targeted.length > 0 && !args['per-proxy'])
    throw new UsageError(
      `--${targeted.join(', --')} with --broker-shares needs --per-proxy: a per-original unshare reaches every proxy of the original, wherever it is`,
    );
  const selected = SELECTOR_FLAGS.some((name) => args[name] !== undefined && args[name] !== false);
  const proxyPlans = checkProxyPlans(args['proxy-plan']);
  return {
    perProxy: args['per-proxy'],
    ccShares: args['cc-shares'] || selected,
    ...(proxyPlans !== undefined && { proxyPlans }),
  };
}
