import { resourceNotFound } from '../errors.js';
import { actorOf, ok, type RouteDef } from '../http-types.js';
import { presentEvent } from '../presenters/bindings.js';
import { matchesTimestamps, parseQuery } from '../query.js';
import { inList, listBody } from './list-body.js';

/** `GET /v3/audit_events`: admins see all; others events of spaces they can read. */
export const auditEventRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/audit_events',
    handler: (ctx) => {
      const actor = actorOf(ctx);
      const q = parseQuery(ctx.search, {
        lists: ['types', 'target_guids', 'space_guids', 'organization_guids'],
        timestamps: ['created_ats', 'updated_ats'],
        orderBy: ['created_at', 'updated_at'],
      });
      const type = inList(q, 'types');
      const target = inList(q, 'target_guids');
      const space = inList(q, 'space_guids');
      const org = inList(q, 'organization_guids');
      const created = q.timestamps.get('created_ats');
      const updated = q.timestamps.get('updated_ats');
      let items = ctx.state.foundation.auditEvents.filter(
        (e) =>
          (actor.readsAll || (e.spaceGuid !== null && actor.canReadSpace(e.spaceGuid))) &&
          type(e.type) &&
          target(e.target.guid) &&
          space(e.spaceGuid) &&
          org(e.orgGuid) &&
          matchesTimestamps(e.createdAt, created) &&
          matchesTimestamps(e.createdAt, updated),
      );
      if (q.orderBy?.desc) items = [...items].reverse();
      return ok(listBody(ctx, '/v3/audit_events', q, items, (e) => presentEvent(e, ctx.baseUrl)));
    },
  },
  {
    method: 'GET',
    pattern: '/v3/audit_events/:guid',
    handler: (ctx) => {
      const actor = actorOf(ctx);
      const e = ctx.state.foundation.auditEvents.find((x) => x.guid === ctx.params.guid);
      if (!e || !(actor.readsAll || (e.spaceGuid !== null && actor.canReadSpace(e.spaceGuid))))
        throw resourceNotFound('Event');
      return ok(presentEvent(e, ctx.baseUrl));
    },
  },
];
