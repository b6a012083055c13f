import type { Actor } from './actor.js';
import { unprocessable } from './errors.js';
import type { Binding, Job } from './model.js';
import type { SimState } from './sim-state.js';
import { BROKER_BUSY_ERROR, BROKER_ERROR, finishDelete, isBlocking } from './unbind.js';
import { requireWritableSpace } from './writable-space.js';

/** How long a "synchronous" broker unbind takes inside the delete job. */
const JOB_STEP_MS = 50;

/**
 * `DELETE /v3/service_credential_bindings/:guid` after permission checks (cc-api.md §3.2): a space being deleted
 * refuses non-admins (422), a blocking operation answers 422, user-provided deletes now (returns null, 204), managed
 * enqueues a DeleteBindingJob (202 + Location) that completes, polls (async, for as long as the broker says) or
 * fails per the binding's scripted broker.
 */
export function deleteBindingWithJob(state: SimState, actor: Actor, b: Binding): Job | null {
  const f = state.foundation;
  requireWritableSpace(f, actor, f.bindingSpaceGuid(b) ?? '');
  if (isBlocking(b)) throw unprocessable('There is an operation in progress for the service binding.');
  const si = f.instanceByGuid.get(b.instanceGuid)!;
  if (si.type === 'user-provided') {
    finishDelete(state, b, actor);
    return null;
  }
  const now = state.now();
  const job: Job = {
    guid: state.newGuid(),
    createdAt: now,
    updatedAt: now,
    operation: b.type === 'app' ? 'service_bindings.delete' : 'service_keys.delete',
    state: 'PROCESSING',
    errors: [],
    warnings: [],
    resourceType: 'service_credential_binding',
    resourceGuid: b.guid,
  };
  f.jobs.set(job.guid, job);
  const finish = (jobState: Job['state']): void => {
    job.state = jobState;
    job.updatedAt = state.now();
  };
  const fail = (detail: string): void => {
    job.errors.push({ detail: `unbind could not be completed: ${detail}`, title: 'CF-UnableToPerform', code: 10009 });
    finish('FAILED');
  };
  // The broker's concurrency error leaves the binding's last operation alone (ServiceBindingDelete skips
  // ConcurrencyError when recording failures); every other answer starts a delete operation.
  if (b.behaviour.unbind !== 'busy')
    b.lastOperation = {
      type: 'delete',
      state: 'in progress',
      description: 'Unbinding in progress',
      createdAt: now,
      updatedAt: now,
    };
  switch (b.behaviour.unbind) {
    case 'sync':
      state.later(JOB_STEP_MS, () => {
        finishDelete(state, b, actor);
        finish('COMPLETE');
      });
      break;
    case 'async':
      state.later(JOB_STEP_MS, () => finish('POLLING'));
      state.later(Math.max(JOB_STEP_MS * 2, b.behaviour.asyncSeconds * 1000), () => {
        finishDelete(state, b, actor);
        finish('COMPLETE');
      });
      break;
    case 'fail':
      state.later(JOB_STEP_MS, () => {
        const at = state.now();
        b.lastOperation = { type: 'delete', state: 'failed', description: BROKER_ERROR, createdAt: at, updatedAt: at };
        fail(`Service broker failed to delete service binding for instance ${si.name}: ${BROKER_ERROR}`);
      });
      break;
    case 'busy':
      state.later(JOB_STEP_MS, () => fail(BROKER_BUSY_ERROR));
      break;
  }
  return job;
}
