import type { Finding, FindingKind } from '../../audit/findings.js';
import type { EndpointSource, NotComparedReason } from '../../audit/snapshot.js';

/** A place in the foundation, as the report names it. */
export interface ReportPlace {
  org_guid: string;
  org: string | null;
  space_guid: string;
  space: string | null;
}

/** One share of report.json. */
export interface ReportShare {
  instance: {
    guid: string;
    name: string;
    offering: string | null;
    offering_guid: string | null;
    plan: string | null;
    plan_guid: string | null;
  };
  source: ReportPlace;
  target: ReportPlace;
  bound_apps: { guid: string; name: string }[];
  binding_count: number;
  key_count: number;
  /** Where the address its ASG check used came from; null when it was unknown and the check only inferred. */
  endpoint_source: EndpointSource | null;
}

/** `summary.credential_comparison` of report.json. */
export interface ReportCredentialComparison {
  /** Bindings and keys whose credentials were read and compared. */
  compared: number;
  /** Bindings and keys not compared (unreadable, or not created yet): their findings are not guessed. */
  not_compared: number;
  not_compared_by_reason: Partial<Record<NotComparedReason, number>>;
  /** `GET /v3/service_credential_bindings/:guid/details` requests sent for it (part of `requests`). */
  details_requests: number;
}

/** One proxy instance of a broker-level share (report.json `broker_shares.proxies[]`). */
export interface ReportBrokerShare {
  proxy: { guid: string; name: string; offering: string | null; plan: string | null };
  place: ReportPlace;
  /** The original the proxy's parameters name; null when they could not be read or named none. */
  original_guid: string | null;
  /** The region the parameters name for the original; null when they name none. */
  origin_landscape: string | null;
  /** `local`: in this foundation; `remote_region`: in the region named; `missing`: gone; `unknown`: unreadable. */
  original_where: 'local' | 'remote_region' | 'missing' | 'unknown';
  /** The original, when it is in this foundation. */
  original: {
    name: string;
    place: ReportPlace;
    plan: string | null;
    /** Proxies of this foundation that name it. */
    proxies: number;
    /** Proxies its plan allows; null when unknown. */
    quota: number | null;
  } | null;
  /** CC's answer when the parameters could not be read. */
  parameters_error: { status: number; code: number | null; title: string | null; detail: string | null } | null;
  bound_apps: { guid: string; name: string }[];
  binding_count: number;
  key_count: number;
}

/** report.json, schema `cf-shares/report@1`: field names are a contract with the people who parse it. */
export interface Report {
  schema: 'cf-shares/report@1';
  generated_at: string;
  api: string;
  sharing_flag: { enabled: boolean };
  summary: {
    instances: number;
    managed_instances: number;
    shared_instances: number;
    shares: number;
    bound_apps_in_target_spaces: number;
    keys_on_shared_instances: number;
    requests: number;
    /** Shares whose ASG check knew where the service listens; the others' asg_gap findings are only inferred. */
    shares_with_known_endpoint: number;
    shares_with_known_endpoint_by_source: Record<EndpointSource, number>;
    findings: Partial<Record<FindingKind, number>>;
    /**
     * Only with `--inspect-credentials`: how the credentials of the shared instances' app bindings and keys were
     * compared (counts only; no credential or hash is kept anywhere).
     */
    credential_comparison?: ReportCredentialComparison;
    /** Broker-level share proxies found (see `broker_shares`); absent when there are none. */
    broker_share_proxies?: number;
  };
  shares: ReportShare[];
  /**
   * Broker-level shares (additive to report@1; absent in reports before it). Access is the broker's: CC shows which
   * original each proxy names, not whether the broker still grants it.
   */
  broker_shares?: {
    proxy_plans: string[];
    /** This foundation's region as the operator gave it (`--landscape`, or the fleet file); null when not given. */
    landscape: string | null;
    proxies: ReportBrokerShare[];
    /** Instances of the proxy plans' offerings that at least one proxy here names. */
    originals_named: number;
    /**
     * Every instance of the proxy plans' offerings that is not a proxy: the originals proxies may name, here or in
     * another foundation of a fleet (`cf-shares fleet` names those).
     */
    originals: { guid: string; name: string; plan: string | null; place: ReportPlace }[];
  };
  findings: Finding[];
}
