import { CATALOG, SPACE_WORDS } from './catalog.js';
import { DEFAULT_FLAGS } from './feature-flag-defaults.js';
import { Foundation } from './foundation.js';
import { generateBindings } from './generate-bindings.js';
import { generateBrokerShares } from './generate-broker-shares.js';
import { assignCredentialReuse } from './broker-credentials.js';
import {
  generateIdentities,
  generateShareEvents,
  type GeneratedIdentities,
  type ScriptedBindings,
} from './generate-identities.js';
import { instanceLabels } from './generate-labels.js';
import { generateSecurityGroups } from './generate-security-groups.js';
import type { Instance, Plan, Space } from './model.js';
import type { Knobs } from './options.js';
import { Prng } from './prng.js';
import { stamp, succeeded } from './timestamps.js';

export type { GeneratedIdentities, ScriptedBindings } from './generate-identities.js';

/** A generated foundation and the identities that go with it. */
export interface Generated {
  foundation: Foundation;
  identities: GeneratedIdentities;
  scripted: ScriptedBindings;
}

/**
 * Builds a whole foundation from the knobs (`landscape` is the simulator's own region, for broker-level shares). Deterministic: every random choice comes from a {@link Prng} stream
 * seeded by `knobs.seed`. Linear in the sizes (100k instances / 10k spaces / 200k bindings in about a second).
 */
export function generateFoundation(knobs: Knobs, landscape = 'cf-eu10'): Generated {
  const f = new Foundation();
  const ids = new Prng(knobs.seed, 'guids');
  const rng = new Prng(knobs.seed, 'shape');

  // Organizations and spaces, spread round-robin so every org gets spaces.
  for (let i = 0; i < knobs.orgs; i++) {
    f.addOrg({ guid: ids.guid(), name: `org-${String(i + 1).padStart(3, '0')}`, index: i, createdAt: stamp(i) });
  }
  for (let i = 0; i < knobs.spaces; i++) {
    const org = f.orgs[i % knobs.orgs]!;
    const word = SPACE_WORDS[i % SPACE_WORDS.length]!;
    f.addSpace({
      guid: ids.guid(),
      name: `${word}-${String(i + 1).padStart(4, '0')}`,
      orgGuid: org.guid,
      index: i,
      createdAt: stamp(100 + i),
    });
  }

  // Marketplace: per offering a public plan and an org-restricted plan; the first offering also has an inactive
  // public plan and an admin-only plan.
  const brokerGuid = ids.guid();
  const half = Math.max(1, Math.ceil(knobs.orgs / 2));
  CATALOG.forEach((entry, i) => {
    const offeringGuid = ids.guid();
    f.addOffering({
      guid: offeringGuid,
      name: entry.name,
      description: entry.description,
      tags: entry.tags,
      brokerGuid,
      brokerName: 'sim-broker',
      catalogId: ids.guid(),
      shareable: entry.shareable,
      host: entry.host,
      port: entry.port,
      hostKey: entry.hostKey,
      scheme: entry.scheme,
      hasDashboard: entry.hasDashboard,
      index: i,
      createdAt: stamp(50 + i),
    });
    const plan = (name: string, visibilityType: Plan['visibilityType'], active: boolean, orgs: string[] = []): void => {
      f.addPlan({
        guid: ids.guid(),
        name,
        offeringGuid,
        visibilityType,
        visibleOrgGuids: new Set(orgs),
        spaceGuid: null,
        active,
        free: name === 'small',
        catalogId: ids.guid(),
        index: f.plans.length,
        createdAt: stamp(60 + f.plans.length),
      });
    };
    plan('small', 'public', true);
    // Visible to the first half of the orgs only: shares into the other orgs are "plan no longer visible".
    plan(
      'large',
      'organization',
      true,
      f.orgs.slice(0, half).map((o) => o.guid),
    );
    if (i === 0) {
      plan('legacy', 'public', false);
      plan('internal', 'admin', true);
    }
  });

  // Apps: one per space first, the rest at random.
  for (let i = 0; i < knobs.apps; i++) {
    const space = i < knobs.spaces ? f.spaces[i]! : rng.pick(f.spaces);
    f.addApp({ guid: ids.guid(), name: `app-${i + 1}`, spaceGuid: space.guid, index: i, createdAt: stamp(1000 + i) });
  }

  generateInstances(f, knobs, ids, rng);
  generateShares(f, knobs, rng);
  const scripted = generateBindings(f, knobs, ids, rng);
  assignCredentialReuse(f);
  generateSecurityGroups(f, knobs, ids, rng);

  for (const [name, enabled] of Object.entries(DEFAULT_FLAGS)) {
    f.featureFlags.set(name, { name, enabled, updatedAt: null, customErrorMessage: null });
  }
  // The generated foundation has sharing switched on, as a foundation needing an audit would.
  f.featureFlags.set('service_instance_sharing', {
    name: 'service_instance_sharing',
    enabled: true,
    updatedAt: stamp(90),
    customErrorMessage: null,
  });

  const identities = generateIdentities(f, ids, rng);
  generateShareEvents(f, ids, identities.users.admin);
  // Last, from streams of its own: the rest of the foundation stays as it was before broker-level shares existed.
  generateBrokerShares(f, knobs.seed, landscape);
  return { foundation: f, identities, scripted };
}

