import type { Actor } from '../actor.js';
import { resourceNotFound } from '../errors.js';
import type { Foundation } from '../foundation.js';
import { actorOf, ok, type RouteContext, type RouteDef } from '../http-types.js';
import type { Plan } from '../model.js';
import { orderRecords } from '../pagination.js';
import { presentOrg, presentSpace } from '../presenters/core.js';
import { presentOffering, presentPlan } from '../presenters/services.js';
import { parseQuery, type ListSpec, type ParsedQuery } from '../query.js';
import { inList, labelMatch, listBody, NO_LABELS } from './list-body.js';

/** Whether a caller may see a plan at all: admins see everything, others public plans and plans their orgs/spaces get. */
export function planVisibleTo(f: Foundation, plan: Plan, actor: Actor): boolean {
  if (actor.readsAll) return true;
  if (plan.visibilityType === 'public') return true;
  if (plan.visibilityType === 'organization') return [...plan.visibleOrgGuids].some((o) => actor.canReadOrg(o));
  if (plan.visibilityType === 'space') return plan.spaceGuid !== null && actor.canReadSpace(plan.spaceGuid);
  return false;
}

/**
 * The `space_guids` / `organization_guids` filters of `base_service_list_fetcher.rb` (cc-api.md §6 caveat):
 * public plans always pass, org-restricted plans pass when visible to one of the orgs (of the spaces), and
 * space-scoped plans when registered in one of the spaces. For non-admins both lists are first narrowed to what
 * they can read.
 */
function spaceOrgFilter(f: Foundation, q: ParsedQuery, actor: Actor): (plan: Plan) => boolean {
  const spaceGuids = q.lists.get('space_guids')?.filter((s) => f.spaceByGuid.has(s) && actor.canReadSpace(s));
  const orgGuids = q.lists.get('organization_guids')?.filter((o) => f.orgByGuid.has(o) && actor.canReadOrg(o));
  if (!spaceGuids && !orgGuids) return () => true;
  const orgs = new Set<string>(orgGuids ?? []);
  for (const s of spaceGuids ?? []) orgs.add(f.spaceByGuid.get(s)!.orgGuid);
  const spaces = new Set(spaceGuids ?? []);
  return (plan) =>
    plan.visibilityType === 'public' ||
    (plan.visibilityType === 'organization' && [...orgs].some((o) => plan.visibleOrgGuids.has(o))) ||
    (plan.visibilityType === 'space' && plan.spaceGuid !== null && spaces.has(plan.spaceGuid));
}

function availableFilter(q: ParsedQuery): (active: boolean) => boolean {
  const v = q.singles.get('available');
  if (v === undefined) return () => true;
  return (active) => active === (v === 'true');
}

function filterPlans(ctx: RouteContext, q: ParsedQuery): Plan[] {
  const f = ctx.state.foundation;
  const actor = actorOf(ctx);
  const guid = inList(q, 'guids');
  const name = inList(q, 'names');
  const offering = inList(q, 'service_offering_guids');
  const offeringName = inList(q, 'service_offering_names');
  const broker = inList(q, 'service_broker_guids');
  const brokerName = inList(q, 'service_broker_names');
  const catalog = inList(q, 'broker_catalog_ids');
  const instances = q.lists.get('service_instance_guids');
  const instancePlans = instances
    ? new Set(instances.map((g) => f.instanceByGuid.get(g)?.planGuid).filter((g): g is string => !!g))
    : null;
  const spaceOrg = spaceOrgFilter(f, q, actor);
  const available = availableFilter(q);
  const labels = labelMatch(q);
  return f.plans.filter((p) => {
    const o = f.offeringByGuid.get(p.offeringGuid)!;
    return (
      planVisibleTo(f, p, actor) &&
      guid(p.guid) &&
      name(p.name) &&
      offering(o.guid) &&
      offeringName(o.name) &&
      broker(o.brokerGuid) &&
      brokerName(o.brokerName) &&
      catalog(p.catalogId) &&
      (!instancePlans || instancePlans.has(p.guid)) &&
      spaceOrg(p) &&
      available(p.active) &&
      labels(NO_LABELS)
    );
  });
}

const PLAN_SPEC: ListSpec = {
  lists: [
    'guids',
    'names',
    'broker_catalog_ids',
    'space_guids',
    'organization_guids',
    'service_broker_guids',
    'service_broker_names',
    'service_offering_guids',
    'service_offering_names',
    'service_instance_guids',
  ],
  singles: { available: 'boolean' },
  includes: ['space.organization', 'service_offering'],
  fields: { 'service_offering.service_broker': ['guid', 'name'] },
  orderBy: ['created_at', 'updated_at', 'name'],
  timestamps: ['created_ats', 'updated_ats'],
  labelSelector: true,
};

