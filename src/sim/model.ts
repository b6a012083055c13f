/** The simulated foundation's records. Plain data; indexes live in {@link Foundation} (foundation.ts). */

/** An organization. `index` stands in for the database id (default order). */
export interface Org {
  guid: string;
  name: string;
  index: number;
  createdAt: string;
}

/** A space. */
export interface Space {
  guid: string;
  name: string;
  orgGuid: string;
  index: number;
  createdAt: string;
}

/** A service offering; `host`/`port` is the network endpoint its binding credentials carry. */
export interface Offering {
  guid: string;
  name: string;
  description: string;
  tags: string[];
  brokerGuid: string;
  brokerName: string;
  catalogId: string;
  /** `broker_catalog.metadata.shareable` as the broker published it (cc-api.md §6). */
  shareable: boolean;
  host: string;
  port: number;
  /** Credentials key name for the host: some brokers say `hostname`, others `host`. */
  hostKey: 'hostname' | 'host';
  scheme: string;
  hasDashboard: boolean;
  index: number;
  createdAt: string;
  /** `broker_catalog.features.instances_retrievable`: whether `GET .../parameters` reaches the broker. */
  instancesRetrievable?: boolean;
  /** Set for offerings whose broker shares instances itself (cc-api.md §14): proxy quotas per original plan. */
  brokerSharing?: BrokerSharingSpec;
}

/** How a broker that shares at the broker level behaves: the proxy plan's name and each original plan's quota. */
export interface BrokerSharingSpec {
  proxyPlan: string;
  /** Most proxies an original of each plan may have (plans missing here allow none). */
  quotas: Readonly<Record<string, number>>;
}

/**
 * One sharing configuration of a broker-level original (cc-api.md §14): made by an update with `{"share": {...}}`,
 * pending for 15 minutes on the simulator's clock and consumable once, or permanent (the cockpit's switch).
 */
export interface SharingConfiguration {
  id: string;
  spaceGuid: string | null;
  /** The simulator's stand-in for a BTP subaccount is the org: a subaccountGuid matches spaces of that org. */
  subaccountGuid: string | null;
  /** Region technical key; null means the original's own region. */
  landscape: string | null;
  authorization: Record<string, unknown> | null;
  createdAt: string;
  /** `createdAt` in epoch milliseconds on the simulator's clock. */
  createdAtMs: number;
  permanent: boolean;
  /** Proxies created against this configuration (a pending one is consumed by its first). */
  consumedBy: string[];
}

/** Broker-side sharing state of an original instance. */
export interface BrokerShareState {
  configurations: SharingConfiguration[];
  /** Proxy instance guids that currently have access to the original. */
  access: Set<string>;
}

/** How the broker answers an update of this instance (scripted; `PUT /_sim/service_instances/:guid/update-behaviour`). */
export interface UpdateBehaviour {
  update: 'sync' | 'async' | 'fail';
  asyncSeconds: number;
}

/** A service plan. `visibleOrgGuids` matters only for `organization` plans. */
export interface Plan {
  guid: string;
  name: string;
  offeringGuid: string;
  visibilityType: 'public' | 'admin' | 'organization' | 'space';
  visibleOrgGuids: Set<string>;
  /** Set only for plans of a space-scoped broker. */
  spaceGuid: string | null;
  active: boolean;
  free: boolean;
  catalogId: string;
  index: number;
  createdAt: string;
}

/** Last operation of an instance or binding. */
export interface LastOperation {
  type: 'create' | 'update' | 'delete';
  state: 'initial' | 'in progress' | 'succeeded' | 'failed';
  description: string;
  createdAt: string;
  updatedAt: string;
}

