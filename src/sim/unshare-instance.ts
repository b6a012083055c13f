import type { Actor } from './actor.js';
import { notAuthorized, resourceNotFound, unprocessable, unshareFailed } from './errors.js';
import { recordEvent } from './record-event.js';
import { canReadInstance } from './routes/service-instances.js';
import type { SimState } from './sim-state.js';
import { BROKER_BUSY_ERROR, unbind } from './unbind.js';
import { requireWritableSpace } from './writable-space.js';

/**
 * `DELETE /v3/service_instances/:guid/relationships/shared_spaces/:space_guid`, as cc-api.md §1.2: no feature
 * flag check; unreadable instance 404; source-space write needed; source space being deleted 422 (non-admins);
 * unknown space 422; not shared 204; every app binding of the instance in the target space is unbound inside the
 * request; any failure keeps the share and answers 502 with the joined binding errors.
 */
export function unshareInstance(state: SimState, actor: Actor, instanceGuid: string, spaceGuid: string): void {
  const f = state.foundation;
  const si = f.instanceByGuid.get(instanceGuid);
  if (!si || !canReadInstance(actor, si)) throw resourceNotFound('Service instance');
  if (!actor.canWriteSpace(si.spaceGuid)) throw notAuthorized();
  requireWritableSpace(f, actor, si.spaceGuid);
  const target = f.spaceByGuid.get(spaceGuid);
  if (!target)
    throw unprocessable(`Unable to unshare service instance from space ${spaceGuid}. Ensure the space exists.`);
  if (!si.sharedSpaceGuids.includes(target.guid)) return;

  const errors: string[] = [];
  for (const binding of f.appBindingsIn(si, target.guid)) {
    const outcome = unbind(state, binding, actor);
    switch (outcome.kind) {
      case 'deleted':
        break;
      case 'async':
        errors.push(
          `The binding between an application and service instance ${si.name} in space ${target.name} is being deleted asynchronously.`,
        );
        break;
      case 'failed':
        errors.push(`Service broker failed to delete service binding for instance ${si.name}: ${outcome.brokerError}`);
        break;
      case 'busy':
        errors.push(BROKER_BUSY_ERROR);
        break;
      case 'blocked':
        errors.push('The delete request was rejected due to an operation being in progress for the service binding.');
        break;
    }
  }
  if (errors.length > 0) {
    // Verbatim shape from spec/request/service_instances_spec.rb: each error prefixed with a tab, joined by blank lines.
    const joined = errors.map((e) => `\t${e}`).join('\n\n');
    throw unshareFailed(
      `Unshare of service instance failed because one or more bindings could not be deleted.\n\n ${joined}`,
    );
  }
  f.unshare(si, target.guid);
  recordEvent(
    state,
    actor,
    'audit.service_instance.unshare',
    { guid: si.guid, type: 'service_instance', name: si.name },
    si.spaceGuid,
    {
      target_space_guid: target.guid,
    },
  );
}
