import type { Actor } from './actor.js';
import type { SimState } from './sim-state.js';

/** Appends an audit event for a write, with the caller as actor and the space's org. */
export function recordEvent(
  state: SimState,
  actor: Actor | null,
  type: string,
  target: { guid: string; type: string; name: string },
  spaceGuid: string | null,
  data: Record<string, unknown> = {},
): void {
  const f = state.foundation;
  const org = spaceGuid ? (f.spaceByGuid.get(spaceGuid)?.orgGuid ?? null) : null;
  f.addEvent({
    guid: state.newGuid(),
    createdAt: state.now(),
    type,
    actor: actor
      ? { guid: actor.guid, type: 'user', name: actor.principal.username }
      : { guid: 'system', type: 'system', name: 'system' },
    target,
    data,
    spaceGuid,
    orgGuid: org,
  });
}