/** Service offerings, plans and plan visibility (cc-api.md §6). */
export const serviceCatalogRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/service_offerings',
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const actor = actorOf(ctx);
      const q = parseQuery(ctx.search, {
        lists: [
          'guids',
          'names',
          'broker_catalog_ids',
          'service_broker_guids',
          'service_broker_names',
          'space_guids',
          'organization_guids',
        ],
        singles: { available: 'boolean' },
        fields: { service_broker: ['guid', 'name'] },
        orderBy: ['created_at', 'updated_at', 'name'],
        timestamps: ['created_ats', 'updated_ats'],
        labelSelector: true,
      });
      const guid = inList(q, 'guids');
      const name = inList(q, 'names');
      const broker = inList(q, 'service_broker_guids');
      const catalog = inList(q, 'broker_catalog_ids');
      const spaceOrg = spaceOrgFilter(f, q, actor);
      const available = availableFilter(q);
      const labels = labelMatch(q);
      // An offering is listed when one of its plans passes the visibility and space/org filters.
      const items = f.offerings.filter((o) => {
        const plans = f.plans.filter((p) => p.offeringGuid === o.guid && planVisibleTo(f, p, actor) && spaceOrg(p));
        return (
          plans.length > 0 &&
          guid(o.guid) &&
          name(o.name) &&
          broker(o.brokerGuid) &&
          catalog(o.catalogId) &&
          available(true) &&
          labels(NO_LABELS)
        );
      });
      return ok(
        listBody(
          ctx,
          '/v3/service_offerings',
          q,
          orderRecords(items, q.orderBy),
          (o) => presentOffering(o, ctx.baseUrl),
          () => {
            const keys = q.fields.get('service_broker');
            if (!keys) return undefined;
            const brokers = [...new Map(items.map((o) => [o.brokerGuid, o.brokerName])).entries()];
            return {
              service_brokers: brokers.map(([g, n]) => ({
                ...(keys.includes('guid') && { guid: g }),
                ...(keys.includes('name') && { name: n }),
              })),
            };
          },
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v3/service_offerings/:guid',
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const o = f.offeringByGuid.get(ctx.params.guid!);
      if (!o || !f.plans.some((p) => p.offeringGuid === o.guid && planVisibleTo(f, p, actorOf(ctx))))
        throw resourceNotFound('Service offering');
      return ok(presentOffering(o, ctx.baseUrl));
    },
  },
  {
    method: 'GET',
    pattern: '/v3/service_plans',
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const q = parseQuery(ctx.search, PLAN_SPEC);
      const items = orderRecords(filterPlans(ctx, q), q.orderBy);
      return ok(
        listBody(
          ctx,
          '/v3/service_plans',
          q,
          items,
          (p) => presentPlan(p, ctx.baseUrl),
          (page) => {
            const included: Record<string, unknown[]> = {};
            if (q.include.includes('service_offering')) {
              included.service_offerings = [...new Set(page.map((p) => p.offeringGuid))].map((g) =>
                presentOffering(f.offeringByGuid.get(g)!, ctx.baseUrl),
              );
            }
            if (q.include.includes('space.organization')) {
              const spaces = [...new Set(page.map((p) => p.spaceGuid).filter((g): g is string => g !== null))].map(
                (g) => f.spaceByGuid.get(g)!,
              );
              included.spaces = spaces.map((s) => presentSpace(s, ctx.baseUrl));
              included.organizations = [...new Set(spaces.map((s) => s.orgGuid))].map((g) =>
                presentOrg(f.orgByGuid.get(g)!, ctx.baseUrl),
              );
            }
            return included;
          },
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v3/service_plans/:guid',
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const p = f.planByGuid.get(ctx.params.guid!);
      if (!p || !planVisibleTo(f, p, actorOf(ctx))) throw resourceNotFound('Service plan');
      return ok(presentPlan(p, ctx.baseUrl));
    },
  },
  {
    method: 'GET',
    pattern: '/v3/service_plans/:guid/visibility',
    // Shapes of `service_plan_visibility/_get.md.erb`; non-admins see only orgs they can read.
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const actor = actorOf(ctx);
      const p = f.planByGuid.get(ctx.params.guid!);
      if (!p || !planVisibleTo(f, p, actor)) throw resourceNotFound('Service plan');
      if (p.visibilityType === 'organization') {
        const orgs = [...p.visibleOrgGuids]
          .map((g) => f.orgByGuid.get(g)!)
          .filter((o) => actor.canReadOrg(o.guid))
          .sort((a, b) => a.index - b.index);
        return ok({ type: 'organization', organizations: orgs.map((o) => ({ guid: o.guid, name: o.name })) });
      }
      if (p.visibilityType === 'space') {
        const s = f.spaceByGuid.get(p.spaceGuid ?? '');
        return ok({ type: 'space', space: { guid: s?.guid, name: s?.name } });
      }
      return ok({ type: p.visibilityType });
    },
  },
];
