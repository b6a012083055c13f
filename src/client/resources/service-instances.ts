import { CollectionResource } from '../collection-resource.js';
import { getResource, jobGuidOf, listBatchedPages, seg, type ResourceContext } from '../resource-context.js';
import type { Page } from '../paginate.js';
import type { WriteOptions, WriteResult } from '../transport.js';
import type { BaseResource, LastOperation, Link, ListQueryBase, Metadata, ToMany, ToOne } from './wire-common.js';

/** A service instance (cc-api.md §2; fixtures v3_service_instance_get_*.json, v3_service_instances_list.json). */
export interface ServiceInstance extends BaseResource {
  name: string;
  type: 'managed' | 'user-provided';
  tags: string[];
  last_operation: LastOperation | null;
  /** Managed only. */
  maintenance_info?: { version?: string; description?: string };
  upgrade_available?: boolean;
  dashboard_url?: string | null;
  broker_provided_metadata?: Record<string, unknown>;
  /** User-provided only. */
  syslog_drain_url?: string | null;
  route_service_url?: string | null;
  /** `space` is always the owning (source) space, even when listed through a space it is shared into (cc-api.md §2). */
  relationships: { space: ToOne; service_plan?: ToOne };
  metadata: Metadata;
  /** `shared_spaces` appears only on managed instances. */
  links: Record<string, Link>;
}

/** `fields[...]` accepted on service instances (cc-api.md §2). */
export interface ServiceInstanceFields {
  space?: readonly ('guid' | 'name' | 'relationships.organization')[];
  'space.organization'?: readonly ('guid' | 'name')[];
  service_plan?: readonly ('guid' | 'name' | 'relationships.service_offering')[];
  'service_plan.service_offering'?: readonly string[];
  'service_plan.service_offering.service_broker'?: readonly ('guid' | 'name')[];
}

/** Filters of `GET /v3/service_instances`. `space_guids` also matches instances shared INTO those spaces (cc-api.md §2). */
export interface ServiceInstanceListQuery extends ListQueryBase {
  names?: readonly string[];
  guids?: readonly string[];
  space_guids?: readonly string[];
  organization_guids?: readonly string[];
  service_plan_guids?: readonly string[];
  service_plan_names?: readonly string[];
  /** A single value; a comma list is invalid. */
  type?: 'managed' | 'user-provided';
  fields?: ServiceInstanceFields;
}

/** `GET|POST .../relationships/shared_spaces` (cc-api.md §1.3; not paginated). */
export interface SharedSpacesRelationship {
  data: { guid: string }[];
  links: { self: Link };
  /** Present with `fields`; `name` is omitted for spaces/orgs the caller cannot read. */
  included?: {
    spaces?: { guid: string; name?: string; relationships?: { organization: ToOne } }[];
    organizations?: { guid: string; name?: string }[];
  };
}

/** `fields` of the shared-spaces relationship. */
export interface SharedSpacesFields {
  space?: readonly ('guid' | 'name' | 'relationships.organization')[];
  'space.organization'?: readonly ('guid' | 'name')[];
}

/** `GET .../relationships/shared_spaces/usage_summary` (cc-api.md §1.4). `bound_app_count` counts app bindings. */
export interface SharedSpacesUsageSummary {
  usage_summary: { space: { guid: string }; bound_app_count: number }[];
  links: Record<string, Link>;
}

/**
 * The body of `PATCH /v3/service_instances/:guid`. Any `parameters` (or a plan or maintenance_info change) reach the
 * broker, so CC answers 202 with a job; name, tags or metadata alone answer 200 (cc-api.md §14).
 */
export interface ServiceInstanceUpdate {
  name?: string;
  tags?: string[];
  parameters?: Record<string, unknown>;
  metadata?: Metadata;
}

/** Filter names that take guid lists, for {@link ServiceInstances.listByGuidFilter}. */
export type ServiceInstanceGuidFilter = 'guids' | 'space_guids' | 'organization_guids' | 'service_plan_guids';

/** `/v3/service_instances` and its sharing relationships. */
export class ServiceInstances extends CollectionResource<ServiceInstance, ServiceInstanceListQuery> {
  constructor(ctx: ResourceContext) {
    super(ctx, '/v3/service_instances');
  }

