import { notAuthorized, resourceNotFound, unprocessable } from '../errors.js';
import { actorOf, ok, type RouteDef } from '../http-types.js';
import type { FeatureFlag } from '../model.js';
import { presentFlag } from '../presenters/bindings.js';
import { matchesTimestamps, parseQuery } from '../query.js';
import { listBody } from './list-body.js';

/** `FeatureFlagsUpdateMessage`: every failing check, in CC's validator order. */
function updateErrors(raw: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const extra = Object.keys(raw).filter((k) => k !== 'enabled' && k !== 'custom_error_message');
  if (extra.length > 0) errors.push(`Unknown field(s): '${extra.join("', '")}'`);
  if ('enabled' in raw && typeof raw.enabled !== 'boolean') errors.push('Enabled must be a boolean');
  const message = raw.custom_error_message;
  if (message !== undefined && message !== null) {
    if (typeof message !== 'string') errors.push('Custom error message must be a string');
    else if (message.length < 1) errors.push('Custom error message is too short (minimum is 1 character)');
    else if (message.length > 250) errors.push('Custom error message is too long (maximum is 250 characters)');
  }
  return errors;
}

/** Feature flags (cc-api.md §5, §13): GET for all roles, PATCH admin only. */
export const featureFlagRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/feature_flags',
    // FeatureFlagsListMessage + FeatureFlagListFetcher: every default flag, a written one in place of its default,
    // ordered by name; with updated_ats only the written flags, filtered.
    handler: (ctx) => {
      const q = parseQuery(ctx.search, {
        orderBy: ['name'],
        timestamps: ['created_ats', 'updated_ats'],
        ignored: ['guids'],
        refused: { created_ats: "Filtering by 'created_ats' is not allowed on this resource." },
      });
      const updated = q.timestamps.get('updated_ats');
      let flags: FeatureFlag[] = [...ctx.state.foundation.featureFlags.values()];
      if (updated)
        flags = flags.filter((flag) => flag.updatedAt !== null && matchesTimestamps(flag.updatedAt, updated));
      const dir = q.orderBy?.desc ? -1 : 1;
      const items = flags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) * dir);
      // ListPaginator: the total is the whole list's, even past the end.
      return ok(
        listBody(ctx, '/v3/feature_flags', q, items, (flag) => presentFlag(flag, ctx.baseUrl), undefined, {
          totalFromPage: false,
        }),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v3/feature_flags/:name',
    handler: (ctx) => {
      const flag = ctx.state.foundation.featureFlags.get(ctx.params.name!);
      if (!flag) throw resourceNotFound('Feature flag');
      return ok(presentFlag(flag, ctx.baseUrl));
    },
  },
  {
    method: 'PATCH',
    pattern: '/v3/feature_flags/:name',
    handler: (ctx) => {
      // The flag is looked up before the admin check, so anyone learns an unknown name is unknown.
      const flag = ctx.state.foundation.featureFlags.get(ctx.params.name!);
      if (!flag) throw resourceNotFound('Feature flag');
      if (!actorOf(ctx).isAdmin) throw notAuthorized();
      const body = ctx.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('Request invalid');
      const raw = body as Record<string, unknown>;
      const errors = updateErrors(raw);
      if (errors.length > 0) throw unprocessable(errors.join(', '));
      if (typeof raw.enabled === 'boolean') flag.enabled = raw.enabled;
      if ('custom_error_message' in raw) flag.customErrorMessage = (raw.custom_error_message as string | null) ?? null;
      flag.updatedAt = ctx.state.now();
      return ok(presentFlag(flag, ctx.baseUrl));
    },
  },
];
