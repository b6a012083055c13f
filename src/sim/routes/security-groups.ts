import { resourceNotFound } from '../errors.js';
import { actorOf, ok, type RouteDef } from '../http-types.js';
import { orderRecords } from '../pagination.js';
import { canSeeSecurityGroup, presentSecurityGroup } from '../presenters/core.js';
import { parseQuery } from '../query.js';
import { inList, listBody } from './list-body.js';

/** `GET /v3/security_groups` with the filters of `security_group_list_message.rb` (cc-api.md §4). */
export const securityGroupRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/security_groups',
    handler: (ctx) => {
      const actor = actorOf(ctx);
      const q = parseQuery(ctx.search, {
        lists: ['guids', 'names', 'running_space_guids', 'staging_space_guids'],
        singles: { globally_enabled_running: 'boolean', globally_enabled_staging: 'boolean' },
        timestamps: ['created_ats', 'updated_ats'],
        orderBy: ['created_at', 'updated_at'],
      });
      const bool = (name: string): boolean | undefined => {
        const v = q.singles.get(name);
        return v === undefined ? undefined : v === 'true';
      };
      const running = bool('globally_enabled_running');
      const staging = bool('globally_enabled_staging');
      const guid = inList(q, 'guids');
      const name = inList(q, 'names');
      const runningSpaces = q.lists.get('running_space_guids');
      const stagingSpaces = q.lists.get('staging_space_guids');
      const items = ctx.state.foundation.securityGroups.filter(
        (g) =>
          canSeeSecurityGroup(g, actor) &&
          guid(g.guid) &&
          name(g.name) &&
          (running === undefined || g.globallyRunning === running) &&
          (staging === undefined || g.globallyStaging === staging) &&
          (!runningSpaces || runningSpaces.some((s) => g.runningSpaceGuids.has(s))) &&
          (!stagingSpaces || stagingSpaces.some((s) => g.stagingSpaceGuids.has(s))),
      );
      return ok(
        listBody(ctx, '/v3/security_groups', q, orderRecords(items, q.orderBy), (g) =>
          presentSecurityGroup(g, ctx.baseUrl, actor),
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v3/security_groups/:guid',
    handler: (ctx) => {
      const actor = actorOf(ctx);
      const group = ctx.state.foundation.securityGroupByGuid.get(ctx.params.guid!);
      if (!group || !canSeeSecurityGroup(group, actor)) throw resourceNotFound('Security group');
      return ok(presentSecurityGroup(group, ctx.baseUrl, actor));
    },
  },
];
