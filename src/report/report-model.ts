import type { Finding, FindingKind } from '../audit/findings.js';

/** A place in the foundation, as the report names it. */
export interface ReportPlace {
  org_guid: string;
  org: string | null;
  space_guid: string;
  space: string | null;
}

/** One share of report.json. */
export interface ReportShare {
  instance: { guid: string; name: string; offering: string | null; plan: string | null; plan_guid: string | null };
  source: ReportPlace;
  target: ReportPlace;
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
    findings: Partial<Record<FindingKind, number>>;
  };
  shares: ReportShare[];
  findings: Finding[];
}
