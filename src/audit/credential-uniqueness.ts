import type { FoundationSnapshot } from './snapshot.js';

/** A binding or key that holds credentials, named for a person: guids and names, never a credential. */
export interface CredentialHolder {
  readonly type: 'app' | 'key';
  readonly guid: string;
  /** The binding's or key's name (app bindings may have none). */
  readonly name: string | null;
  readonly instanceGuid: string;
  /** The app's space for an app binding, the instance's (source) space for a key (cc-api.md §3.1). */
  readonly spaceGuid: string;
  readonly appGuid: string | null;
  readonly appName: string | null;
}

/** App bindings of one place whose credentials are held elsewhere too, and the holders elsewhere. */
export interface ReusedCredentials {
  readonly instanceGuid: string;
  readonly spaceGuid: string;
  /** The app bindings of this instance in this space, by app name then guid. */
  readonly bindings: readonly CredentialHolder[];
  /** The other holders of the same credentials (for key reuse: the keys), by type, space, name, guid. */
  readonly others: readonly CredentialHolder[];
}

/** Where credentials are not unique, per share edge and per place. */
export interface CredentialReuse {
  /**
   * Per share (instance, target space): the target space's app bindings whose credentials a binding or key of
   * another space also holds. Unsharing deletes those bindings, but the credentials keep working (issue 13).
   */
  readonly notUnique: ReadonlyMap<string, ReusedCredentials>;
  /** Per (instance, space of the binding): app bindings that carry a service key's credentials. */
  readonly keyInBinding: ReadonlyMap<string, ReusedCredentials>;
}

/** The key of {@link CredentialReuse} maps. */
export const placeKey = (instanceGuid: string, spaceGuid: string): string => `${instanceGuid} ${spaceGuid}`;

/**
 * Groups binding guids by equal fingerprint, keeping groups of two or more (each sorted; groups sorted by their
 * first guid). The fingerprints stay with the caller: the groups carry guids only.
 */
export function groupSameCredentials(fingerprints: ReadonlyMap<string, string>): string[][] {
  const byPrint = new Map<string, string[]>();
  for (const [guid, print] of fingerprints) {
    const group = byPrint.get(print);
    if (group) group.push(guid);
    else byPrint.set(print, [guid]);
  }
  return [...byPrint.values()]
    .filter((group) => group.length > 1)
    .map((group) => group.sort())
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/**
 * Reads a snapshot's comparison: which target-space bindings share credentials with another space, and which
 * bindings carry a key's credentials. Empty when credentials were not compared. Pure.
 */
export function credentialReuse(
  snapshot: Pick<FoundationSnapshot, 'appBindings' | 'keys' | 'sharedInstances' | 'shares' | 'credentials'>,
): CredentialReuse {
  const notUnique = new Map<string, ReusedCredentials>();
  const keyInBinding = new Map<string, ReusedCredentials>();
  const groups = snapshot.credentials?.sameCredentials ?? [];
  if (groups.length === 0) return { notUnique, keyInBinding };

  const sourceSpace = new Map(snapshot.sharedInstances.map((instance) => [instance.guid, instance.spaceGuid]));
  const targets = new Set(snapshot.shares.map((share) => placeKey(share.instanceGuid, share.targetSpaceGuid)));
  const holders = new Map<string, CredentialHolder>();
  for (const b of snapshot.appBindings)
    holders.set(b.guid, {
      type: 'app',
      guid: b.guid,
      name: b.name ?? null,
      instanceGuid: b.instanceGuid,
      spaceGuid: b.appSpaceGuid,
      appGuid: b.appGuid,
      appName: b.appName,
    });
  for (const k of snapshot.keys)
    holders.set(k.guid, {
      type: 'key',
      guid: k.guid,
      name: k.name,
      instanceGuid: k.instanceGuid,
      spaceGuid: sourceSpace.get(k.instanceGuid) ?? '',
      appGuid: null,
      appName: null,
    });

  // Accumulate per place, then sort once: the same snapshot always gives the same lists.
  const add = (
    into: Map<string, { bindings: Map<string, CredentialHolder>; others: Map<string, CredentialHolder> }>,
    binding: CredentialHolder,
    others: readonly CredentialHolder[],
  ): void => {
    const at = placeKey(binding.instanceGuid, binding.spaceGuid);
    let entry = into.get(at);
    if (!entry) into.set(at, (entry = { bindings: new Map(), others: new Map() }));
    entry.bindings.set(binding.guid, binding);
    for (const other of others) entry.others.set(other.guid, other);
  };
  const notUniqueAcc = new Map<
    string,
    { bindings: Map<string, CredentialHolder>; others: Map<string, CredentialHolder> }
  >();
  const keyAcc = new Map<string, { bindings: Map<string, CredentialHolder>; others: Map<string, CredentialHolder> }>();
  for (const group of groups) {
    const members = group.map((guid) => holders.get(guid)).filter((h): h is CredentialHolder => h !== undefined);
    const keys = members.filter((m) => m.type === 'key');
    for (const binding of members) {
      if (binding.type !== 'app') continue;
      if (keys.length > 0) add(keyAcc, binding, keys);
      const elsewhere = members.filter((m) => m.spaceGuid !== binding.spaceGuid);
      if (elsewhere.length > 0 && targets.has(placeKey(binding.instanceGuid, binding.spaceGuid)))
        add(notUniqueAcc, binding, elsewhere);
    }
  }
  const finish = (
    acc: Map<string, { bindings: Map<string, CredentialHolder>; others: Map<string, CredentialHolder> }>,
    into: Map<string, ReusedCredentials>,
  ): void => {
    for (const [at, entry] of [...acc].sort(([a], [b]) => a.localeCompare(b))) {
      const [instanceGuid, spaceGuid] = at.split(' ') as [string, string];
      into.set(at, {
        instanceGuid,
        spaceGuid,
        bindings: [...entry.bindings.values()].sort(byName),
        others: [...entry.others.values()].sort(
          (a, b) => a.type.localeCompare(b.type) || a.spaceGuid.localeCompare(b.spaceGuid) || byName(a, b),
        ),
      });
    }
  };
  finish(notUniqueAcc, notUnique);
  finish(keyAcc, keyInBinding);
  return { notUnique, keyInBinding };
}

function byName(a: CredentialHolder, b: CredentialHolder): number {
  return (a.appName ?? a.name ?? '').localeCompare(b.appName ?? b.name ?? '') || a.guid.localeCompare(b.guid);
}

/** Distinct apps among holders (an app can hold two bindings of one instance only across instances). */
export function distinctApps(holders: readonly CredentialHolder[]): number {
  return new Set(holders.filter((h) => h.appGuid !== null).map((h) => h.appGuid)).size;
}
