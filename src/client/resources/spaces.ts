import { CollectionResource } from '../collection-resource.js';
import type { ResourceContext } from '../resource-context.js';
import type { BaseResource, Link, ListQueryBase, Metadata, ToOne } from './wire-common.js';

/** A space (fixtures v3_space_get.json, v3_spaces_list.json). */
export interface Space extends BaseResource {
  name: string;
  suspended?: boolean;
  relationships: { organization: ToOne; quota?: ToOne };
  metadata: Metadata;
  links: Record<string, Link>;
}

/** Filters of `GET /v3/spaces`. */
export interface SpaceListQuery extends ListQueryBase {
  names?: readonly string[];
  guids?: readonly string[];
  organization_guids?: readonly string[];
  include?: 'organization';
}

/** `/v3/spaces`. With `include: 'organization'` the orgs are in each page's `included.organizations`. */
export class Spaces extends CollectionResource<Space, SpaceListQuery> {
  constructor(ctx: ResourceContext) {
    super(ctx, '/v3/spaces');
  }
}
