import { CATALOG, DNS_RULES, EXTRA_RULE_SETS, PUBLIC_NETWORK_RULES } from './catalog.js';
import type { Foundation } from './foundation.js';
import type { Knobs } from './options.js';
import type { Prng } from './prng.js';
import { stamp } from './timestamps.js';

/**
 * Running ASGs: the globally enabled defaults, one group per offering bound to its instances' spaces and about half
 * of their target spaces (sharing never updates ASGs: the other targets cannot reach the service), and "team"
 * groups with near misses.
 */
export function generateSecurityGroups(f: Foundation, knobs: Knobs, ids: Prng, rng: Prng): void {
  let index = 0;
  const add = (
    name: string,
    rules: typeof DNS_RULES,
    running: boolean,
    staging: boolean,
    runningSpaces: Iterable<string>,
    stagingSpaces: Iterable<string>,
  ): void => {
    f.addSecurityGroup({
      guid: ids.guid(),
      name,
      globallyRunning: running,
      globallyStaging: staging,
      rules: rules.map((r) => ({ ...r })),
      runningSpaceGuids: new Set(runningSpaces),
      stagingSpaceGuids: new Set(stagingSpaces),
      index,
      createdAt: stamp(20 + index),
    });
    index++;
  };
  add('public_networks', PUBLIC_NETWORK_RULES, true, true, [], []);
  add('dns', DNS_RULES, true, true, [], []);
  // Per offering: bound to every space that owns an instance of it, and to about half of the spaces it is shared
  // into, so the other half of the target spaces cannot reach the service (sharing never updates ASGs).
  CATALOG.forEach((entry, i) => {
    const offering = f.offerings[i]!;
    const running = new Set<string>();
    for (const instance of f.instances) {
      if (instance.planGuid === null || f.planByGuid.get(instance.planGuid)?.offeringGuid !== offering.guid) continue;
      running.add(instance.spaceGuid);
      for (const target of instance.sharedSpaceGuids) if (rng.chance(0.5)) running.add(target);
    }
    add(`svc-${entry.name.replace(/^p\./, '')}`, [entry.rule], false, false, running, []);
  });
  for (let extra = 0; index < knobs.securityGroups; extra++) {
    const rules = EXTRA_RULE_SETS[extra % EXTRA_RULE_SETS.length]!;
    const spaces = new Set<string>();
    const n = Math.min(f.spaces.length, 1 + rng.int(3));
    for (let s = 0; s < n; s++) spaces.add(rng.pick(f.spaces).guid);
    add(`team-${extra + 1}`, rules, false, false, spaces, extra % 2 === 0 ? spaces : []);
  }
}
