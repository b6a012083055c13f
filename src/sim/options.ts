import type { Logger } from '../log.js';
import { normaliseFaults, type FaultOptions } from './faults.js';

/** Options of {@link startSim}. Size knobs default small, for tests. */
export interface SimOptions {
  /** 0 = any free port. @defaultValue 0 */
  port?: number;
  /** Address to listen on; `0.0.0.0` only inside a container. @defaultValue '127.0.0.1' */
  host?: string;
  /** Same seed + knobs => identical foundation, guids included. @defaultValue 1 */
  seed?: number;
  /** @defaultValue 4 */
  orgs?: number;
  /** @defaultValue 20 */
  spaces?: number;
  /**
   * Generated service instances, managed and user-provided. The fixed broker-level sharing set (17 `credstore` and
   * `vault-share` originals and proxies, generate-broker-shares.ts) comes on top. @defaultValue 200
   */
  instances?: number;
  /** Fraction of instances that are user-provided. @defaultValue 0.1 */
  userProvidedRatio?: number;
  /** Fraction of managed instances that are shared. @defaultValue 0.2 */
  sharedRatio?: number;
  /** Most target spaces of an ordinary shared instance (one "hub" instance gets more). @defaultValue 5 */
  maxSharesPerInstance?: number;
  /** App bindings. @defaultValue 1.5 × instances */
  bindings?: number;
  /** Service keys. @defaultValue instances / 5 */
  keys?: number;
  /** Application security groups; at least the fixed set (2 + one per offering) is generated. @defaultValue 12 */
  securityGroups?: number;
  /** Apps. @defaultValue 3 × spaces */
  apps?: number;
  /** Access token lifetime. @defaultValue 1200 */
  tokenTtlSeconds?: number;
  /**
   * The simulator's own region technical key (cc-api.md §14): broker-level share origins naming another landscape
   * are in another region. @defaultValue 'cf-eu10'
   */
  landscape?: string;
  /** Faults; also settable at runtime with `PUT /_sim/faults`. @defaultValue none */
  faults?: FaultOptions;
  /** @defaultValue silent */
  log?: Logger;
}

/** The generation knobs after defaults. */
export interface Knobs {
  seed: number;
  orgs: number;
  spaces: number;
  instances: number;
  userProvidedRatio: number;
  sharedRatio: number;
  maxSharesPerInstance: number;
  bindings: number;
  keys: number;
  securityGroups: number;
  apps: number;
}

/** SimOptions after defaults and validation. */
export interface NormalisedOptions {
  port: number;
  host: string;
  knobs: Knobs;
  tokenTtlSeconds: number;
  landscape: string;
  faults: FaultOptions;
  log: Logger | undefined;
}

const KNOWN = new Set([
  'port',
  'host',
  'seed',
  'orgs',
  'spaces',
  'instances',
  'userProvidedRatio',
  'sharedRatio',
  'maxSharesPerInstance',
  'bindings',
  'keys',
  'securityGroups',
  'apps',
  'tokenTtlSeconds',
  'landscape',
  'faults',
  'log',
]);

/** Applies defaults and rejects unknown keys and out-of-range values with a RangeError naming the option. */
export function normaliseOptions(options: SimOptions = {}): NormalisedOptions {
  for (const key of Object.keys(options))
    if (!KNOWN.has(key)) throw new RangeError(`unknown simulator option '${key}'`);
  const whole = (name: keyof SimOptions, value: number | undefined, fallback: number, min = 0): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < min)
      throw new RangeError(`${name} must be a whole number >= ${min} (got ${String(v)})`);
    return v;
  };
  const ratio = (name: keyof SimOptions, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      throw new RangeError(`${name} must be between 0 and 1 (got ${String(v)})`);
    return v;
  };
  const instances = whole('instances', options.instances, 200);
  const spaces = whole('spaces', options.spaces, 20, 1);
  const knobs: Knobs = {
    seed: whole('seed', options.seed, 1),
    orgs: whole('orgs', options.orgs, 4, 1),
    spaces,
    instances,
    userProvidedRatio: ratio('userProvidedRatio', options.userProvidedRatio, 0.1),
    sharedRatio: ratio('sharedRatio', options.sharedRatio, 0.2),
    maxSharesPerInstance: whole('maxSharesPerInstance', options.maxSharesPerInstance, 5, 1),
    bindings: whole('bindings', options.bindings, Math.round(instances * 1.5)),
    keys: whole('keys', options.keys, Math.round(instances / 5)),
    securityGroups: whole('securityGroups', options.securityGroups, 12),
    apps: whole('apps', options.apps, spaces * 3),
  };
  const landscape = options.landscape ?? 'cf-eu10';
  if (typeof landscape !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(landscape))
    throw new RangeError(`landscape must be a region technical key such as 'cf-eu10' (got ${String(landscape)})`);
  return {
    port: whole('port', options.port, 0),
    host: options.host ?? '127.0.0.1',
    knobs,
    tokenTtlSeconds: whole('tokenTtlSeconds', options.tokenTtlSeconds, 1200, 1),
    landscape,
    faults: normaliseFaults(options.faults),
    log: options.log,
  };
}
