import { randomUUID } from 'node:crypto';
import type { Foundation } from './foundation.js';
import { succeeded } from './timestamps.js';

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

/** CC's timestamp format (no milliseconds) for records made now. */
const nowStamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Pushes an app named `appName` to a space and binds it to an instance, as a developer might between an admin's
 * plan and its run: the app and an app binding appear, no audit event is written. An error text when the instance
 * or space is unknown.
 */
export function bindAppOutOfBand(
  f: Foundation,
  instanceGuid: string,
  spaceGuid: string,
  appName: string,
): { app_guid: string; binding_guid: string } | string {
  const instance = f.instanceByGuid.get(instanceGuid);
  if (!instance) return 'service instance not found';
  if (!f.spaceByGuid.has(spaceGuid)) return 'space not found';
  const at = nowStamp();
  const app = { guid: randomUUID(), name: appName, spaceGuid, index: f.apps.length, createdAt: at };
  f.addApp(app);
  const binding = f.addBinding({
    guid: randomUUID(),
    name: null,
    type: 'app',
    instanceGuid,
    appGuid: app.guid,
    createdAt: at,
    lastOperation: succeeded(at),
    behaviour: { unbind: 'sync', asyncSeconds: 0 },
  });
  return { app_guid: app.guid, binding_guid: binding.guid };
}

/**
 * Shares an instance into a space behind the auditor's back (no feature flag, no validation, no audit event): a
 * share that appears after a plan was made. An error text when the instance or space is unknown, or the space is
 * the instance's own.
 */
export function shareOutOfBand(f: Foundation, instanceGuid: string, spaceGuid: string): string | null {
  const instance = f.instanceByGuid.get(instanceGuid);
  if (!instance) return 'service instance not found';
  if (!f.spaceByGuid.has(spaceGuid)) return 'space not found';
  if (instance.spaceGuid === spaceGuid) return 'an instance cannot be shared into its own space';
  f.share(instance, spaceGuid);
  return null;
}
