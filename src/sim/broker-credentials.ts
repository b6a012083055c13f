import type { Foundation } from './foundation.js';
import type { Binding, BrokerCredentialMode, Instance } from './model.js';

/**
 * The credentials a managed instance's broker gave a binding or key, as `GET .../details` answers them. A `unique`
 * broker derives them from the binding; `per-instance` from the instance (every app binding alike); `first-key`
 * hands app bindings the credentials of the instance's first key. Keys always get their own.
 */
export function brokerCredentials(f: Foundation, binding: Binding): Record<string, unknown> {
  const si = f.instanceByGuid.get(binding.instanceGuid)!;
  const offering = f.offeringByGuid.get(f.planByGuid.get(si.planGuid!)!.offeringGuid)!;
  const owner = credentialOwnerGuid(f, si, binding);
  const username = `u${owner.slice(0, 8)}`;
  const password = `p${owner.slice(-12)}`;
  return {
    [offering.hostKey]: offering.host,
    port: offering.port,
    name: `db_${si.guid.slice(0, 8)}`,
    username,
    password,
    uri: `${offering.scheme}://${username}:${password}@${offering.host}:${offering.port}/${si.guid.slice(0, 8)}`,
  };
}

/** The guid the credentials are derived from: the binding's own, the instance's, or its first key's. */
function credentialOwnerGuid(f: Foundation, si: Instance, binding: Binding): string {
  if (binding.type === 'key') return binding.guid;
  const mode: BrokerCredentialMode = si.brokerCredentials ?? 'unique';
  if (mode === 'per-instance') return si.guid;
  if (mode === 'first-key') return firstKey(f, si)?.guid ?? binding.guid;
  return binding.guid;
}

function firstKey(f: Foundation, si: Instance): Binding | undefined {
  return (f.bindingsByInstance.get(si.guid) ?? []).find((b) => b.type === 'key');
}

/** Whether CC holds credentials for the binding: not while its creation is still running or after it failed. */
export function hasCredentials(binding: Binding): boolean {
  return !(binding.lastOperation.type === 'create' && binding.lastOperation.state !== 'succeeded');
}

/**
 * Gives one shared instance a broker that reuses credentials across app bindings, and another one whose app bindings
 * carry a key's credentials, so that the default seed and the demo hold one case of each (issue 13). Chosen by
 * index, not drawn: no random number is consumed, so every other part of a seeded foundation stays as it was.
 * `per-instance` goes to a shared instance with app bindings in a target space and in another space; `first-key` to
 * another one with a key and an app binding in a target space; of each kind the one shared into the fewest spaces
 * (then the first), so that the case reads as one share rather than the hub instance's dozens.
 */
export function assignCredentialReuse(f: Foundation): void {
  const spaceOf = (b: Binding): string | undefined => f.bindingSpaceGuid(b);
  let perInstance: Instance | undefined;
  let keyReuse: Instance | undefined;
  const fewer = (a: Instance | undefined, b: Instance): boolean =>
    a === undefined || b.sharedSpaceGuids.length < a.sharedSpaceGuids.length;
  const candidates: Array<{ si: Instance; spread: boolean; keyed: boolean }> = [];
  for (const si of f.instances) {
    if (si.type !== 'managed' || si.sharedSpaceGuids.length === 0) continue;
    const bindings = f.bindingsByInstance.get(si.guid) ?? [];
    const apps = bindings.filter((b) => b.type === 'app');
    const inTarget = apps.filter((b) => si.sharedSpaceGuids.includes(spaceOf(b) ?? ''));
    if (inTarget.length === 0) continue;
    const spread = inTarget.some((t) => apps.some((o) => spaceOf(o) !== spaceOf(t)));
    const keyed = bindings.some((b) => b.type === 'key');
    candidates.push({ si, spread, keyed });
    if (spread && fewer(perInstance, si)) perInstance = si;
  }
  for (const { si, keyed } of candidates) if (keyed && si !== perInstance && fewer(keyReuse, si)) keyReuse = si;
  if (perInstance) perInstance.brokerCredentials = 'per-instance';
  if (keyReuse) keyReuse.brokerCredentials = 'first-key';
}

/** `PUT /_sim/service_instances/:guid/broker-credentials` body values. */
export const BROKER_CREDENTIAL_MODES: readonly BrokerCredentialMode[] = ['unique', 'per-instance', 'first-key'];
