import type { CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { UsageError } from '../../usage-error.js';
import { waitForStop } from '../../wait-for-stop.js';

interface SimArgs {
  port: number;
  host: string;
  seed: number;
  orgs?: number;
  spaces?: number;
  instances?: number;
  'shared-ratio'?: number;
  bindings?: number;
  keys?: number;
  'security-groups'?: number;
  'token-ttl'?: number;
  'latency-ms'?: number;
  'error-rate'?: number;
  'rate-limit'?: number;
  json: boolean;
}

/** `cf-shares sim`: serves the bundled Cloud Controller + UAA simulator until stopped. */
export function simCommand(context: CliContext): CommandModule<object, SimArgs> {
  return {
    command: 'sim',
    describe: 'Run the bundled Cloud Controller + UAA simulator (127.0.0.1 by default)',
    builder: (y) =>
      y
        .option('port', { type: 'number', default: 0, describe: 'Port to listen on (0 = any free port)' })
        .option('host', {
          type: 'string',
          default: '127.0.0.1',
          describe: 'Address to listen on (0.0.0.0 only inside a container)',
        })
        .option('seed', { type: 'number', default: 1, describe: 'Seed of the generated foundation' })
        .option('orgs', { type: 'number', describe: 'Organizations to generate' })
        .option('spaces', { type: 'number', describe: 'Spaces to generate' })
        .option('instances', { type: 'number', describe: 'Service instances to generate' })
        .option('shared-ratio', { type: 'number', describe: 'Share of managed instances that are shared (0..1)' })
        .option('bindings', { type: 'number', describe: 'App bindings to generate' })
        .option('keys', { type: 'number', describe: 'Service keys to generate' })
        .option('security-groups', { type: 'number', describe: 'Application security groups to generate' })
        .option('token-ttl', { type: 'number', describe: 'Access token lifetime in seconds' })
        .option('latency-ms', { type: 'number', describe: 'Latency added to every CC request' })
        .option('error-rate', { type: 'number', describe: 'Share of CC requests answered with a 5xx (0..1)' })
        .option('rate-limit', { type: 'number', describe: 'Per-user requests per hour before 429 (admins exempt)' })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'Print one JSON line with the API URL and credentials when ready',
        }),
    handler: async (args) => {
      for (const name of [
        'port',
        'seed',
        'orgs',
        'spaces',
        'instances',
        'bindings',
        'keys',
        'security-groups',
        'token-ttl',
        'latency-ms',
        'rate-limit',
      ] as const) {
        const value = args[name];
        if (value !== undefined && (!Number.isInteger(value) || value < 0))
          throw new UsageError(`--${name} must be a whole number >= 0 (got ${String(value)})`);
      }
      for (const name of ['shared-ratio', 'error-rate'] as const) {
        const value = args[name];
        if (value !== undefined && !(value >= 0 && value <= 1))
          throw new UsageError(`--${name} must be between 0 and 1 (got ${String(value)})`);
      }
      const { startSim } = await import('../../sim/index.js');
      const sim = await startSim({
        port: args.port,
        host: args.host,
        seed: args.seed,
        ...(args.orgs !== undefined && { orgs: args.orgs }),
        ...(args.spaces !== undefined && { spaces: args.spaces }),
        ...(args.instances !== undefined && { instances: args.instances }),
        ...(args['shared-ratio'] !== undefined && { sharedRatio: args['shared-ratio'] }),
        ...(args.bindings !== undefined && { bindings: args.bindings }),
        ...(args.keys !== undefined && { keys: args.keys }),
        ...(args['security-groups'] !== undefined && { securityGroups: args['security-groups'] }),
        ...(args['token-ttl'] !== undefined && { tokenTtlSeconds: args['token-ttl'] }),
        faults: {
          ...(args['latency-ms'] !== undefined && { latencyMs: args['latency-ms'] }),
          ...(args['error-rate'] !== undefined && { errorRate: args['error-rate'] }),
          ...(args['rate-limit'] !== undefined && { rateLimit: { limit: args['rate-limit'], windowSeconds: 3600 } }),
        },
        log: context.log.child({ component: 'sim' }),
      });
      const { username, password, clientId, clientSecret } = sim.credentials;
      if (args.json) {
        // The simulator's throwaway credentials are meant to be printed: that is how a caller logs in to it.
        context.stdout.write(
          `${JSON.stringify({ api: sim.url, username, password, client_id: clientId, client_secret: clientSecret })}\n`,
        );
      } else {
        context.stdout.write(
          `Cloud Controller simulator listening on ${sim.url}\n` +
            `  user:   --username ${username} --password ${password}\n` +
            `  client: --client-id ${clientId} --client-secret ${clientSecret}\n` +
            `  ground truth: ${sim.url}/_sim/truth   request counts: ${sim.url}/_sim/requests\n` +
            'Stop with Ctrl-C.\n',
        );
      }
      await waitForStop(context.stopSignal);
      await sim.close();
    },
  };
}
