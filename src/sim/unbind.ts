import type { Actor } from './actor.js';
import type { Binding } from './model.js';
import { recordEvent } from './record-event.js';
import type { SimState } from './sim-state.js';

/** What the (simulated) broker did with one unbind. */
export type UnbindOutcome =
  | { kind: 'deleted' }
  | { kind: 'async' }
  | { kind: 'failed'; brokerError: string }
  | { kind: 'busy' }
  | { kind: 'blocked' };

/** What CC says when the broker answers an unbind with 422 ConcurrencyError (`V3::ServiceBindingDelete`). */
export const BROKER_BUSY_ERROR =
  'The service broker rejected the request due to an operation being in progress for the service binding.';

/** Broker error text used for scripted `fail` unbinds. */
export const BROKER_ERROR =
  'Status Code: 500 Internal Server Error, Body: {"description":"unbind failed (simulated broker error)"}';

/**
 * Blocking operation per `ServiceBindingDelete#blocking_operation_in_progress?` (cc-api.md §1.2): create/initial or
 * delete/in progress.
 */
export function isBlocking(binding: Binding): boolean {
  const op = binding.lastOperation;
  return (op.type === 'create' && op.state === 'initial') || (op.type === 'delete' && op.state === 'in progress');
}

/** Deletes a binding now and records the matching audit event. */
export function finishDelete(state: SimState, binding: Binding, actor: Actor | null): void {
  const f = state.foundation;
  if (!f.bindingByGuid.has(binding.guid)) return;
  const spaceGuid = f.bindingSpaceGuid(binding) ?? null;
  f.removeBinding(binding);
  const type = binding.type === 'app' ? 'audit.service_binding.delete' : 'audit.service_key.delete';
  recordEvent(
    state,
    actor,
    type,
    { guid: binding.guid, type: binding.type === 'app' ? 'service_binding' : 'service_key', name: binding.name ?? '' },
    spaceGuid,
    {
      request: { app_guid: binding.appGuid, service_instance_guid: binding.instanceGuid },
    },
  );
}

/**
 * Sends one unbind to the scripted broker. `sync` deletes now; `async` marks the binding delete/in progress and
 * deletes it after `asyncSeconds` (CC keeps polling in a DeleteBindingJob); `fail` leaves it delete/failed;
 * `busy` is the broker's 422 ConcurrencyError and changes nothing.
 */
export function unbind(
  state: SimState,
  binding: Binding,
  actor: Actor | null,
  onAsyncDone?: () => void,
): UnbindOutcome {
  if (isBlocking(binding)) return { kind: 'blocked' };
  const now = state.now();
  switch (binding.behaviour.unbind) {
    case 'sync':
      finishDelete(state, binding, actor);
      return { kind: 'deleted' };
    case 'async':
      binding.lastOperation = {
        type: 'delete',
        state: 'in progress',
        description: 'Unbinding in progress',
        createdAt: now,
        updatedAt: now,
      };
      state.later(binding.behaviour.asyncSeconds * 1000, () => {
        finishDelete(state, binding, actor);
        onAsyncDone?.();
      });
      return { kind: 'async' };
    case 'fail':
      binding.lastOperation = {
        type: 'delete',
        state: 'failed',
        description: BROKER_ERROR,
        createdAt: now,
        updatedAt: now,
      };
      return { kind: 'failed', brokerError: BROKER_ERROR };
    case 'busy':
      return { kind: 'busy' };
  }
}
