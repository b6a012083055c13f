import { CollectionResource } from '../collection-resource.js';
import { seg, type ResourceContext } from '../resource-context.js';
import type { WriteOptions, WriteResult } from '../transport.js';
import type { Link } from './wire-common.js';

/** A feature flag (cc-api.md §5; fixture v3_feature_flag_get.json). */
export interface FeatureFlag {
  name: string;
  enabled: boolean;
  updated_at: string | null;
  custom_error_message: string | null;
  links: { self: Link };
}

/** PATCH body; `custom_error_message` is 1..250 characters. */
export interface FeatureFlagUpdate {
  enabled: boolean;
  custom_error_message?: string | null;
}

/** `/v3/feature_flags`. */
export class FeatureFlags extends CollectionResource<FeatureFlag, object> {
  constructor(ctx: ResourceContext) {
    super(ctx, '/v3/feature_flags');
  }

  /** `PATCH /v3/feature_flags/:name` (admin only). `options.hooks` run around every send. */
  async patch(name: string, update: FeatureFlagUpdate, options: WriteOptions = {}): Promise<FeatureFlag> {
    return (await this.patchWithResult(name, update, options)).flag;
  }

  /** {@link patch}, also answering the status and request id. */
  async patchWithResult(
    name: string,
    update: FeatureFlagUpdate,
    options: WriteOptions = {},
  ): Promise<WriteResult & { flag: FeatureFlag }> {
    const response = await this.ctx.transport.request<FeatureFlag>({
      method: 'PATCH',
      path: `/v3/feature_flags/${seg(name)}`,
      json: update,
      hooks: options.hooks,
    });
    return { status: response.status, requestId: response.requestId, flag: response.body };
  }
}
