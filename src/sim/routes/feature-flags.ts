import { notAuthorized, resourceNotFound, unprocessable } from '../errors.js';
import { actorOf, ok, type RouteDef } from '../http-types.js';
import { presentFlag } from '../presenters/bindings.js';
import { parseQuery } from '../query.js';
import { listBody } from './list-body.js';

/** Feature flags (cc-api.md §5): GET for all roles, PATCH admin only. */
export const featureFlagRoutes: RouteDef[] = [
  {
    method: 'GET', pattern: '/v3/feature_flags',
    handler: (ctx) => {
      const q = parseQuery(ctx.search, { orderBy: ['name'], ignored: ['updated_ats'] });
      const flags = [...ctx.state.foundation.featureFlags.values()];
      const items = q.orderBy ? [...flags].sort((a, b) => (a.name < b.name ? -1 : 1) * (q.orderBy!.desc ? -1 : 1)) : flags;
      return ok(listBody(ctx, '/v3/feature_flags', q, items, (flag) => presentFlag(flag, ctx.baseUrl)));
    },
  },
  {
    method: 'GET', pattern: '/v3/feature_flags/:name',
    handler: (ctx) => {
      const flag = ctx.state.foundation.featureFlags.get(ctx.params.name!);
      if (!flag) throw resourceNotFound('Feature flag');
      return ok(presentFlag(flag, ctx.baseUrl));
    },
  },
  {
    method: 'PATCH', pattern: '/v3/feature_flags/:name',
    handler: (ctx) => {
      if (!actorOf(ctx).isAdmin) throw notAuthorized();
      const flag = ctx.state.foundation.featureFlags.get(ctx.params.name!);
      if (!flag) throw resourceNotFound('Feature flag');
      const body = ctx.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('Request invalid');
      const raw = body as Record<string, unknown>;
      const extra = Object.keys(raw).filter((k) => k !== 'enabled' && k !== 'custom_error_message');
      if (extra.length > 0) throw unprocessable(`Unknown field(s): '${extra.join("', '")}'`);
      if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') throw unprocessable('Enabled must be a boolean');
      const message = raw.custom_error_message;
      if (message !== undefined && message !== null && (typeof message !== 'string' || message.length < 1 || message.length > 250)) {
        throw unprocessable('Custom error message is too long (maximum is 250 characters)');
      }
      if (typeof raw.enabled === 'boolean') flag.enabled = raw.enabled;
      if (message !== undefined) flag.customErrorMessage = message as string | null;
      flag.updatedAt = ctx.state.now();
      return ok(presentFlag(flag, ctx.baseUrl));
    },
  },
];
