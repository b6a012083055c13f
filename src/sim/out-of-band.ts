import type { Foundation } from './foundation.js';

/** What an out-of-band delete removed. */
export interface Removed {
  instances: number;
  shares: number;
  bindings: number;
  apps: number;
}

const bindingCount = (f: Foundation): number => f.bindingByGuid.size;

/**
 * Deletes an instance as if someone deleted it behind the auditor's back (another operator, a broker purge): its
 * shares and bindings go with it, and no audit event is written. Null when there is no such instance.
 */
export function deleteInstanceOutOfBand(f: Foundation, guid: string): Removed | null {
  const si = f.instanceByGuid.get(guid);
  if (!si) return null;
  const before = bindingCount(f);
  const shares = si.sharedSpaceGuids.length;
  f.removeInstance(si);
  return { instances: 1, shares, bindings: before - bindingCount(f), apps: 0 };
}

/**
 * Deletes a space the way a recursive space delete leaves things: instances it owns go (with their shares and
 * bindings), instances shared into it lose that share, its apps and their bindings go, and it drops out of roles
 * and security groups. Null when there is no such space.
 */
export function deleteSpaceOutOfBand(f: Foundation, guid: string): Removed | null {
  const space = f.spaceByGuid.get(guid);
  if (!space) return null;
  const before = bindingCount(f);
  let shares = 0;
  const owned = [...(f.instancesBySpace.get(guid) ?? [])];
  for (const si of owned) {
    shares += si.sharedSpaceGuids.length;
    f.removeInstance(si);
  }
  for (const si of [...(f.sharedInto.get(guid) ?? [])]) {
    f.unshare(si, guid);
    shares++;
  }
  const apps = [...(f.appsBySpace.get(guid) ?? [])];
  f.removeApps(apps);
  f.removeSpace(space);
  return { instances: owned.length, shares, bindings: before - bindingCount(f), apps: apps.length };
}
