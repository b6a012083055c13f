import type { Foundation } from './foundation.js';
import type { UnbindBehaviour } from './model.js';
import type { Prng } from './prng.js';
import { stamp } from './timestamps.js';

/** Identities the simulator accepts, generated with the foundation so their guids are stable too. */
export interface GeneratedIdentities {
  adminClient: { clientId: string; clientSecret: string };
  users: Record<
    'admin' | 'admin_read_only' | 'global_auditor' | 'space_developer',
    { guid: string; username: string; password: string }
  >;
}

/** Binding guids given a scripted unbind behaviour at generation time. */
export type ScriptedBindings = Array<{ bindingGuid: string } & UnbindBehaviour>;

/** Users per role and the admin client; the space developer's spaces are chosen to exercise role checks. */
export function generateIdentities(f: Foundation, ids: Prng, rng: Prng): GeneratedIdentities {
  const secret = (): string => `s${rng.uint32().toString(36)}${rng.uint32().toString(36)}`;
  const base = ['openid', 'uaa.user', 'scim.read'];
  const mk = (
    username: string,
    scopes: string[],
    developerSpaces: string[] = [],
  ): { guid: string; username: string; password: string } => {
    const principal = {
      guid: ids.guid(),
      username,
      password: secret(),
      scopes,
      developerSpaceGuids: new Set(developerSpaces),
    };
    f.addPrincipal(principal);
    return { guid: principal.guid, username, password: principal.password };
  };
  // The space developer works in the source space of the hub instance (so it may unshare it, and sees target
  // spaces it cannot read without names) and in a target space of another instance it does not own (so it can
  // read that instance but gets 403 on unshare).
  const developerSpaces: string[] = [];
  const hub = f.instances.find((i) => i.sharedSpaceGuids.length > 0);
  if (hub) {
    developerSpaces.push(hub.spaceGuid);
    const other = f.instances.find(
      (i) =>
        i !== hub &&
        i.spaceGuid !== hub.spaceGuid &&
        i.sharedSpaceGuids.some((s) => s !== hub.spaceGuid && !hub.sharedSpaceGuids.includes(s)),
    );
    const target = other?.sharedSpaceGuids.find((s) => s !== hub.spaceGuid && !hub.sharedSpaceGuids.includes(s));
    if (target) developerSpaces.push(target);
  } else if (f.spaces[0]) {
    developerSpaces.push(f.spaces[0].guid);
  }
  const users = {
    admin: mk('admin', [...base, 'cloud_controller.admin', 'cloud_controller.read', 'cloud_controller.write']),
    admin_read_only: mk('admin-read-only', [...base, 'cloud_controller.admin_read_only']),
    global_auditor: mk('global-auditor', [...base, 'cloud_controller.global_auditor']),
    space_developer: mk(
      'space-developer',
      [...base, 'cloud_controller.read', 'cloud_controller.write'],
      developerSpaces,
    ),
  };
  // The admin client's user guid is its client_id, as CC does for client-credentials tokens (cc-api.md §10).
  const clientSecret = secret();
  f.addPrincipal({
    guid: 'cf-shares-admin',
    username: 'cf-shares-admin',
    password: clientSecret,
    scopes: ['cloud_controller.admin', 'uaa.none'],
    developerSpaceGuids: new Set(),
  });
  return { adminClient: { clientId: 'cf-shares-admin', clientSecret }, users };
}

/** One `audit.service_instance.share` event per generated shared instance. */
export function generateShareEvents(f: Foundation, ids: Prng, admin: { guid: string; username: string }): void {
  let n = 0;
  for (const instance of f.instances) {
    if (instance.sharedSpaceGuids.length === 0) continue;
    const space = f.spaceByGuid.get(instance.spaceGuid)!;
    f.addEvent({
      guid: ids.guid(),
      createdAt: stamp(1_000_000 + n++),
      type: 'audit.service_instance.share',
      actor: { guid: admin.guid, type: 'user', name: admin.username },
      target: { guid: instance.guid, type: 'service_instance', name: instance.name },
      data: { target_space_guids: [...instance.sharedSpaceGuids] },
      spaceGuid: space.guid,
      orgGuid: space.orgGuid,
    });
  }
}
