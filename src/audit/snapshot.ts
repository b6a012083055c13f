import type { AsgGroup } from './asg-coverage.js';

/**
 * What a crawl gathered about a foundation, reduced to what the audit reasons about. Plain data: no client types,
 * so the findings, the report and the diff are pure functions of it.
 */
export interface FoundationSnapshot {
  readonly api: string;
  readonly generatedAt: string;
  readonly sharingFlagEnabled: boolean;
  readonly orgs: readonly { guid: string; name: string }[];
  readonly spaces: readonly { guid: string; name: string; orgGuid: string }[];
  readonly offerings: readonly { guid: string; name: string; shareable: boolean }[];
  readonly plans: readonly SnapshotPlan[];
  /** Counts over every instance, shared or not. */
  readonly instanceCounts: { readonly all: number; readonly managed: number };
  /** Shared instances only. */
  readonly sharedInstances: readonly SnapshotInstance[];
  readonly shares: readonly { instanceGuid: string; targetSpaceGuid: string }[];
  /** App bindings of shared instances, in any space. */
  readonly appBindings: readonly {
    guid: string;
    instanceGuid: string;
    appGuid: string;
    appName: string;
    appSpaceGuid: string;
  }[];
  /** Service keys of shared instances. */
  readonly keys: readonly { guid: string; name: string | null; instanceGuid: string }[];
  readonly securityGroups: readonly AsgGroup[];
}

export interface SnapshotPlan {
  readonly guid: string;
  readonly name: string;
  readonly offeringGuid: string;
  readonly active: boolean;
  readonly visibilityType: 'public' | 'admin' | 'organization' | 'space';
  /** Orgs a plan of `organization` visibility is visible in. */
  readonly visibleOrgGuids: readonly string[];
  /** The space of a space-scoped broker's plan. */
  readonly spaceGuid: string | null;
}

export interface SnapshotInstance {
  readonly guid: string;
  readonly name: string;
  readonly spaceGuid: string;
  readonly planGuid: string | null;
  readonly dashboardUrl: string | null;
}

/**
 * Where the audit learnt a service's endpoint: `endpoints_file`, the operator's --endpoints file;
 * `credentials`, one binding's details (--inspect-credentials). These exact words appear in report.json.
 */
export type EndpointSource = 'endpoints_file' | 'credentials';

/** Where a service listens, as far as ASGs are concerned: an address or CIDR, and a TCP port. */
export interface ServiceEndpoint {
  readonly destination: string;
  readonly port: number;
  readonly source: EndpointSource;
}
