import type { AsgGroup } from './asg-coverage.js';
import type { BrokerShareSnapshot } from './broker-shares.js';

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
  readonly appBindings: readonly SnapshotAppBinding[];
  /** Service keys of shared instances. */
  readonly keys: readonly SnapshotKey[];
  readonly securityGroups: readonly AsgGroup[];
  /** Which bindings and keys share credentials; only when credentials were inspected. */
  readonly credentials?: CredentialComparison;
  /** Broker-level shares (proxy instances and candidate originals); absent when the foundation has none. */
  readonly brokerShares?: BrokerShareSnapshot;
}

/**
 * Why a binding's or key's credentials were not compared: `not_ready`, its creation has not succeeded, so CC holds
 * none (no request sent), or CC answered 409 (an operation in progress on it); `not_found` (404: gone, or an identity that may not read secrets, which is what CC
 * answers them); `forbidden` (403); `broker_error` (502); `unavailable` (503, e.g. CredHub for a key); `empty`,
 * answered without credentials; `other`, any other error answer.
 */
export type NotComparedReason =
  'not_ready' | 'not_found' | 'forbidden' | 'broker_error' | 'unavailable' | 'empty' | 'other';

/**
 * The outcome of comparing the credentials of every app binding and key of the shared instances. It names bindings
 * by guid only: no credential, and no hash of one, ever leaves the crawl step that read them.
 */
export interface CredentialComparison {
  /** Bindings and keys whose credentials were read and compared. */
  readonly compared: number;
  /** Bindings and keys that were not compared (not guessed), by reason. */
  readonly notCompared: Readonly<Partial<Record<NotComparedReason, number>>>;
  /** `GET .../details` requests the comparison sent (retries included). */
  readonly detailsRequests: number;
  /** Groups of two or more binding and key guids whose credentials are the same, each sorted. */
  readonly sameCredentials: readonly (readonly string[])[];
}

/** An app binding, with its app's name and space. */
export interface SnapshotAppBinding {
  readonly guid: string;
  readonly instanceGuid: string;
  readonly appGuid: string;
  readonly appName: string;
  readonly appSpaceGuid: string;
  /** The binding's own name (bindings may have none). */
  readonly name?: string | null;
}

/** A service key. */
export interface SnapshotKey {
  readonly guid: string;
  readonly name: string | null;
  readonly instanceGuid: string;
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
