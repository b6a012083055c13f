import { silentLogger } from '../log.js';
import { TokenManager, type Identity } from './auth.js';
import { normaliseClientOptions, type CfClientOptions, type NormalisedClientOptions } from './client-options.js';
import type { ResourceContext } from './resource-context.js';
import { AuditEvents } from './resources/audit-events.js';
import { FeatureFlags } from './resources/feature-flags.js';
import { Jobs } from './resources/jobs.js';
import { Organizations } from './resources/organizations.js';
import { RootResource } from './resources/root.js';
import { SecurityGroups } from './resources/security-groups.js';
import { ServiceCredentialBindings } from './resources/service-credential-bindings.js';
import { ServiceInstances } from './resources/service-instances.js';
import { ServiceOfferings } from './resources/service-offerings.js';
import { ServicePlans } from './resources/service-plans.js';
import { Spaces } from './resources/spaces.js';
import { Transport } from './transport.js';

/**
 * A Cloud Controller v3 client: a facade over one transport and one module per resource family (style.md traits 1,
 * 13). Call {@link CfClient.login} (or use `createCfClient`) before any authenticated request.
 */
export class CfClient {
  // ES private: holds the password or client secret, and must not show in util.inspect(client).
  readonly #options: NormalisedClientOptions;
  readonly transport: Transport;
  readonly root: RootResource;
  readonly featureFlags: FeatureFlags;
  readonly organizations: Organizations;
  readonly spaces: Spaces;
  readonly serviceOfferings: ServiceOfferings;
  readonly servicePlans: ServicePlans;
  readonly serviceInstances: ServiceInstances;
  readonly serviceCredentialBindings: ServiceCredentialBindings;
  readonly jobs: Jobs;
  readonly securityGroups: SecurityGroups;
  readonly auditEvents: AuditEvents;
  #tokens: TokenManager | undefined;

  constructor(options: CfClientOptions) {
    this.#options = normaliseClientOptions(options);
    const { auth: _auth, ...o } = this.#options;
    this.transport = new Transport({ ...o, log: (o.log ?? silentLogger).child({ component: 'cf-client' }) });
    const ctx: ResourceContext = {
      transport: this.transport,
      perPage: o.perPage,
      guidBatchSize: o.guidBatchSize,
      sleep: o.sleep,
      now: o.now,
    };
    this.root = new RootResource(ctx);
    this.featureFlags = new FeatureFlags(ctx);
    this.organizations = new Organizations(ctx);
    this.spaces = new Spaces(ctx);
    this.serviceOfferings = new ServiceOfferings(ctx);
    this.servicePlans = new ServicePlans(ctx);
    this.serviceInstances = new ServiceInstances(ctx);
    this.jobs = new Jobs(ctx);
    this.serviceCredentialBindings = new ServiceCredentialBindings(ctx, this.jobs);
    this.securityGroups = new SecurityGroups(ctx);
    this.auditEvents = new AuditEvents(ctx);
  }

  /** Discovers the token endpoint (`GET /`) and fetches the first token, so bad credentials fail here. */
  async login(): Promise<Identity> {
    if (!this.#tokens) {
      const tokenEndpoint = await this.root.tokenEndpoint();
      const tokens = new TokenManager({
        transport: this.transport,
        tokenEndpoint,
        auth: this.#options.auth,
        skewMs: this.#options.tokenRefreshSkewMs,
        now: this.#options.now,
        log: (this.#options.log ?? silentLogger).child({ component: 'cf-auth' }),
      });
      this.transport.useAuthorizer(tokens);
      this.#tokens = tokens;
    }
    await this.#tokens.authorization();
    const identity = this.#tokens.identity;
    if (!identity) throw new Error('login produced no identity');
    return identity;
  }

  /** The normalised options, without `auth` (per_page, batch size, retry, pacing, timeouts). */
  get settings(): Omit<NormalisedClientOptions, 'auth'> {
    const { auth: _auth, ...rest } = this.#options;
    return rest;
  }

  /** Who we are logged in as (scopes, kind, user name / client id); `undefined` before `login()`. Holds no token. */
  get identity(): Identity | undefined {
    return this.#tokens?.identity;
  }

  /** Cloud Controller requests sent so far (retries included; token requests are in `tokenRequestCount`). */
  get requestCount(): number {
    return this.transport.requestCount;
  }

  /** UAA token requests sent so far (retries included). */
  get tokenRequestCount(): number {
    return this.transport.tokenRequestCount;
  }

  /** Releases resources. got keeps no pool of its own beyond Node's global agent, so this only drops the token. */
  async close(): Promise<void> {
    this.#tokens = undefined;
  }
}

/** Creates a client and logs in. */
export async function createCfClient(options: CfClientOptions): Promise<CfClient> {
  const client = new CfClient(options);
  await client.login();
  return client;
}