function generateInstances(f: Foundation, knobs: Knobs, ids: Prng, rng: Prng): void {
  const offeringIndex = (name: string): number => CATALOG.findIndex((c) => c.name === name);
  // The first instances are fixed scenarios so every seed has them: a dashboard hub, a no-longer-shareable
  // offering, an org-restricted plan, a redis instance.
  const forced: Array<[number, string]> = [
    [offeringIndex('p.mysql'), 'small'],
    [offeringIndex('postgres-legacy'), 'small'],
    [offeringIndex('p.rabbitmq'), 'large'],
    [offeringIndex('p.redis'), 'small'],
  ];
  const visibleOrgs = new Set(f.plans.find((p) => p.visibilityType === 'organization')?.visibleOrgGuids ?? []);
  const visibleSpaces = f.spaces.filter((s) => visibleOrgs.has(s.orgGuid));
  const plansByOffering = new Map(
    f.offerings.map((o) => [o.guid, f.plans.filter((p) => p.offeringGuid === o.guid && p.visibilityType !== 'admin')]),
  );
  for (let i = 0; i < knobs.instances; i++) {
    const createdAt = stamp(10_000 + i * 7);
    const scenario = forced[i];
    const managed = scenario !== undefined || !rng.chance(knobs.userProvidedRatio);
    let space = rng.pick(f.spaces);
    const guid = ids.guid();
    if (!managed) {
      f.addInstance({
        guid,
        name: `ups-${i + 1}`,
        type: 'user-provided',
        spaceGuid: space.guid,
        planGuid: null,
        dashboardUrl: null,
        tags: ['ups'],
        credentials: {
          uri: `https://legacy-api.example.org:8443/${i + 1}`,
          username: `svc-${i + 1}`,
          password: 'ups-secret',
        },
        syslogDrainUrl: i % 3 === 0 ? `syslog-tls://logs.example.org:6514` : '',
        routeServiceUrl: '',
        sharedSpaceGuids: [],
        labels: instanceLabels(i),
        index: i,
        createdAt,
        lastOperation: succeeded(createdAt),
      });
      continue;
    }
    const offering = scenario ? f.offerings[scenario[0]]! : rng.pick(f.offerings);
    const plans = plansByOffering.get(offering.guid)!;
    let plan = scenario ? plans.find((p) => p.name === scenario[1])! : rng.pick(plans);
    // An org-restricted plan was visible where the instance was created.
    if (plan.visibilityType === 'organization' && !plan.visibleOrgGuids.has(space.orgGuid)) {
      space = visibleSpaces.length > 0 ? visibleSpaces[rng.int(visibleSpaces.length)]! : space;
      if (!plan.visibleOrgGuids.has(space.orgGuid)) plan = plans.find((p) => p.visibilityType === 'public')!;
    }
    f.addInstance({
      guid,
      name: `${offering.name.replace(/^p\./, '')}-${i + 1}`,
      type: 'managed',
      spaceGuid: space.guid,
      planGuid: plan.guid,
      dashboardUrl: offering.hasDashboard ? `https://dashboard.sys.example.org/${offering.name}/${guid}` : null,
      tags: [],
      credentials: null,
      syslogDrainUrl: '',
      routeServiceUrl: '',
      sharedSpaceGuids: [],
      labels: instanceLabels(i),
      index: i,
      createdAt,
      lastOperation: succeeded(createdAt),
    });
  }
}

function generateShares(f: Foundation, knobs: Knobs, rng: Prng): void {
  if (f.spaces.length < 2) return;
  const managed = f.instances.filter((i) => i.type === 'managed');
  const hubTargets = Math.min(f.spaces.length - 1, Math.max(12, knobs.maxSharesPerInstance * 3));
  managed.forEach((instance, n) => {
    const forced = n < 4;
    if (!forced && !rng.chance(knobs.sharedRatio)) return;
    const source = f.spaceByGuid.get(instance.spaceGuid)!;
    const sameOrg = f.spacesByOrg.get(source.orgGuid)!.filter((s) => s.guid !== source.guid);
    const otherOrg = (): Space => rng.pick(f.spaces);
    const count = n === 0 ? hubTargets : 1 + Math.floor(rng.next() ** 3 * knobs.maxSharesPerInstance);
    const targets = new Set<string>();
    // Forced scenario 2 (org-restricted plan) and 3 must cross orgs; the rest mix same-org and any-org targets.
    const crossOnly = (n === 2 || n === 3) && f.orgs.length > 1;
    for (let attempt = 0; targets.size < count && attempt < count * 4; attempt++) {
      let target: Space;
      if (crossOnly) {
        const others = f.spaces.filter(
          (s) => s.orgGuid !== source.orgGuid && (n !== 2 || !planOf(f, instance)?.visibleOrgGuids.has(s.orgGuid)),
        );
        if (others.length === 0) break;
        target = rng.pick(others);
      } else {
        target = sameOrg.length > 0 && rng.chance(0.5) ? rng.pick(sameOrg) : otherOrg();
      }
      if (target.guid !== source.guid) targets.add(target.guid);
    }
    for (const target of targets) f.share(instance, target);
  });
}

function planOf(f: Foundation, instance: Instance): Plan | undefined {
  return instance.planGuid ? f.planByGuid.get(instance.planGuid) : undefined;
}
