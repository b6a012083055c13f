import type { FaultOptions } from './faults.js';
import { normaliseFaults } from './faults.js';
import { BROKER_CREDENTIAL_MODES } from './broker-credentials.js';
import type { BrokerCredentialMode, UnbindBehaviour, UpdateBehaviour } from './model.js';
import { handleTopology } from './operator-topology.js';
import type { RequestCounter } from './request-counter.js';
import type { SimState } from './sim-state.js';
import { computeTruth } from './truth.js';
import type { WriteLog } from './write-log.js';

/** What the operator API needs from the server. */
export interface OperatorHooks {
  state: SimState;
  counter: RequestCounter;
  writes: WriteLog;
  getFaults(): FaultOptions;
  setFaults(faults: FaultOptions): void;
  /** Regenerates state and puts counters, the write log and faults back to their start. */
  reset(): void;
}

/** An operator answer (plain JSON, no CC envelope). */
export interface OperatorResponse {
  status: number;
  body?: unknown;
}

const bad = (message: string, status = 400): OperatorResponse => ({ status, body: { error: message } });

/** `GET /_sim/clock`: the simulator's now and how far it runs ahead of the real clock. */
const clock = (state: SimState): { now: string; offset_seconds: number; landscape: string } => ({
  now: state.now(),
  offset_seconds: state.clockOffset / 1000,
  landscape: state.landscape,
});

/**
 * The `/_sim` operator endpoints (no auth): request counts, the write log, ground truth, reset, faults, scripted
 * brokers and out-of-band changes. Returns null for a path it does not know.
 */
export function handleOperator(
  hooks: OperatorHooks,
  method: string,
  path: string,
  body: unknown,
  search: URLSearchParams,
): OperatorResponse | null {
  const key = `${method} ${path}`;
  if (key === 'GET /_sim/requests') return { status: 200, body: hooks.counter.snapshot() };
  if (key === 'POST /_sim/requests/reset') {
    hooks.counter.reset();
    hooks.writes.clear();
    return { status: 200, body: hooks.counter.snapshot() };
  }
  if (key === 'GET /_sim/writes') {
    const since = search.get('since');
    if (since !== null && !Number.isFinite(Number(since))) return bad('since must be epoch milliseconds');
    return { status: 200, body: hooks.writes.snapshot(since === null ? undefined : Number(since)) };
  }
  if (key === 'GET /_sim/truth') {
    const dev = hooks.state.identities.users.space_developer.guid;
    const spaces = hooks.state.foundation.principalByGuid.get(dev)?.developerSpaceGuids ?? new Set<string>();
    return { status: 200, body: computeTruth(hooks.state.foundation, spaces, hooks.state.landscape) };
  }
  if (key === 'POST /_sim/reset') {
    hooks.reset();
    return { status: 200, body: { reset: true } };
  }
  if (key === 'GET /_sim/faults') return { status: 200, body: hooks.getFaults() };
  if (key === 'PUT /_sim/faults') {
    try {
      hooks.setFaults(normaliseFaults(body ?? {}));
    } catch (error) {
      return bad((error as Error).message);
    }
    return { status: 200, body: hooks.getFaults() };
  }
  const behaviour = /^\/_sim\/bindings\/([^/]+)\/behaviour$/.exec(path);
  if (behaviour && method === 'PUT') {
    const binding = hooks.state.foundation.bindingByGuid.get(decodeURIComponent(behaviour[1]!));
    if (!binding) return bad('binding not found', 404);
    const raw = (body ?? {}) as Record<string, unknown>;
    const unbind = raw.unbind;
    if (unbind !== 'sync' && unbind !== 'async' && unbind !== 'fail' && unbind !== 'busy')
      return bad("unbind must be one of 'sync', 'async', 'fail', 'busy'");
    const seconds = raw.asyncSeconds ?? (unbind === 'async' ? 2 : 0);
    // No upper bound: CC may poll an async unbind for a week (cc-api.md §13).
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
      return bad('asyncSeconds must be a number >= 0');
    const next: UnbindBehaviour = { unbind, asyncSeconds: seconds };
    binding.behaviour = next;
    return { status: 200, body: { binding_guid: binding.guid, ...next } };
  }
  if (key === 'GET /_sim/clock') return { status: 200, body: clock(hooks.state) };
  if (key === 'POST /_sim/clock/advance') {
    const seconds = ((body ?? {}) as Record<string, unknown>).seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
      return bad('seconds must be a number >= 0');
    hooks.state.advanceClock(seconds * 1000);
    return { status: 200, body: clock(hooks.state) };
  }
  const update = /^\/_sim\/service_instances\/([^/]+)\/update-behaviour$/.exec(path);
  if (update && method === 'PUT') {
    const instance = hooks.state.foundation.instanceByGuid.get(decodeURIComponent(update[1]!));
    if (!instance || instance.type !== 'managed') return bad('managed service instance not found', 404);
    const raw = (body ?? {}) as Record<string, unknown>;
    const mode = raw.update;
    if (mode !== 'sync' && mode !== 'async' && mode !== 'fail')
      return bad("update must be one of 'sync', 'async', 'fail'");
    const seconds = raw.asyncSeconds ?? (mode === 'async' ? 2 : 0);
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
      return bad('asyncSeconds must be a number >= 0');
    const next: UpdateBehaviour = { update: mode, asyncSeconds: seconds };
    instance.updateBehaviour = next;
    return { status: 200, body: { instance_guid: instance.guid, ...next } };
  }
  const reuse = /^\/_sim\/service_instances\/([^/]+)\/broker-credentials$/.exec(path);
  if (reuse && method === 'PUT') {
    const instance = hooks.state.foundation.instanceByGuid.get(decodeURIComponent(reuse[1]!));
    if (!instance || instance.type !== 'managed') return bad('managed service instance not found', 404);
    const mode = ((body ?? {}) as Record<string, unknown>).mode;
    if (!BROKER_CREDENTIAL_MODES.includes(mode as BrokerCredentialMode))
      return bad(`mode must be one of ${BROKER_CREDENTIAL_MODES.map((m) => `'${m}'`).join(', ')}`);
    instance.brokerCredentials = mode as BrokerCredentialMode;
    return { status: 200, body: { instance_guid: instance.guid, mode } };
  }
  return handleTopology(hooks.state, method, path, body);
}
