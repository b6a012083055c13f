import type { Actor } from '../actor.js';
import { notAuthorized, resourceNotFound } from '../errors.js';
import type { Foundation } from '../foundation.js';
import { actorOf, ok, type RouteContext, type RouteDef } from '../http-types.js';
import type { Binding } from '../model.js';
import { orderRecords } from '../pagination.js';
import { presentApp, presentBinding } from '../presenters/bindings.js';
import { presentInstance } from '../presenters/services.js';
import { matchesTimestamps, parseQuery } from '../query.js';
import { deleteBindingWithJob } from '../delete-binding.js';
import { brokerCredentials, hasCredentials } from '../broker-credentials.js';
import { labelMatch, listBody, NO_LABELS } from './list-body.js';

/**
 * Visibility by `space_id` (cc-api.md §3.1): the app's space for app bindings, the instance's (source) space for
 * keys. So target-space app bindings are invisible to a source-space-only developer.
 */
export function canSeeBinding(f: Foundation, actor: Actor, b: Binding): boolean {
  if (actor.readsAll) return true;
  const space = f.bindingSpaceGuid(b);
  return space !== undefined && actor.canReadSpace(space);
}

function findBinding(ctx: RouteContext): Binding {
  const f = ctx.state.foundation;
  const b = f.bindingByGuid.get(ctx.params.guid!);
  if (!b || !canSeeBinding(f, actorOf(ctx), b)) throw resourceNotFound('Service credential binding');
  return b;
}

const set = (values: string[] | undefined): Set<string> | null => (values ? new Set(values) : null);

function listBindings(ctx: RouteContext): { items: Binding[]; q: ReturnType<typeof parseQuery> } {
  const f = ctx.state.foundation;
  const actor = actorOf(ctx);
  const q = parseQuery(ctx.search, {
    lists: [
      'names',
      'service_instance_guids',
      'service_instance_names',
      'app_guids',
      'app_names',
      'service_plan_guids',
      'service_plan_names',
      'service_offering_guids',
      'service_offering_names',
      'guids',
    ],
    // `type` is a single value although the docs call it a list (cc-api.md §3.1).
    singles: { type: ['app', 'key'] },
    timestamps: ['created_ats', 'updated_ats'],
    orderBy: ['created_at', 'updated_at', 'name'],
    includes: ['app', 'service_instance'],
    labelSelector: true,
  });
  // No binding carries labels in the simulator.
  if (!labelMatch(q)(NO_LABELS)) return { items: [], q };
  const instanceGuids = q.lists.get('service_instance_guids');
  const guids = q.lists.get('guids');
  let candidates: Binding[];
  if (guids) candidates = guids.map((g) => f.bindingByGuid.get(g)).filter((b): b is Binding => !!b);
  else if (instanceGuids) candidates = [...new Set(instanceGuids)].flatMap((g) => f.bindingsByInstance.get(g) ?? []);
  else candidates = f.bindings;
  if (candidates !== f.bindings) candidates = [...new Set(candidates)].sort((a, b) => a.index - b.index);
  const names = set(q.lists.get('names'));
  const siGuids = set(instanceGuids);
  const siNames = set(q.lists.get('service_instance_names'));
  const appGuids = set(q.lists.get('app_guids'));
  const appNames = set(q.lists.get('app_names'));
  const planGuids = set(q.lists.get('service_plan_guids'));
  const planNames = set(q.lists.get('service_plan_names'));
  const offeringGuids = set(q.lists.get('service_offering_guids'));
  const offeringNames = set(q.lists.get('service_offering_names'));
  const type = q.singles.get('type');
  const items = candidates.filter((b) => {
    if (type && b.type !== type) return false;
    if (names && (b.name === null || !names.has(b.name))) return false;
    if (siGuids && !siGuids.has(b.instanceGuid)) return false;
    if (appGuids && (b.appGuid === null || !appGuids.has(b.appGuid))) return false;
    if (appNames && (b.appGuid === null || !appNames.has(f.appByGuid.get(b.appGuid)?.name ?? ''))) return false;
    if (siNames || planGuids || planNames || offeringGuids || offeringNames) {
      const si = f.instanceByGuid.get(b.instanceGuid)!;
      const plan = si.planGuid ? f.planByGuid.get(si.planGuid) : undefined;
      const offering = plan ? f.offeringByGuid.get(plan.offeringGuid) : undefined;
      if (siNames && !siNames.has(si.name)) return false;
      if (planGuids && (!plan || !planGuids.has(plan.guid))) return false;
      if (planNames && (!plan || !planNames.has(plan.name))) return false;
      if (offeringGuids && (!offering || !offeringGuids.has(offering.guid))) return false;
      if (offeringNames && (!offering || !offeringNames.has(offering.name))) return false;
    }
    if (!matchesTimestamps(b.createdAt, q.timestamps.get('created_ats'))) return false;
    if (!matchesTimestamps(b.lastOperation.updatedAt, q.timestamps.get('updated_ats'))) return false;
    return canSeeBinding(f, actor, b);
  });
  // Default order is created_at, not id (override_default_order_by).
  return { items: orderRecords(items, q.orderBy ?? { key: 'created_at', desc: false }), q };
}

