import { CollectionResource } from '../collection-resource.js';
import type { ResourceContext } from '../resource-context.js';
import type { BaseResource, Link, ListQueryBase, Metadata, ToOne } from './wire-common.js';

/** A service offering (cc-api.md §6; fixtures v3_service_offering_get.json, v3_service_offerings_list.json). */
export interface ServiceOffering extends BaseResource {
  name: string;
  description: string;
  available: boolean;
  tags: string[];
  requires: string[];
  /** Presented as `broker_catalog.metadata.shareable == true`; the share action uses Ruby truthiness (cc-api.md §6). */
  shareable: boolean;
  documentation_url: string | null;
  broker_catalog: {
    id: string;
    metadata: Record<string, unknown> | null;
    features: Record<string, boolean>;
  };
  relationships: { service_broker: ToOne };
  metadata: Metadata;
  links: Record<string, Link>;
}

/** Filters of `GET /v3/service_offerings`. */
export interface ServiceOfferingListQuery extends ListQueryBase {
  names?: readonly string[];
  guids?: readonly string[];
  broker_catalog_ids?: readonly string[];
  service_broker_guids?: readonly string[];
  service_broker_names?: readonly string[];
  space_guids?: readonly string[];
  organization_guids?: readonly string[];
  available?: boolean;
  fields?: { service_broker?: readonly string[] };
}

/** `/v3/service_offerings`. */
export class ServiceOfferings extends CollectionResource<ServiceOffering, ServiceOfferingListQuery> {
  constructor(ctx: ResourceContext) {
    super(ctx, '/v3/service_offerings');
  }
}
