import type { CommandModule } from 'yargs';
import type { CliContext } from '../cli-context.js';
import { resolveConnectionOptions, type ConnectionFlags } from '../config/connection-options.js';
import { withConnectionFlags } from './connection-flags.js';
import type { CrawlJobData, CrawlJobResult } from '../jobs/crawl-job.js';

interface CrawlArgs extends ConnectionFlags {
  detach: boolean;
  json: boolean;
}

/** `cf-shares crawl`: one crawl of the foundation's shares as a job; waits for it unless --detach. */
export function crawlCommand(context: CliContext): CommandModule<object, CrawlArgs> {
  return {
    command: 'crawl',
    describe: 'Find every shared service instance on the foundation (a job; waits for it unless --detach)',
    builder: (y) =>
      withConnectionFlags(y)
        .option('detach', { type: 'boolean', default: false, describe: 'Only enqueue the job; a `cf-shares worker` runs it' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON line' }),
    handler: async (args) => {
      const connection = resolveConnectionOptions(args, context.env);
      const [{ assertRedisReachable }, { enqueueJob }, { startWorkers }, { QueueName }] = await Promise.all([
        import('../jobs/redis-connection.js'),
        import('../jobs/enqueue-job.js'),
        import('../jobs/start-workers.js'),
        import('../jobs/queue-names.js'),
      ]);
      await assertRedisReachable(connection.redisUrl);
      const log = context.log.child({ command: 'crawl' });
      // Log in before enqueueing, so bad credentials fail here and leave no job behind.
      const workers = args.detach ? undefined : await startWorkers(connection, log);
      const crawl = await enqueueJob<CrawlJobData, CrawlJobResult>(connection, QueueName.crawl, { requestedAt: new Date().toISOString() });
      try {
        context.stdout.write(args.json ? '' : `job: ${crawl.jobId}\n`);
        if (args.detach) return;
        const result = await crawl.wait();
        if (args.json) {
          context.stdout.write(`${JSON.stringify({ job: crawl.jobId, ...result })}\n`);
          return;
        }
        context.stdout.write(
          `${result.orgs} orgs, ${result.spaces} spaces, ${result.instances} instances (${result.managedInstances} managed)\n` +
            `${result.sharedInstances} shared instances, ${result.shares} shares (${result.crossOrgShares} across orgs)\n` +
            `sharing flag ${result.sharingFlagEnabled ? 'enabled' : 'disabled'}; ${result.requests} requests\n`,
        );
      } finally {
        await crawl.close();
        await workers?.close();
      }
    },
  };
}
