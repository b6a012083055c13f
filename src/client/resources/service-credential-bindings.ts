import { CollectionResource } from '../collection-resource.js';
import { getResource, jobGuidOf, listBatchedPages, seg, type ResourceContext } from '../resource-context.js';
import type { Page } from '../paginate.js';
import type { WriteOptions, WriteResult } from '../transport.js';
import type { Job, Jobs, PollOptions } from './jobs.js';
import type { BaseResource, LastOperation, Link, ListQueryBase, Metadata, ToOne } from './wire-common.js';

/** An app binding or a service key (`type=key`) (cc-api.md §3; fixtures v3_service_credential_binding_*.json). */
export interface ServiceCredentialBinding extends BaseResource {
  name: string | null;
  type: 'app' | 'key';
  last_operation: LastOperation | null;
  /** `app` is omitted for keys. */
  relationships: { service_instance: ToOne; app?: ToOne };
  metadata: Metadata;
  links: Record<string, Link>;
}

/** `GET .../details`. Holds live credentials: never log, store or put it in job data. */
export interface ServiceCredentialBindingDetails {
  credentials: Record<string, unknown>;
  syslog_drain_url?: string | null;
  volume_mounts?: unknown[];
}

/** Filters of `GET /v3/service_credential_bindings`. */
export interface ServiceCredentialBindingListQuery extends ListQueryBase {
  names?: readonly string[];
  guids?: readonly string[];
  service_instance_guids?: readonly string[];
  service_instance_names?: readonly string[];
  app_guids?: readonly string[];
  app_names?: readonly string[];
  service_plan_guids?: readonly string[];
  service_plan_names?: readonly string[];
  service_offering_guids?: readonly string[];
  service_offering_names?: readonly string[];
  /** A single value: `app,key` is rejected (cc-api.md §3.1). */
  type?: 'app' | 'key';
  /** `app` adds `included.apps`; `service_instance` adds `included.service_instances`. */
  include?: readonly ('app' | 'service_instance')[];
}

/** Filter names that take guid lists. */
export type CredentialBindingGuidFilter =
  'guids' | 'service_instance_guids' | 'app_guids' | 'service_plan_guids' | 'service_offering_guids';

/** `/v3/service_credential_bindings`; lists are ordered by `created_at` by default (cc-api.md §3.1). */
export class ServiceCredentialBindings extends CollectionResource<
  ServiceCredentialBinding,
  ServiceCredentialBindingListQuery
> {
  constructor(
    ctx: ResourceContext,
    private readonly jobs: Jobs,
  ) {
    super(ctx, '/v3/service_credential_bindings');
  }

  /** `GET /v3/service_credential_bindings/:guid/details`: the credentials themselves (see the type's warning). */
  details(guid: string): Promise<ServiceCredentialBindingDetails> {
    return getResource(this.ctx, `/v3/service_credential_bindings/${seg(guid)}/details`);
  }

  /** Pages of a list filtered by a long guid list, in `guidBatchSize` batches. */
  listByGuidFilter(
    filter: CredentialBindingGuidFilter,
    guids: readonly string[],
    query: Omit<ServiceCredentialBindingListQuery, CredentialBindingGuidFilter> = {},
  ): AsyncGenerator<Page<ServiceCredentialBinding>> {
    return listBatchedPages(this.ctx, '/v3/service_credential_bindings', filter, guids, query);
  }

  /**
   * `DELETE /v3/service_credential_bindings/:guid`. Returns the job guid from `Location` (202, managed instances), or
   * null when the delete was synchronous (204, user-provided) (cc-api.md §3.2). `options.hooks` run around every send.
   */
  async delete(guid: string, options: WriteOptions = {}): Promise<string | null> {
    return (await this.deleteWithResult(guid, options)).jobGuid;
  }

  /** {@link delete}, also answering the status and request id. */
  async deleteWithResult(guid: string, options: WriteOptions = {}): Promise<WriteResult & { jobGuid: string | null }> {
    const response = await this.ctx.transport.request({
      method: 'DELETE',
      path: `/v3/service_credential_bindings/${seg(guid)}`,
      hooks: options.hooks,
    });
    return { status: response.status, requestId: response.requestId, jobGuid: jobGuidOf(response) };
  }

  /** Deletes and, when CC answers with a job, polls it to the end. Resolves with the COMPLETE job, or null for 204. */
  async deleteAndWait(guid: string, poll: PollOptions = {}, options: WriteOptions = {}): Promise<Job | null> {
    const jobGuid = await this.delete(guid, options);
    return jobGuid === null ? null : this.jobs.pollUntilTerminal(jobGuid, poll);
  }
}
