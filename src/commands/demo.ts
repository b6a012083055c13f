import type { CommandModule } from 'yargs';
import type { CliContext } from '../cli-context.js';
import { resolveRedisOptions } from '../config/connection-options.js';
import { UsageError } from '../usage-error.js';
import { renderReportSummary } from './report.js';

interface DemoArgs {
  seed: number;
  orgs: number;
  spaces: number;
  instances: number;
  out?: string;
  redis?: string;
  prefix?: string;
}

interface Truth {
  shares: unknown[];
  expected_findings: Array<{ kind: string; instance_guid?: string; space_guid?: string }>;
  lower_bound_requests: number;
}

/** `cf-shares demo`: the whole audit against the bundled simulator, checked against its ground truth. */
export function demoCommand(context: CliContext): CommandModule<object, DemoArgs> {
  return {
    command: 'demo',
    describe: 'Run the whole audit against the bundled simulator and compare it with the ground truth',
    builder: (y) =>
      y
        .option('seed', { type: 'number', default: 1, describe: 'Seed of the simulated foundation' })
        .option('orgs', { type: 'number', default: 6, describe: 'Organizations to simulate' })
        .option('spaces', { type: 'number', default: 60, describe: 'Spaces to simulate' })
        .option('instances', { type: 'number', default: 600, describe: 'Service instances to simulate' })
        .option('out', { type: 'string', describe: 'Folder for the report files [default ./cf-shares-reports/<time>/]' })
        .option('redis', { type: 'string', describe: 'Redis URL [env REDIS_URL, default redis://127.0.0.1:6379]' })
        .option('prefix', { type: 'string', describe: 'Redis key prefix [default cf-shares-demo]' }),
    handler: async (args) => {
      for (const name of ['seed', 'orgs', 'spaces', 'instances'] as const) {
        if (!Number.isInteger(args[name]) || args[name] < 0) throw new UsageError(`--${name} must be a whole number >= 0 (got ${String(args[name])})`);
      }
      const [{ startSim }, { runReport }, { assertRedisReachable }] = await Promise.all([
        import('../sim/index.js'),
        import('../jobs/run-report.js'),
        import('../jobs/redis-connection.js'),
      ]);
      const { redisUrl, prefix } = resolveRedisOptions({ redis: args.redis, prefix: args.prefix ?? 'cf-shares-demo' }, context.env);
      // Before the simulator starts, so a missing Redis is the first and only line.
      await assertRedisReachable(redisUrl).catch((error: Error) => {
        throw new Error(`${error.message} (the demo runs its jobs on Redis: start one with 'redis-server --daemonize yes' or pass --redis)`);
      });
      const out = (text = ''): void => void context.stdout.write(`${text}\n`);
      const sim = await startSim({ seed: args.seed, orgs: args.orgs, spaces: args.spaces, instances: args.instances });
      try {
        out(`Simulated Cloud Controller at ${sim.url} (seed ${args.seed}, ${args.instances} instances in ${args.spaces} spaces)`);
        const connection = Object.freeze({
          api: sim.url,
          auth: Object.freeze({ clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret }),
          skipSslValidation: false,
          redisUrl,
          prefix,
        });
        const outcome = await runReport(connection, {
          inspectCredentials: true,
          keep: 30,
          detach: false,
          stop: context.stopSignal,
          ...(args.out !== undefined && { out: args.out }),
          onEnqueued: (jobId) => out(`Report job ${jobId} queued on Redis; an in-process worker is running it\n`),
          log: context.log.child({ command: 'demo' }),
        });
        const { result } = outcome;
        if (!result || !outcome.out) return;
        out(renderReportSummary(result, outcome.out));

        const truth = (await (await fetch(`${sim.url}/_sim/truth`)).json()) as Truth;
        const report = JSON.parse(await (await import('node:fs/promises')).readFile(`${outcome.out}/report.json`, 'utf8')) as { findings: Truth['expected_findings'] };
        const key = (f: Truth['expected_findings'][number]): string => `${f.kind} ${f.instance_guid ?? ''} ${f.space_guid ?? ''}`;
        const expected = new Set(truth.expected_findings.map(key));
        const found = new Set(report.findings.map(key));
        const matched = [...expected].filter((k) => found.has(k)).length;
        out('Checked against the simulator\'s ground truth:');
        out(`  shares           ${result.summary.shares} found, ${truth.shares.length} in the foundation`);
        out(`  findings         ${matched} of ${expected.size} expected found, ${found.size - matched} unexpected`);
        out(`  requests         ${result.summary.requests} (lower bound ${truth.lower_bound_requests}, plus one credentials read per shared instance with a binding)`);
        out();
        out(`Open ${outcome.out}/report.md for the readable report; report.json and the CSVs are for machines.`);
        if (result.summary.shares !== truth.shares.length || matched !== expected.size || found.size !== matched) context.exitCode = 1;
      } finally {
        await sim.close();
      }
    },
  };
}
