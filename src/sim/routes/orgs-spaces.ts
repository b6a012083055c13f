import { resourceNotFound } from '../errors.js';
import { actorOf, ok, type RouteDef } from '../http-types.js';
import type { Space } from '../model.js';
import { orderRecords } from '../pagination.js';
import { presentOrg, presentSecurityGroup, presentSpace } from '../presenters/core.js';
import { matchesTimestamps, parseQuery } from '../query.js';
import { inList, labelMatch, listBody, NO_LABELS } from './list-body.js';

const TS = ['created_ats', 'updated_ats'];
const ORDER = ['created_at', 'updated_at', 'name'];

/** Organizations and spaces; non-admins see only what their roles reach. */
export const orgSpaceRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/organizations',
    handler: (ctx) => {
      const actor = actorOf(ctx);
      const q = parseQuery(ctx.search, {
        lists: ['guids', 'names'],
        timestamps: TS,
        orderBy: ORDER,
        labelSelector: true,
      });
      const guid = inList(q, 'guids');
      const name = inList(q, 'names');
      const labels = labelMatch(q);
      const items = ctx.state.foundation.orgs.filter(
        (o) =>
          actor.canReadOrg(o.guid) &&
          guid(o.guid) &&
          name(o.name) &&
          matchesTimestamps(o.createdAt, q.timestamps.get('created_ats')) &&
          labels(NO_LABELS),
      );
      return ok(
        listBody(ctx, '/v3/organizations', q, orderRecords(items, q.orderBy), (o) => presentOrg(o, ctx.baseUrl)),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v3/organizations/:guid',
    handler: (ctx) => {
      const org = ctx.state.foundation.orgByGuid.get(ctx.params.guid!);
      if (!org || !actorOf(ctx).canReadOrg(org.guid)) throw resourceNotFound('Organization');
      return ok(presentOrg(org, ctx.baseUrl));
    },
  },
  {
    method: 'GET',
    pattern: '/v3/spaces',
    handler: (ctx) => {
      const actor = actorOf(ctx);
      const f = ctx.state.foundation;
      const q = parseQuery(ctx.search, {
        lists: ['guids', 'names', 'organization_guids'],
        timestamps: TS,
        orderBy: ORDER,
        includes: ['organization'],
        labelSelector: true,
      });
      const guid = inList(q, 'guids');
      const name = inList(q, 'names');
      const org = inList(q, 'organization_guids');
      const labels = labelMatch(q);
      const readable = actor.readableSpaces();
      const source: Space[] = readable ? f.spaces.filter((s) => readable.has(s.guid)) : f.spaces;
      const items = source.filter(
        (s) =>
          guid(s.guid) &&
          name(s.name) &&
          org(s.orgGuid) &&
          matchesTimestamps(s.createdAt, q.timestamps.get('created_ats')) &&
          labels(NO_LABELS),
      );
      return ok(
        listBody(
          ctx,
          '/v3/spaces',
          q,
          orderRecords(items, q.orderBy),
          (s) => presentSpace(s, ctx.baseUrl),
          (page) =>
            q.include.includes('organization')
              ? {
                  organizations: [...new Set(page.map((s) => s.orgGuid))].map((g) =>
                    presentOrg(f.orgByGuid.get(g)!, ctx.baseUrl),
                  ),
                }
              : undefined,
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v3/spaces/:guid',
    handler: (ctx) => {
      const space = ctx.state.foundation.spaceByGuid.get(ctx.params.guid!);
      if (!space || !actorOf(ctx).canReadSpace(space.guid)) throw resourceNotFound('Space');
      return ok(presentSpace(space, ctx.baseUrl));
    },
  },
  ...(['running', 'staging'] as const).map((lifecycle): RouteDef => ({
    method: 'GET',
    pattern: `/v3/spaces/:guid/${lifecycle}_security_groups`,
    // Effective groups of a space: globally enabled for the lifecycle, plus groups bound to the space.
    handler: (ctx) => {
      const actor = actorOf(ctx);
      const f = ctx.state.foundation;
      const space = f.spaceByGuid.get(ctx.params.guid!);
      if (!space || !actor.canReadSpace(space.guid)) throw resourceNotFound('Space');
      const q = parseQuery(ctx.search, { lists: ['guids', 'names'] });
      const guid = inList(q, 'guids');
      const name = inList(q, 'names');
      const items = f.securityGroups.filter((g) => {
        const bound =
          lifecycle === 'running'
            ? g.globallyRunning || g.runningSpaceGuids.has(space.guid)
            : g.globallyStaging || g.stagingSpaceGuids.has(space.guid);
        return bound && guid(g.guid) && name(g.name);
      });
      return ok(
        listBody(ctx, `/v3/spaces/${space.guid}/${lifecycle}_security_groups`, q, items, (g) =>
          presentSecurityGroup(g, ctx.baseUrl, actor),
        ),
      );
    },
  })),
];
