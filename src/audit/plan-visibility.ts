import type { SnapshotPlan } from './snapshot.js';

/**
 * CC's share-time test `ServicePlan#visible_in_space?` (cc-api.md §6): the plan is active and public, or visible
 * to the space's org, or offered by a space-scoped broker registered in that space. `admin` plans are visible to
 * no space.
 */
export function planVisibleInSpace(plan: SnapshotPlan, space: { guid: string; orgGuid: string }): boolean {
  if (!plan.active) return false;
  switch (plan.visibilityType) {
    case 'public':
      return true;
    case 'organization':
      return plan.visibleOrgGuids.includes(space.orgGuid);
    case 'space':
      return plan.spaceGuid === space.guid;
    case 'admin':
      return false;
  }
}
