import type { Actor } from '../actor.js';
import { offeringAndPlan } from '../broker-share.js';
import {
  fetchParametersNotSupported,
  instanceOperationInProgress,
  notAuthorized,
  resourceNotFound,
} from '../errors.js';
import { createInstance, operationInProgress, updateInstance } from '../instance-writes.js';
import type { Foundation } from '../foundation.js';
import { actorOf, ok, type RouteContext, type RouteDef } from '../http-types.js';
import type { Instance } from '../model.js';
import { orderRecords } from '../pagination.js';
import { spaceFields } from '../presenters/core.js';
import { planFields, presentInstance } from '../presenters/services.js';
import { matchesTimestamps, parseQuery, type ListSpec, type ParsedQuery } from '../query.js';
import { labelMatch, listBody } from './list-body.js';

/** `fields` allowed on service instances (cc-api.md §2). */
export const INSTANCE_FIELDS: Record<string, string[]> = {
  space: ['guid', 'name', 'relationships.organization'],
  'space.organization': ['name', 'guid'],
  service_plan: ['guid', 'name', 'relationships.service_offering'],
  'service_plan.service_offering': [
    'name',
    'guid',
    'description',
    'documentation_url',
    'tags',
    'relationships.service_broker',
  ],
  'service_plan.service_offering.service_broker': ['name', 'guid'],
};

const LIST_SPEC: ListSpec = {
  lists: ['names', 'guids', 'space_guids', 'organization_guids', 'service_plan_guids', 'service_plan_names'],
  singles: { type: ['managed', 'user-provided'] },
  timestamps: ['created_ats', 'updated_ats'],
  orderBy: ['created_at', 'updated_at', 'name'],
  fields: INSTANCE_FIELDS,
  labelSelector: true,
};

/** Readable = own space readable OR shared into a readable space (`can_read_service_instance?`, cc-api.md §1.3 and §2). */
export function canReadInstance(actor: Actor, si: Instance): boolean {
  return actor.canReadSpace(si.spaceGuid) || si.sharedSpaceGuids.some((s) => actor.canReadSpace(s));
}

/** Instances owned by or shared into any of `spaceGuids`, in index order, without scanning the collection. */
function byOwnerOrTarget(f: Foundation, spaceGuids: Iterable<string>): Instance[] {
  const found = new Set<Instance>();
  for (const s of spaceGuids) {
    for (const si of f.instancesBySpace.get(s) ?? []) found.add(si);
    for (const si of f.sharedInto.get(s) ?? []) found.add(si);
  }
  return [...found].sort((a, b) => a.index - b.index);
}

/**
 * The list fetcher (`service_instance_list_fetcher.rb`): `space_guids` and `organization_guids` match the owning
 * space OR a share target (cc-api.md §2), and a non-admin sees the union of owned-readable and shared-in-readable.
 */
export function listInstances(f: Foundation, q: ParsedQuery, actor: Actor): Instance[] {
  const guids = q.lists.get('guids');
  const spaceGuids = q.lists.get('space_guids');
  const orgGuids = q.lists.get('organization_guids');
  const orgSpaces = orgGuids ? orgGuids.flatMap((o) => (f.spacesByOrg.get(o) ?? []).map((s) => s.guid)) : null;
  // Start from the most selective index, then apply every filter as a predicate.
  let candidates: Instance[];
  if (guids)
    candidates = [...new Set(guids)]
      .map((g) => f.instanceByGuid.get(g))
      .filter((s): s is Instance => !!s)
      .sort((a, b) => a.index - b.index);
  else if (spaceGuids) candidates = byOwnerOrTarget(f, spaceGuids);
  else if (orgSpaces) candidates = byOwnerOrTarget(f, orgSpaces);
  else if (actor.readableSpaces()) candidates = byOwnerOrTarget(f, actor.readableSpaces()!);
  else candidates = f.instances;
  const spaceSet = spaceGuids ? new Set(spaceGuids) : null;
  const orgSpaceSet = orgSpaces ? new Set(orgSpaces) : null;
  const names = q.lists.get('names') ? new Set(q.lists.get('names')) : null;
  const planGuids = q.lists.get('service_plan_guids') ? new Set(q.lists.get('service_plan_guids')) : null;
  // service_plan_names is case-insensitive per the docs.
  const planNames = q.lists.get('service_plan_names')
    ? new Set(q.lists.get('service_plan_names')!.map((n) => n.toLowerCase()))
    : null;
  const type = q.singles.get('type');
  const created = q.timestamps.get('created_ats');
  const updated = q.timestamps.get('updated_ats');
  const labels = labelMatch(q);
  const touches = (si: Instance, set: Set<string>): boolean =>
    set.has(si.spaceGuid) || si.sharedSpaceGuids.some((s) => set.has(s));
  const items = candidates.filter((si) => {
    if (names && !names.has(si.name)) return false;
    if (spaceSet && !touches(si, spaceSet)) return false;
    if (orgSpaceSet && !touches(si, orgSpaceSet)) return false;
    if (planGuids && (si.planGuid === null || !planGuids.has(si.planGuid))) return false;
    if (planNames) {
      const plan = si.planGuid ? f.planByGuid.get(si.planGuid) : undefined;
      if (!plan || !planNames.has(plan.name.toLowerCase())) return false;
    }
    if (type && si.type !== type) return false;
    if (!matchesTimestamps(si.createdAt, created) || !matchesTimestamps(si.createdAt, updated)) return false;
    // filter_label (service_instance_list_fetcher.rb).
    if (!labels(si.labels)) return false;
    return actor.readsAll || canReadInstance(actor, si);
  });
  return orderRecords(items, q.orderBy);
}

