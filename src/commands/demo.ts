import type { CommandModule } from 'yargs';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../usage-error.js';
import { textTable } from '../render/text-table.js';

interface DemoArgs {
  seed: number;
  orgs: number;
  spaces: number;
  instances: number;
  show: number;
}

interface TruthSummary {
  shares: Array<{ instance_guid: string; target_space_guid: string }>;
  lower_bound_requests: number;
}

/** `cf-shares demo`: the simulator and a first crawl of it, in one process. */
export function demoCommand(context: CliContext): CommandModule<object, DemoArgs> {
  return {
    command: 'demo',
    describe: 'Start the bundled simulator and crawl it: every share, found with the fewest requests',
    builder: (y) =>
      y
        .option('seed', { type: 'number', default: 1, describe: 'Seed of the simulated foundation' })
        .option('orgs', { type: 'number', default: 6, describe: 'Organizations to simulate' })
        .option('spaces', { type: 'number', default: 60, describe: 'Spaces to simulate' })
        .option('instances', { type: 'number', default: 600, describe: 'Service instances to simulate' })
        .option('show', { type: 'number', default: 15, describe: 'Shares to list in the table' }),
    handler: async (args) => {
      for (const name of ['seed', 'orgs', 'spaces', 'instances', 'show'] as const) {
        if (!Number.isInteger(args[name]) || args[name] < 0) throw new UsageError(`--${name} must be a whole number >= 0 (got ${String(args[name])})`);
      }
      const [{ startSim }, { createCfClient }, { crawlShareInventory }] = await Promise.all([
        import('../sim/index.js'),
        import('../client/index.js'),
        import('../crawl/share-inventory.js'),
      ]);
      const out = (text = ''): void => void context.stdout.write(`${text}\n`);
      const sim = await startSim({ seed: args.seed, orgs: args.orgs, spaces: args.spaces, instances: args.instances });
      try {
        out(`Simulated Cloud Controller at ${sim.url} (seed ${args.seed})`);
        const client = await createCfClient({
          api: sim.url,
          auth: { username: sim.credentials.username, password: sim.credentials.password },
          // The simulator is local and ours: no need to pace reads as gently as against a production CC.
          pacing: { readsPerSecond: 0 },
          log: context.log.child({ command: 'demo' }),
        });
        const identity = client.identity;
        out(`Logged in through UAA as ${sim.credentials.username} (${identity?.kind ?? 'unknown'})`);
        const started = Date.now();
        const inventory = await crawlShareInventory(client, { log: context.log.child({ command: 'demo' }) });
        const seconds = ((Date.now() - started) / 1000).toFixed(2);
        const truth = (await (await fetch(`${sim.url}/_sim/truth`)).json()) as TruthSummary;

        const key = (instance: string, space: string): string => `${instance}/${space}`;
        const found = new Set(inventory.shares.map((share) => key(share.instanceGuid, share.targetSpaceGuid)));
        const expected = new Set(truth.shares.map((share) => key(share.instance_guid, share.target_space_guid)));
        const missed = [...expected].filter((edge) => !found.has(edge)).length;
        const extra = [...found].filter((edge) => !expected.has(edge)).length;
        const crossOrg = inventory.shares.filter((share) => share.sourceOrgGuid !== share.targetOrgGuid).length;

        out();
        out(`Foundation     ${inventory.orgs} orgs, ${inventory.spaces} spaces, ${inventory.instances} service instances (${inventory.managedInstances} managed)`);
        out(`Sharing flag   ${inventory.sharingFlagEnabled ? 'ENABLED: new shares can still be created' : 'disabled'}`);
        out(`Shared         ${inventory.sharedInstances} instances into ${inventory.shares.length} target spaces (${crossOrg} across orgs)`);
        out(`Requests       ${inventory.requests} in ${seconds}s (simulator's lower bound ${truth.lower_bound_requests}; one shared_spaces call per managed instance would need ${inventory.managedInstances} for that step alone)`);
        out(`Ground truth   ${expected.size - missed} of ${expected.size} shares found, ${missed} missed, ${extra} not in the truth`);
        out();
        const rows = inventory.shares
          .slice(0, args.show)
          .map((share) => [share.instanceName, `${share.sourceOrg ?? '?'}/${share.sourceSpace ?? '?'}`, `${share.targetOrg ?? '?'}/${share.targetSpace ?? '?'}`]);
        out(textTable(['INSTANCE', 'FROM ORG/SPACE', 'SHARED INTO ORG/SPACE'], rows));
        if (inventory.shares.length > rows.length) out(`... and ${inventory.shares.length - rows.length} more (--show N)`);
        await client.close();
        if (missed > 0 || extra > 0) context.exitCode = 1;
      } finally {
        await sim.close();
      }
    },
  };
}
