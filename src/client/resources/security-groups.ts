import { CollectionResource } from '../collection-resource.js';
import { listResource, seg, type ResourceContext } from '../resource-context.js';
import type { Paginator } from '../paginate.js';
import type { BaseResource, Link, ListQueryBase, ToMany } from './wire-common.js';

/** One ASG rule, as stored: optional keys may be absent, and strings may carry spaces (cc-api.md §4). */
export interface SecurityGroupRule {
  protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all' | string;
  destination: string;
  ports?: string;
  type?: number;
  code?: number;
  description?: string;
  log?: boolean;
}

/** A security group (fixtures v3_security_group_get.json, v3_security_groups_list.json). */
export interface SecurityGroup extends BaseResource {
  name: string;
  globally_enabled: { running: boolean; staging: boolean };
  rules: SecurityGroupRule[];
  /** Only spaces visible to the caller, unless it can see all spaces. */
  relationships: { running_spaces: ToMany; staging_spaces: ToMany };
  links: Record<string, Link>;
}

/** Filters of `GET /v3/security_groups`. */
export interface SecurityGroupListQuery extends ListQueryBase {
  guids?: readonly string[];
  names?: readonly string[];
  running_space_guids?: readonly string[];
  staging_space_guids?: readonly string[];
  globally_enabled_running?: boolean;
  globally_enabled_staging?: boolean;
}

/** `/v3/security_groups` and the per-space views. */
export class SecurityGroups extends CollectionResource<SecurityGroup, SecurityGroupListQuery> {
  constructor(ctx: ResourceContext) {
    super(ctx, '/v3/security_groups');
  }

  /** `GET /v3/spaces/:guid/running_security_groups`: the groups that apply to running apps in the space. */
  runningForSpace(spaceGuid: string): Paginator<SecurityGroup> {
    return listResource(this.ctx, `/v3/spaces/${seg(spaceGuid)}/running_security_groups`);
  }

  /** `GET /v3/spaces/:guid/staging_security_groups`. */
  stagingForSpace(spaceGuid: string): Paginator<SecurityGroup> {
    return listResource(this.ctx, `/v3/spaces/${seg(spaceGuid)}/staging_security_groups`);
  }
}
