import { resourceNotFound } from '../errors.js';
import { actorOf, ok, type RouteDef } from '../http-types.js';
import { spaceFields } from '../presenters/core.js';
import { parseQuery } from '../query.js';
import { shareInstance } from '../share-instance.js';
import { unshareInstance } from '../unshare-instance.js';
import { canReadInstance } from './service-instances.js';

const BASE = '/v3/service_instances/:guid/relationships/shared_spaces';

/** Shared spaces (cc-api.md §1.1–1.4). Not paginated. */
export const sharedSpaceRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: BASE,
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const actor = actorOf(ctx);
      const q = parseQuery(ctx.search, {
        paginated: false,
        fields: { space: ['name', 'guid', 'relationships.organization'], 'space.organization': ['name', 'guid'] },
      });
      const si = f.instanceByGuid.get(ctx.params.guid!);
      if (!si || !canReadInstance(actor, si)) throw resourceNotFound('Service instance');
      const body: Record<string, unknown> = {
        data: si.sharedSpaceGuids.map((guid) => ({ guid })),
        links: { self: { href: `${ctx.baseUrl}/v3/service_instances/${si.guid}/relationships/shared_spaces` } },
      };
      if (q.fields.size > 0) body.included = spaceFields(f, si.sharedSpaceGuids, q.fields, actor);
      return ok(body);
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/usage_summary`,
    // bound_app_count counts app binding rows whose app is in the space (not distinct apps, not keys): §1.4.
    // CC builds no list message here, so query parameters are ignored rather than refused (cc-api.md §13).
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const si = f.instanceByGuid.get(ctx.params.guid!);
      if (!si || !canReadInstance(actorOf(ctx), si)) throw resourceNotFound('Service instance');
      const spaces = si.sharedSpaceGuids.map((g) => f.spaceByGuid.get(g)!).sort((a, b) => a.index - b.index);
      const self = `${ctx.baseUrl}/v3/service_instances/${si.guid}`;
      return ok({
        usage_summary: spaces.map((s) => ({
          space: { guid: s.guid },
          bound_app_count: f.appBindingsIn(si, s.guid).length,
        })),
        links: {
          self: { href: `${self}/relationships/shared_spaces/usage_summary` },
          shared_spaces: { href: `${self}/relationships/shared_spaces` },
          service_instance: { href: self },
        },
      });
    },
  },
  {
    method: 'POST',
    pattern: BASE,
    handler: (ctx) => {
      const si = shareInstance(ctx.state, actorOf(ctx), ctx.params.guid!, ctx.body);
      // The answer lists every shared space afterwards, without a related link.
      return ok({
        data: si.sharedSpaceGuids.map((guid) => ({ guid })),
        links: { self: { href: `${ctx.baseUrl}/v3/service_instances/${si.guid}/relationships/shared_spaces` } },
      });
    },
  },
  {
    method: 'DELETE',
    pattern: `${BASE}/:space_guid`,
    handler: (ctx) => {
      unshareInstance(ctx.state, actorOf(ctx), ctx.params.guid!, ctx.params.space_guid!);
      return { status: 204 };
    },
  },
];
