import type { Actor } from './actor.js';
import { CcError, featureDisabled, notAuthorized, resourceNotFound, unprocessable } from './errors.js';
import type { Instance, Space } from './model.js';
import { recordEvent } from './record-event.js';
import { canReadInstance } from './routes/service-instances.js';
import type { SimState } from './sim-state.js';
import { requireWritableSpace } from './writable-space.js';

/** Validates a to-many relationship body (`to_many_relationship_message.rb`); returns the guids. */
function parseData(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('Data must be an array');
  const extra = Object.keys(body).filter((k) => k !== 'data');
  if (extra.length > 0) throw unprocessable(`Unknown field(s): '${extra.join("', '")}'`);
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) throw unprocessable('Data must be an array');
  if (data.length === 0) throw unprocessable("Data can't be blank");
  return data.map((item, i) => {
    const guid = typeof item === 'object' && item !== null ? (item as { guid?: unknown }).guid : undefined;
    if (typeof guid !== 'string') throw unprocessable(`Invalid data type: Data[${i}] guid should be a string.`);
    return guid;
  });
}

/**
 * `POST /v3/service_instances/:guid/relationships/shared_spaces`: the controller checks, then the
 * `ServiceInstanceShare` checks, in the order of cc-api.md §1.1; the first failure answers. All-or-nothing.
 */
export function shareInstance(state: SimState, actor: Actor, instanceGuid: string, body: unknown): Instance {
  const f = state.foundation;
  const flag = f.featureFlags.get('service_instance_sharing');
  // 1. Admins are not exempt from this flag.
  if (!flag?.enabled) throw featureDisabled(flag?.customErrorMessage ?? 'service_instance_sharing');
  const si = f.instanceByGuid.get(instanceGuid);
  if (!si || !canReadInstance(actor, si)) throw resourceNotFound('Service instance');
  if (!actor.canWriteSpace(si.spaceGuid)) throw notAuthorized();
  requireWritableSpace(f, actor, si.spaceGuid);
  const guids = parseData(body);
  const missing = guids.filter((g) => !f.spaceByGuid.has(g) || !actor.canReadSpace(g));
  const readOnly = guids.filter((g) => f.spaceByGuid.has(g) && actor.canReadSpace(g) && !actor.canWriteSpace(g));
  const messages: string[] = [];
  const list = (gs: string[]): string => `['${gs.join("', '")}']`;
  if (missing.length > 0)
    messages.push(
      `Unable to share service instance ${si.name} with spaces ${list(missing)}. Ensure the spaces exist and that you have access to them.`,
    );
  if (readOnly.length > 0)
    messages.push(
      `Unable to share service instance ${si.name} with spaces ${list(readOnly)}. Write permission is required in order to share a service instance with a space.`,
    );
  if (messages.length > 0) throw unprocessable(messages.join('\n'));
  const targets = guids.map((g) => f.spaceByGuid.get(g)!);

  if (si.type === 'user-provided') throw unprocessable('User-provided services cannot be shared.');
  const plan = f.planByGuid.get(si.planGuid ?? '')!;
  const offering = f.offeringByGuid.get(plan.offeringGuid)!;
  // Service#shareable? is a truthiness test on the catalog metadata (cc-api.md §6).
  if (!offering.shareable)
    throw unprocessable(`The ${offering.name} service does not support service instance sharing.`);
  if (targets.some((t) => t.guid === si.spaceGuid)) {
    throw unprocessable(
      `Unable to share service instance '${si.name}' with space '${si.spaceGuid}'. Service instances cannot be shared into the space where they were created.`,
    );
  }
  if (!plan.active)
    throw unprocessable(`The service instance could not be shared as the ${plan.name} plan is inactive.`);
  for (const t of targets) {
    if (!f.planVisibleInSpace(plan, t)) {
      const org = f.orgByGuid.get(t.orgGuid)!;
      throw unprocessable(
        `Access to service ${offering.name} and plan ${plan.name} is not enabled in ${org.name}/${t.name}.`,
      );
    }
  }
  for (const t of targets) checkNames(state, si, t);
  if (si.lastOperation.type === 'create' && si.lastOperation.state === 'in progress') {
    throw unprocessable('Service instance is currently being created. It can be shared after its creation succeeded.');
  }
  if (si.lastOperation.type === 'delete' && si.lastOperation.state === 'in progress')
    throw unprocessable('The service instance is getting deleted.');
  if (si.lastOperation.type === 'create' && si.lastOperation.state === 'failed') {
    throw new CcError(404, 'CF-ServiceInstanceNotFound', 60004, `The service instance could not be found: ${si.name}`);
  }
  for (const t of targets) f.share(si, t.guid);
  recordEvent(
    state,
    actor,
    'audit.service_instance.share',
    { guid: si.guid, type: 'service_instance', name: si.name },
    si.spaceGuid,
    {
      target_space_guids: targets.map((t) => t.guid),
    },
  );
  return si;
}

function checkNames(state: SimState, si: Instance, target: Space): void {
  const f = state.foundation;
  if ((f.instancesBySpace.get(target.guid) ?? []).some((o) => o.name === si.name)) {
    throw unprocessable(`A service instance called ${si.name} already exists in ${target.name}.`);
  }
  // Re-sharing the same instance lands here too (cc-api.md §1.1).
  for (const o of f.sharedInto.get(target.guid) ?? []) {
    if (o.name === si.name)
      throw unprocessable(`A service instance called ${si.name} has already been shared with ${target.name}.`);
  }
}
