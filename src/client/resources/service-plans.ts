import { CollectionResource } from '../collection-resource.js';
import { getResource, seg, type ResourceContext } from '../resource-context.js';
import type { BaseResource, Link, ListQueryBase, Metadata, ToOne } from './wire-common.js';

/** A service plan (cc-api.md §6; fixture v3_service_plans_list.json). */
export interface ServicePlan extends BaseResource {
  name: string;
  description: string;
  visibility_type: 'public' | 'admin' | 'organization' | 'space';
  /** Maps to the plan's `active`; an inactive plan cannot be shared (cc-api.md §1.1). */
  available: boolean;
  free: boolean;
  costs: unknown[];
  maintenance_info?: Record<string, unknown>;
  broker_catalog: {
    id: string;
    metadata: Record<string, unknown> | null;
    maximum_polling_duration: number | null;
    features: Record<string, boolean>;
  };
  schemas?: unknown;
  relationships: { service_offering: ToOne; space?: ToOne };
  metadata: Metadata;
  links: Record<string, Link>;
}

/** `GET /v3/service_plans/:guid/visibility`, one of four shapes (cc-api.md §6). */
export type ServicePlanVisibility =
  | { type: 'public' }
  | { type: 'admin' }
  | { type: 'organization'; organizations: { guid: string; name: string }[] }
  | { type: 'space'; space: { guid: string; name: string } };

/** Filters of `GET /v3/service_plans`. Note: `space_guids`/`organization_guids` do not filter out public plans. */
export interface ServicePlanListQuery extends ListQueryBase {
  names?: readonly string[];
  guids?: readonly string[];
  available?: boolean;
  broker_catalog_ids?: readonly string[];
  space_guids?: readonly string[];
  organization_guids?: readonly string[];
  service_broker_guids?: readonly string[];
  service_broker_names?: readonly string[];
  service_offering_guids?: readonly string[];
  service_offering_names?: readonly string[];
  service_instance_guids?: readonly string[];
  include?: readonly ('space.organization' | 'service_offering')[];
  fields?: { 'service_offering.service_broker'?: readonly string[] };
}

/** `/v3/service_plans`. */
export class ServicePlans extends CollectionResource<ServicePlan, ServicePlanListQuery> {
  constructor(ctx: ResourceContext) {
    super(ctx, '/v3/service_plans');
  }

  /** `GET /v3/service_plans/:guid/visibility`. For non-admins, only readable orgs are listed. */
  visibility(guid: string): Promise<ServicePlanVisibility> {
    return getResource(this.ctx, `/v3/service_plans/${seg(guid)}/visibility`);
  }
}