function included(ctx: RouteContext, q: ParsedQuery, page: Instance[]): Record<string, unknown[]> {
  const f = ctx.state.foundation;
  return {
    ...spaceFields(
      f,
      page.map((si) => si.spaceGuid),
      q.fields,
      actorOf(ctx),
    ),
    ...planFields(f, page, q.fields),
  };
}

/**
 * `GET /v3/service_instances/:guid/parameters` (`ServiceInstancesV3Controller#parameters`, `ServiceInstanceRead`):
 * 404 unless readable (a reader through a shared space only gets 403), 404 for a managed instance whose create
 * failed, 400 for user-provided instances and brokers without `instances_retrievable`, 409 while an operation is in
 * progress, else the broker's parameters object itself.
 */
function instanceParameters(ctx: RouteContext): Record<string, unknown> {
  const f = ctx.state.foundation;
  const actor = actorOf(ctx);
  const si = f.instanceByGuid.get(ctx.params.guid!);
  if (!si || !canReadInstance(actor, si)) throw resourceNotFound('Service instance');
  if (!actor.canReadSpace(si.spaceGuid)) throw notAuthorized();
  if (si.type === 'managed' && si.lastOperation.type === 'create' && si.lastOperation.state === 'failed')
    throw resourceNotFound('Service instance');
  if (si.type === 'user-provided' || offeringAndPlan(f, si)?.offering.instancesRetrievable !== true)
    throw fetchParametersNotSupported();
  if (operationInProgress(si)) throw instanceOperationInProgress(si.name);
  return { ...si.parameters };
}

/** Service instances: list, get, parameters, create and update. */
export const serviceInstanceRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/service_instances',
    handler: (ctx) => {
      const q = parseQuery(ctx.search, LIST_SPEC);
      const items = listInstances(ctx.state.foundation, q, actorOf(ctx));
      return ok(
        listBody(
          ctx,
          '/v3/service_instances',
          q,
          items,
          (si) => presentInstance(si, ctx.baseUrl),
          (page) => included(ctx, q, page),
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v3/service_instances/:guid',
    handler: (ctx) => {
      const q = parseQuery(ctx.search, { fields: INSTANCE_FIELDS, paginated: false });
      const si = ctx.state.foundation.instanceByGuid.get(ctx.params.guid!);
      if (!si || !canReadInstance(actorOf(ctx), si)) throw resourceNotFound('Service instance');
      const body = presentInstance(si, ctx.baseUrl);
      const extra = included(ctx, q, [si]);
      if (Object.keys(extra).length > 0) body.included = extra;
      return ok(body);
    },
  },
  {
    method: 'GET',
    pattern: '/v3/service_instances/:guid/parameters',
    handler: (ctx) => ok(instanceParameters(ctx)),
  },
  {
    method: 'POST',
    pattern: '/v3/service_instances',
    handler: (ctx) => createInstance(ctx.state, actorOf(ctx), ctx.body, ctx.baseUrl),
  },
  {
    method: 'PATCH',
    pattern: '/v3/service_instances/:guid',
    handler: (ctx) => updateInstance(ctx.state, actorOf(ctx), ctx.params.guid!, ctx.body, ctx.baseUrl),
  },
];
