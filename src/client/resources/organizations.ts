import { CollectionResource } from '../collection-resource.js';
import type { ResourceContext } from '../resource-context.js';
import type { BaseResource, Link, ListQueryBase, Metadata, ToOne } from './wire-common.js';

/** An organization (fixture v3_organizations_list.json). */
export interface Organization extends BaseResource {
  name: string;
  suspended: boolean;
  relationships: { quota: ToOne };
  metadata: Metadata;
  links: Record<string, Link>;
}

/** Filters of `GET /v3/organizations`. */
export interface OrganizationListQuery extends ListQueryBase {
  names?: readonly string[];
  guids?: readonly string[];
}

/** `/v3/organizations`. */
export class Organizations extends CollectionResource<Organization, OrganizationListQuery> {
  constructor(ctx: ResourceContext) {
    super(ctx, '/v3/organizations');
  }
}
