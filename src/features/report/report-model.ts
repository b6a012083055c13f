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
  };
  shares: ReportShare[];
  findings: Finding[];
}
