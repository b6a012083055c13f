import type { FoundationSnapshot } from './snapshot.js';

/** One app binding of a shared instance, as the snapshot holds it. */
export type SnapshotAppBinding = FoundationSnapshot['appBindings'][number];

/** The app bindings of shared instances by instance and the space their app runs in, in snapshot order. */
export interface BindingsByPlace {
  /** The bindings of one instance in one space (empty when there are none). */
  at(instanceGuid: string, spaceGuid: string): readonly SnapshotAppBinding[];
}

/**
 * Groups the app bindings by (instance, app space): which apps of a share's target space use the instance, and so
 * what unsharing it would delete (cc-api.md §1.2). Findings, the report and the campaign plan all read it.
 */
export function bindingsByPlace(snapshot: Pick<FoundationSnapshot, 'appBindings'>): BindingsByPlace {
  const byPlace = new Map<string, SnapshotAppBinding[]>();
  const key = (instanceGuid: string, spaceGuid: string): string => `${instanceGuid} ${spaceGuid}`;
  for (const binding of snapshot.appBindings) {
    const place = key(binding.instanceGuid, binding.appSpaceGuid);
    const list = byPlace.get(place);
    if (list) list.push(binding);
    else byPlace.set(place, [binding]);
  }
  return { at: (instanceGuid, spaceGuid) => byPlace.get(key(instanceGuid, spaceGuid)) ?? [] };
}
