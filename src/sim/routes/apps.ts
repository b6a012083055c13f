import { resourceNotFound } from '../errors.js';
import { actorOf, ok, type RouteDef } from '../http-types.js';
import { orderRecords } from '../pagination.js';
import { presentApp } from '../presenters/bindings.js';
import { parseQuery } from '../query.js';
import { inList, labelMatch, listBody, NO_LABELS } from './list-body.js';

/** A minimal `/v3/apps`: enough to name and place bound apps. */
export const appRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/apps',
    handler: (ctx) => {
      const actor = actorOf(ctx);
      const q = parseQuery(ctx.search, {
        lists: ['guids', 'names', 'space_guids', 'organization_guids', 'stacks'],
        orderBy: ['created_at', 'updated_at', 'name'],
        timestamps: ['created_ats', 'updated_ats'],
        labelSelector: true,
        ignored: ['lifecycle_type', 'include'],
      });
      const f = ctx.state.foundation;
      const guids = q.lists.get('guids');
      const guid = inList(q, 'guids');
      const name = inList(q, 'names');
      const space = inList(q, 'space_guids');
      const org = inList(q, 'organization_guids');
      const labels = labelMatch(q);
      const candidates = guids
        ? guids
            .map((g) => f.appByGuid.get(g))
            .filter((a) => a !== undefined)
            .sort((a, b) => a.index - b.index)
        : f.apps;
      const items = [...new Set(candidates)].filter(
        (a) =>
          actor.canReadSpace(a.spaceGuid) &&
          guid(a.guid) &&
          name(a.name) &&
          space(a.spaceGuid) &&
          org(f.spaceByGuid.get(a.spaceGuid)?.orgGuid) &&
          labels(NO_LABELS),
      );
      return ok(listBody(ctx, '/v3/apps', q, orderRecords(items, q.orderBy), (a) => presentApp(a, ctx.baseUrl)));
    },
  },
  {
    method: 'GET',
    pattern: '/v3/apps/:guid',
    handler: (ctx) => {
      const app = ctx.state.foundation.appByGuid.get(ctx.params.guid!);
      if (!app || !actorOf(ctx).canReadSpace(app.spaceGuid)) throw resourceNotFound('App');
      return ok(presentApp(app, ctx.baseUrl));
    },
  },
];