/** A managed or user-provided service instance. */
export interface Instance {
  guid: string;
  name: string;
  type: 'managed' | 'user-provided';
  spaceGuid: string;
  planGuid: string | null;
  dashboardUrl: string | null;
  tags: string[];
  /** User-provided credentials (user-provided instances only). */
  credentials: Record<string, unknown> | null;
  syslogDrainUrl: string;
  routeServiceUrl: string;
  /** Target spaces, in the order they were shared. */
  sharedSpaceGuids: string[];
  /** `metadata.labels`, matched by `label_selector`. */
  labels: Readonly<Record<string, string>>;
  index: number;
  createdAt: string;
  lastOperation: LastOperation;
  /** How the broker makes binding credentials (managed instances); absent means `unique`. */
  brokerCredentials?: BrokerCredentialMode;
  /** The parameters the broker returns for `GET .../parameters` (managed instances); absent means `{}`. */
  parameters?: Record<string, unknown>;
  /** `metadata.annotations` set through PATCH; absent means none. */
  annotations?: Readonly<Record<string, string>>;
  /** Broker-side sharing state (originals of a broker-sharing offering). */
  brokerShare?: BrokerShareState;
  /** How the broker answers updates; absent means `sync`. */
  updateBehaviour?: UpdateBehaviour;
}

/**
 * How a broker hands out credentials: `unique` per binding and key, as the sharing guidance asks; `per-instance`,
 * every app binding gets the same credentials (so unbinding one revokes nothing another still uses);
 * `first-key`, every app binding gets the credentials of the instance's first service key.
 */
export type BrokerCredentialMode = 'unique' | 'per-instance' | 'first-key';

/** A (minimal) v3 app. */
export interface App {
  guid: string;
  name: string;
  spaceGuid: string;
  index: number;
  createdAt: string;
}

/** How the broker answers an unbind of this binding (scripted; see operator endpoints). */
export interface UnbindBehaviour {
  unbind: 'sync' | 'async' | 'fail' | 'busy';
  asyncSeconds: number;
}

/** A service credential binding: an app binding or a service key (`type=key`, cc-api.md §3). */
export interface Binding {
  guid: string;
  name: string | null;
  type: 'app' | 'key';
  instanceGuid: string;
  appGuid: string | null;
  index: number;
  createdAt: string;
  lastOperation: LastOperation;
  behaviour: UnbindBehaviour;
}

/** One rule of an application security group, stored as given (cc-api.md §4). */
export interface SecurityGroupRule {
  protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all';
  destination: string;
  ports?: string;
  type?: number;
  code?: number;
  description?: string;
  log?: boolean;
}

/** An application security group. */
export interface SecurityGroup {
  guid: string;
  name: string;
  globallyRunning: boolean;
  globallyStaging: boolean;
  rules: SecurityGroupRule[];
  runningSpaceGuids: Set<string>;
  stagingSpaceGuids: Set<string>;
  index: number;
  createdAt: string;
}

/** A feature flag; `updatedAt` null means never written (the default is served). */
export interface FeatureFlag {
  name: string;
  enabled: boolean;
  updatedAt: string | null;
  customErrorMessage: string | null;
}

/** An audit event. */
export interface AuditEvent {
  guid: string;
  createdAt: string;
  type: string;
  actor: { guid: string; type: string; name: string };
  target: { guid: string; type: string; name: string };
  data: Record<string, unknown>;
  spaceGuid: string | null;
  orgGuid: string | null;
  index: number;
}

/** A pollable job (cc-api.md §3.3). */
export interface Job {
  guid: string;
  createdAt: string;
  updatedAt: string;
  operation: string;
  state: 'PROCESSING' | 'POLLING' | 'COMPLETE' | 'FAILED';
  errors: Array<{ detail: string; title: string; code: number }>;
  warnings: Array<{ detail: string }>;
  resourceType: string;
  resourceGuid: string;
}

/** A UAA user or client and its CC roles. */
export interface Principal {
  guid: string;
  username: string;
  password: string;
  scopes: string[];
  /** Spaces where this principal is Space Developer. */
  developerSpaceGuids: Set<string>;
}
