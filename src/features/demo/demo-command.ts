import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { resolveRedisOptions } from '../../config/connection-options.js';
import { UsageError } from '../../usage-error.js';
import { renderReportSummary } from '../report/report-command.js';
import { safeText } from '../../terminal/safe-text.js';
import type { Report } from '../report/report-model.js';
import type { NamedMismatch, TruthCheck, TruthToCheck } from '../report/truth-check.js';
import { DEFAULTS } from '../../core/defaults.js';

interface DemoArgs {
  seed: number;
  orgs: number;
  spaces: number;
  instances: number;
  out?: string;
  redis?: string;
  prefix?: string;
}

interface Truth extends TruthToCheck {
  lower_bound_requests: number;
}

/** The three ways the audit can learn where a service listens, each run as its own report. */
const RUNS = [
  { name: 'default', label: 'default (schedules)', folder: '' },
  { name: 'credentials', label: '--inspect-credentials', folder: '-inspect-credentials' },
  { name: 'endpoints', label: '--endpoints FILE', folder: '-endpoints-file' },
] as const;

/**
 * `cf-shares demo`: the whole audit against the bundled simulator, checked against its ground truth. It runs the
 * report the way nightly schedules do (no endpoints known, ASG gaps only inferred), then with credential
 * inspection and with an endpoints file, and measures the asg_gap findings of each against the truth.
 */
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
        .option('out', {
          type: 'string',
          describe:
            "Folder for the default run's report files; the other runs go beside it [default ./cf-shares-reports/<time>/]",
        })
        .option('redis', {
          type: 'string',
          describe: 'Redis URL [env REDIS_URL, default redis://127.0.0.1:6379]',
          group: 'Redis:',
        })
        .option('prefix', { type: 'string', describe: 'Redis key prefix [default cf-shares-demo]', group: 'Redis:' }),
    handler: async (args) => {
      for (const name of ['seed', 'orgs', 'spaces', 'instances'] as const) {
        if (!Number.isInteger(args[name]) || args[name] < 0)
          throw new UsageError(`--${name} must be a whole number >= 0 (got ${String(args[name])})`);
      }
      const [
        { startSim },
        { CATALOG },
        { runReport },
        { assertRedisReachable },
        { checkAgainstTruth, truthCheckPassed },
        { asgGapTable },
        { readFile, writeFile },
        { makeDirectory },
      ] = await Promise.all([
        import('../../sim/index.js'),
        import('../../sim/catalog.js'),
        import('../report/run-report.js'),
        import('../../core/redis-connection.js'),
        import('../report/truth-check.js'),
        import('../../terminal/asg-gap-table.js'),
        import('node:fs/promises'),
        import('../../core/output-dir.js'),
      ]);
      const { redisUrl, prefix } = resolveRedisOptions(
        { redis: args.redis, prefix: args.prefix ?? 'cf-shares-demo' },
        context.env,
      );
      // Before the simulator starts, so a missing Redis is the first and only line.
      await assertRedisReachable(redisUrl).catch((error: Error) => {
        throw new Error(
          `${error.message} (the demo runs its jobs on Redis: start one with 'redis-server --daemonize yes' or pass --redis)`,
        );
      });
      const out = (text = ''): void => void context.stdout.write(`${text}\n`);
      const sim = await startSim({ seed: args.seed, orgs: args.orgs, spaces: args.spaces, instances: args.instances });
      try {
        out(
          `Simulated Cloud Controller at ${sim.url} (seed ${args.seed}, ${args.instances} instances in ${args.spaces} spaces)`,
        );
        const connection = Object.freeze({
          api: sim.url,
          auth: Object.freeze({ clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret }),
          skipSslValidation: false,
          redisUrl,
          prefix,
        });
        const truth = (await (await fetch(`${sim.url}/_sim/truth`)).json()) as Truth;
        const runs: Array<{ label: string; requests: number; dir: string; check: TruthCheck }> = [];
        let base = args.out;
        for (const run of RUNS) {
          let endpointsPath: string | undefined;
          const dir = base === undefined ? undefined : `${base}${run.folder}`;
          if (run.name === 'endpoints') {
            // What an operator would write from the broker's docs: each offering's address and port.
            await makeDirectory(dir!);
            endpointsPath = `${dir}/endpoints.json`;
            const offerings = Object.fromEntries(CATALOG.map((entry) => [entry.name, `${entry.host}:${entry.port}`]));
            await writeFile(endpointsPath, `${JSON.stringify({ offerings }, null, 2)}\n`);
          }
          const outcome = await runReport(connection, {
            inspectCredentials: run.name === 'credentials',
            ...(endpointsPath !== undefined && { endpointsPath }),
            keep: DEFAULTS.keptReports,
            detach: false,
            stop: context.stopSignal,
            startWorkers: context.startWorkers,
            ...(dir !== undefined && { out: dir }),
            onEnqueued: (jobId) =>
              out(`Report job ${jobId} (${run.label}) queued on Redis; an in-process worker is running it`),
            log: context.log.child({ command: 'demo', run: run.name }),
          });
          const { result } = outcome;
          if (!result || !outcome.out) return;
          if (run.name === 'default') {
            out();
            out(renderReportSummary(result, outcome.out));
            // The other runs go beside this one, never over it (two runs in one second share a default folder name).
            base = outcome.out;
          }
          const report = JSON.parse(await readFile(`${outcome.out}/report.json`, 'utf8')) as Report;
          runs.push({
            label: run.label,
            requests: result.summary.requests,
            dir: outcome.out,
            check: checkAgainstTruth(report, truth),
          });
        }

        const [plain, withCredentials] = runs;
        out();
        out("Checked against the simulator's ground truth:");
        out(
          `  shares           ${runs.map((r) => `${r.check.sharesFound}`).join(' / ')} found (${runs.map((r) => r.label).join(' / ')}), ${truth.shares.length} in the foundation`,
        );
        out(
          `  findings         ${runs.map((r) => `${r.check.certainMatched} of ${r.check.certainExpected}`).join(' / ')} certain findings found, ` +
            `${runs.reduce((sum, r) => sum + r.check.unexpectedFindings.length, 0)} unexpected (an asg_gap is certain when the service's address was known)`,
        );
        out(
          `  requests         ${plain!.requests} (lower bound ${truth.lower_bound_requests}); ${withCredentials!.requests} with --inspect-credentials (one credentials read per app binding and key of the shared instances)`,
        );
        for (const r of runs)
          if (r.check.credentialFindings)
            out(
              `  credentials      ${r.label}: ${r.check.credentialFindings.found} credentials_not_unique/key_credentials_in_binding found, ` +
                `${r.check.credentialFindings.right} right, ${r.check.credentialFindings.expected} in the truth ` +
                `(precision ${r.check.credentialFindings.precision.toFixed(2)}, recall ${r.check.credentialFindings.recall.toFixed(2)})`,
            );
        if (plain!.check.brokerShares) {
          const broker = plain!.check.brokerShares;
          out(
            `  broker shares    ${broker.matched} of ${broker.expected} proxies found with the original they name and where it is ` +
              `(${broker.unknown} unreadable, as the truth says); proxies stay in place after unsharing, so CC cannot show access`,
          );
        }
        out();
        out(
          "asg_gap findings against the truth, by where the service's address came from (GAPS: in the truth, on the shares checked that way):",
        );
        out(asgGapTable(runs.map((r) => ({ label: r.label, accuracy: r.check.asgGaps }))));
        out('Inferred ones are measured, not required: they are severity info and never trip --fail-on low or above.');

        const problems = runs.flatMap((r) => [
          ...r.check.missingShares.map((m) => `${r.label}: missed share ${describe(m)}`),
          ...r.check.unexpectedShares.map((m) => `${r.label}: unexpected share ${describe(m)}`),
          ...r.check.missedFindings.map((m) => `${r.label}: missed ${m.kind} ${describe(m)}`),
          ...r.check.unexpectedFindings.map((m) => `${r.label}: unexpected ${m.kind} ${describe(m)}`),
          ...(r.check.brokerShares?.mismatches ?? []).map((m) => `${r.label}: ${m.kind} ${describe(m)}`),
        ]);
        if (problems.length > 0) {
          out();
          out('Not as the truth says:');
          for (const problem of problems) out(`  ${problem}`);
        }
        out();
        out(
          `Open ${safeText(plain!.dir)}/report.md for the readable report; report.json and the CSVs are for machines.`,
        );
        out(
          `The other runs are in ${runs
            .slice(1)
            .map((r) => safeText(r.dir))
            .join(' and ')}.`,
        );
        if (!runs.every((r) => truthCheckPassed(r.check))) context.exitCode = 1;
      } finally {
        await sim.close();
      }
    },
  };
}

/** `'orders-db' (guid) into org/space (guid)`: names for the person, guids to look them up. */
function describe(mismatch: NamedMismatch): string {
  const parts: string[] = [];
  if (mismatch.instance_guid)
    parts.push(
      `of ${mismatch.instance === null ? '' : `'${safeText(mismatch.instance)}' `}(${safeText(mismatch.instance_guid)})`,
    );
  if (mismatch.space_guid)
    parts.push(
      `into ${mismatch.space === null ? '' : `${safeText(mismatch.space)} `}(${safeText(mismatch.space_guid)})`,
    );
  return parts.length > 0 ? parts.join(' ') : '(foundation-wide)';
}