/** Service credential bindings (cc-api.md §3). */
export const credentialBindingRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/service_credential_bindings',
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const { items, q } = listBindings(ctx);
      return ok(
        listBody(
          ctx,
          '/v3/service_credential_bindings',
          q,
          items,
          (b) => presentBinding(b, ctx.baseUrl),
          (page) => {
            const included: Record<string, unknown[]> = {};
            if (q.include.includes('app')) {
              const apps = [...new Set(page.map((b) => b.appGuid).filter((g): g is string => g !== null))].map((g) =>
                f.appByGuid.get(g)!,
              );
              included.apps = apps.sort((a, b) => a.index - b.index).map((a) => presentApp(a, ctx.baseUrl));
            }
            if (q.include.includes('service_instance')) {
              const sis = [...new Set(page.map((b) => b.instanceGuid))].map((g) => f.instanceByGuid.get(g)!);
              included.service_instances = sis
                .sort((a, b) => a.index - b.index)
                .map((si) => presentInstance(si, ctx.baseUrl));
            }
            return included;
          },
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v3/service_credential_bindings/:guid',
    handler: (ctx) => ok(presentBinding(findBinding(ctx), ctx.baseUrl)),
  },
  {
    method: 'GET',
    pattern: '/v3/service_credential_bindings/:guid/details',
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const b = findBinding(ctx);
      // CC answers 404, not 403, to a reader who may see the binding but not its secrets
      // (service_credential_bindings_controller.rb#details: `not_found! unless can_read_secrets_in_the_binding_space?`).
      if (!actorOf(ctx).canReadSecretsIn(f.bindingSpaceGuid(b) ?? ''))
        throw resourceNotFound('Service credential binding');
      const si = f.instanceByGuid.get(b.instanceGuid)!;
      if (si.type === 'user-provided') {
        return ok({
          credentials: { ...si.credentials },
          ...(si.syslogDrainUrl && { syslog_drain_url: si.syslogDrainUrl }),
          volume_mounts: [],
        });
      }
      // CC keeps no credentials for a binding whose creation has not succeeded, and answers them empty.
      return ok({ credentials: hasCredentials(b) ? brokerCredentials(f, b) : {}, volume_mounts: [] });
    },
  },
  {
    method: 'DELETE',
    pattern: '/v3/service_credential_bindings/:guid',
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const actor = actorOf(ctx);
      const b = findBinding(ctx);
      // key: write access to the instance's space; app: manage apps in the app's space (cc-api.md §3.2).
      if (!actor.canWriteSpace(f.bindingSpaceGuid(b) ?? '')) throw notAuthorized();
      const job = deleteBindingWithJob(ctx.state, actor, b);
      if (!job) return { status: 204 };
      return { status: 202, headers: { Location: `${ctx.baseUrl}/v3/jobs/${job.guid}` } };
    },
  },
];
