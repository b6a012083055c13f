import type { Foundation } from './foundation.js';
import type { ScriptedBindings } from './generate-identities.js';
import type { Instance, UnbindBehaviour } from './model.js';
import type { Knobs } from './options.js';
import type { Prng } from './prng.js';
import { stamp, succeeded } from './timestamps.js';

/**
 * App bindings (35% in target spaces of shares), keys (half on shared instances), and the scripted brokers of the
 * first four app bindings in target spaces, each on a different share edge.
 */
export function generateBindings(f: Foundation, knobs: Knobs, ids: Prng, rng: Prng): ScriptedBindings {
  const edges: Array<[Instance, string]> = [];
  for (const instance of f.instances) for (const target of instance.sharedSpaceGuids) edges.push([instance, target]);
  // Numeric pair keys: one app binds an instance at most once, and string keys cost seconds at 200k bindings.
  const seen = new Set<number>();
  const sync: UnbindBehaviour = { unbind: 'sync', asyncSeconds: 0 };
  let made = 0;
  for (let attempt = 0; made < knobs.bindings && attempt < knobs.bindings * 3 && f.instances.length > 0; attempt++) {
    let instance: Instance;
    let spaceGuid: string;
    if (edges.length > 0 && rng.chance(0.35)) {
      [instance, spaceGuid] = rng.pick(edges);
    } else {
      instance = rng.pick(f.instances);
      spaceGuid = instance.spaceGuid;
    }
    const apps = f.appsBySpace.get(spaceGuid);
    if (!apps || apps.length === 0) continue;
    const app = rng.pick(apps);
    const key = app.index * (f.instances.length + 1) + instance.index;
    if (seen.has(key)) continue;
    seen.add(key);
    const at = stamp(2_000_000 + made * 3);
    f.addBinding({
      guid: ids.guid(),
      name: rng.chance(0.5) ? null : `binding-${made + 1}`,
      type: 'app',
      instanceGuid: instance.guid,
      appGuid: app.guid,
      createdAt: at,
      lastOperation: succeeded(at),
      behaviour: sync,
    });
    made++;
  }
  // Keys: half on shared instances (they survive unsharing), half anywhere.
  const shared = f.instances.filter((i) => i.sharedSpaceGuids.length > 0);
  for (let k = 0; k < knobs.keys && f.instances.length > 0; k++) {
    const instance = shared.length > 0 && (k === 0 || rng.chance(0.5)) ? rng.pick(shared) : rng.pick(f.instances);
    const at = stamp(3_000_000 + k * 3);
    f.addBinding({
      guid: ids.guid(),
      name: `key-${k + 1}`,
      type: 'key',
      instanceGuid: instance.guid,
      appGuid: null,
      createdAt: at,
      lastOperation: succeeded(at),
      behaviour: sync,
    });
  }
  // A deterministic few app bindings in target spaces get scripted brokers, each on a different share edge.
  const plan: UnbindBehaviour[] = [
    { unbind: 'async', asyncSeconds: 2 },
    { unbind: 'fail', asyncSeconds: 0 },
    { unbind: 'busy', asyncSeconds: 0 },
    { unbind: 'async', asyncSeconds: 5 },
  ];
  const scripted: ScriptedBindings = [];
  const usedEdges = new Set<string>();
  for (const binding of f.bindings) {
    if (scripted.length >= plan.length) break;
    if (binding.type !== 'app' || !binding.appGuid) continue;
    const instance = f.instanceByGuid.get(binding.instanceGuid)!;
    const space = f.appByGuid.get(binding.appGuid)!.spaceGuid;
    const edge = `${instance.guid}|${space}`;
    if (!instance.sharedSpaceGuids.includes(space) || usedEdges.has(edge)) continue;
    usedEdges.add(edge);
    binding.behaviour = { ...plan[scripted.length]! };
    scripted.push({ bindingGuid: binding.guid, ...binding.behaviour });
  }
  return scripted;
}
