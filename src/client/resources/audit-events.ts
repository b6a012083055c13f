import { CollectionResource } from '../collection-resource.js';
import type { ResourceContext } from '../resource-context.js';
import type { BaseResource, Link, ListQueryBase } from './wire-common.js';

/** An audit event, e.g. `audit.service_instance.share` / `.unshare` (cc-api.md §1.1, §1.2). */
export interface AuditEvent extends BaseResource {
  type: string;
  actor: { guid: string; type: string; name: string };
  target: { guid: string; type: string; name: string };
  /** `metadata.target_space_guids` (share) or `metadata.target_space_guid` (unshare) live here. */
  data: Record<string, unknown>;
  space: { guid: string } | null;
  organization: { guid: string } | null;
  links: Record<string, Link>;
}

/** Filters of `GET /v3/audit_events`. */
export interface AuditEventListQuery extends ListQueryBase {
  types?: readonly string[];
  target_guids?: readonly string[];
  space_guids?: readonly string[];
  organization_guids?: readonly string[];
}

/** `/v3/audit_events`, e.g. `list({types: ['audit.service_instance.unshare'], created_ats: {gt: since}})`. */
export class AuditEvents extends CollectionResource<AuditEvent, AuditEventListQuery> {
  constructor(ctx: ResourceContext) {
    super(ctx, '/v3/audit_events');
  }
}