  /** `GET /v3/service_instances/:guid`, optionally with `fields` (parents then in `included`). */
  override get(guid: string, fields?: ServiceInstanceFields): Promise<ServiceInstance> {
    return getResource(this.ctx, `/v3/service_instances/${seg(guid)}`, fields === undefined ? undefined : { fields });
  }

  /** Pages of `GET /v3/service_instances?<filter>=<guids>`, the guids split into batches (client `guidBatchSize`). */
  listByGuidFilter(
    filter: ServiceInstanceGuidFilter,
    guids: readonly string[],
    query: Omit<ServiceInstanceListQuery, ServiceInstanceGuidFilter> = {},
  ): AsyncGenerator<Page<ServiceInstance>> {
    return listBatchedPages(this.ctx, '/v3/service_instances', filter, guids, query);
  }

  /**
   * `GET /v3/service_instances/:guid/parameters`: the parameters object as the broker returned it, not wrapped. 400
   * CF-ServiceFetchInstanceParametersNotSupported when the broker cannot fetch them, 409 while an operation is in
   * progress on the instance (cc-api.md §14).
   */
  parameters(guid: string): Promise<Record<string, unknown>> {
    return getResource(this.ctx, `/v3/service_instances/${seg(guid)}/parameters`);
  }

  /**
   * `PATCH /v3/service_instances/:guid`. With `parameters` CC answers 202 and the job guid (operation
   * `service_instance.update`); with name, tags or metadata alone, 200 and no job. 409 while another operation runs.
   * `options.hooks` run around every send (see `WriteHooks`).
   */
  async update(
    guid: string,
    update: ServiceInstanceUpdate,
    options: WriteOptions = {},
  ): Promise<WriteResult & { jobGuid: string | null }> {
    const response = await this.ctx.transport.request({
      method: 'PATCH',
      path: `/v3/service_instances/${seg(guid)}`,
      json: update,
      hooks: options.hooks,
    });
    return { status: response.status, requestId: response.requestId, jobGuid: jobGuidOf(response) };
  }

  /** `GET /v3/service_instances/:guid/relationships/shared_spaces` (not paginated). */
  listSharedSpaces(guid: string, fields?: SharedSpacesFields): Promise<SharedSpacesRelationship> {
    return getResource(
      this.ctx,
      `/v3/service_instances/${seg(guid)}/relationships/shared_spaces`,
      fields === undefined ? undefined : { fields },
    );
  }

  /** `GET /v3/service_instances/:guid/relationships/shared_spaces/usage_summary`. */
  sharedSpacesUsageSummary(guid: string): Promise<SharedSpacesUsageSummary> {
    return getResource(this.ctx, `/v3/service_instances/${seg(guid)}/relationships/shared_spaces/usage_summary`);
  }

  /**
   * `DELETE .../relationships/shared_spaces/:space_guid`. 204 also when the space was not shared (idempotent). CC
   * deletes the app bindings in that space first; 502 CF-ServiceInstanceUnshareFailed (390001) when one could not be
   * deleted, never retried here (cc-api.md §1.2). `options.hooks` run around every send (see `WriteHooks`).
   */
  async unshareFromSpace(guid: string, spaceGuid: string, options: WriteOptions = {}): Promise<WriteResult> {
    const response = await this.ctx.transport.request({
      method: 'DELETE',
      path: `/v3/service_instances/${seg(guid)}/relationships/shared_spaces/${seg(spaceGuid)}`,
      hooks: options.hooks,
    });
    return { status: response.status, requestId: response.requestId };
  }

  /** `POST .../relationships/shared_spaces`: all-or-nothing; answers the full shared-space list (cc-api.md §1.1). */
  async shareToSpaces(
    guid: string,
    spaceGuids: readonly string[],
    options: WriteOptions = {},
  ): Promise<ToMany & { links: { self: Link } }> {
    const response = await this.ctx.transport.request<ToMany & { links: { self: Link } }>({
      method: 'POST',
      path: `/v3/service_instances/${seg(guid)}/relationships/shared_spaces`,
      json: { data: spaceGuids.map((g) => ({ guid: g })) },
      hooks: options.hooks,
    });
    return response.body;
  }
}
