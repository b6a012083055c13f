import type {
  App,
  AuditEvent,
  Binding,
  FeatureFlag,
  Instance,
  Job,
  Offering,
  Org,
  Plan,
  Principal,
  SecurityGroup,
  Space,
} from './model.js';

/**
 * The simulator's whole state with the indexes that let a 5000-item page be built without scanning everything:
 * instances by owning space and by share target, bindings by instance and by app.
 */
export class Foundation {
  readonly orgs: Org[] = [];
  readonly spaces: Space[] = [];
  readonly offerings: Offering[] = [];
  readonly plans: Plan[] = [];
  readonly instances: Instance[] = [];
  readonly apps: App[] = [];
  private allBindings: Binding[] = [];
  private bindingsDirty = false;
  readonly securityGroups: SecurityGroup[] = [];
  readonly featureFlags = new Map<string, FeatureFlag>();
  readonly auditEvents: AuditEvent[] = [];
  readonly jobs = new Map<string, Job>();
  readonly principals: Principal[] = [];

  readonly orgByGuid = new Map<string, Org>();
  readonly spaceByGuid = new Map<string, Space>();
  readonly spacesByOrg = new Map<string, Space[]>();
  readonly offeringByGuid = new Map<string, Offering>();
  readonly planByGuid = new Map<string, Plan>();
  readonly instanceByGuid = new Map<string, Instance>();
  readonly instancesBySpace = new Map<string, Instance[]>();
  /** Target space guid -> instances shared into it. */
  readonly sharedInto = new Map<string, Set<Instance>>();
  readonly appByGuid = new Map<string, App>();
  readonly appsBySpace = new Map<string, App[]>();
  readonly bindingByGuid = new Map<string, Binding>();
  readonly bindingsByInstance = new Map<string, Binding[]>();
  readonly securityGroupByGuid = new Map<string, SecurityGroup>();
  readonly principalByGuid = new Map<string, Principal>();
  /** Spaces marked "being deleted" by the operator (`PUT /_sim/spaces/:guid/deleting`). */
  readonly deletingSpaceGuids = new Set<string>();
  private nextBindingIndex = 0;
  private nextEventIndex = 0;
  private nextInstanceIndex = 0;

  /**
   * Bindings ordered by `created_at` (= index), the default order of credential bindings (cc-api.md §3.1).
   * Deletions only drop the guid from the index; the array is compacted on the next read, so a campaign deleting
   * thousands of bindings costs one pass per listing instead of one pass per deletion.
   */
  get bindings(): Binding[] {
    if (this.bindingsDirty) {
      this.allBindings = this.allBindings.filter((b) => this.bindingByGuid.get(b.guid) === b);
      this.bindingsDirty = false;
    }
    return this.allBindings;
  }

  addOrg(org: Org): void {
    this.orgs.push(org);
    this.orgByGuid.set(org.guid, org);
    this.spacesByOrg.set(org.guid, []);
  }

  addSpace(space: Space): void {
    this.spaces.push(space);
    this.spaceByGuid.set(space.guid, space);
    this.spacesByOrg.get(space.orgGuid)?.push(space);
  }

  addOffering(offering: Offering): void {
    this.offerings.push(offering);
    this.offeringByGuid.set(offering.guid, offering);
  }

  addPlan(plan: Plan): void {
    this.plans.push(plan);
    this.planByGuid.set(plan.guid, plan);
  }

  addInstance(instance: Instance): void {
    this.nextInstanceIndex = Math.max(this.nextInstanceIndex, instance.index + 1);
    this.instances.push(instance);
    this.instanceByGuid.set(instance.guid, instance);
    pushTo(this.instancesBySpace, instance.spaceGuid, instance);
  }

  /** The index (default order) for an instance created now: after every instance made so far. */
  newInstanceIndex(): number {
    return this.nextInstanceIndex;
  }

  addApp(app: App): void {
    this.apps.push(app);
    this.appByGuid.set(app.guid, app);
    pushTo(this.appsBySpace, app.spaceGuid, app);
  }

  addSecurityGroup(group: SecurityGroup): void {
    this.securityGroups.push(group);
    this.securityGroupByGuid.set(group.guid, group);
  }

  addPrincipal(principal: Principal): void {
    this.principals.push(principal);
    this.principalByGuid.set(principal.guid, principal);
  }

  /** Adds a binding; its index continues the creation order. */
  addBinding(binding: Omit<Binding, 'index'>): Binding {
    const full = binding as Binding;
    full.index = this.nextBindingIndex++;
    this.allBindings.push(full);
    this.bindingByGuid.set(full.guid, full);
    pushTo(this.bindingsByInstance, full.instanceGuid, full);
    return full;
  }

  /** Removes a binding from every index. */
  removeBinding(binding: Binding): void {
    if (!this.bindingByGuid.delete(binding.guid)) return;
    this.bindingsDirty = true;
    const list = this.bindingsByInstance.get(binding.instanceGuid);
    if (list) {
      const i = list.indexOf(binding);
      if (i >= 0) list.splice(i, 1);
    }
  }

  /** Removes an instance from every index, with its shares and bindings (keys included). */
  removeInstance(instance: Instance): void {
    if (this.instanceByGuid.get(instance.guid) !== instance) return;
    for (const b of [...(this.bindingsByInstance.get(instance.guid) ?? [])]) this.removeBinding(b);
    this.bindingsByInstance.delete(instance.guid);
    for (const target of instance.sharedSpaceGuids) this.sharedInto.get(target)?.delete(instance);
    instance.sharedSpaceGuids = [];
    this.instanceByGuid.delete(instance.guid);
    removeFrom(this.instances, instance);
    removeFrom(this.instancesBySpace.get(instance.spaceGuid), instance);
  }

  /** Removes apps from every index, with their bindings: one pass over the bindings for the lot. */
  removeApps(apps: readonly App[]): void {
    const guids = new Set(apps.map((a) => a.guid));
    for (const b of this.bindings) if (b.appGuid !== null && guids.has(b.appGuid)) this.removeBinding(b);
    for (const app of apps) {
      this.appByGuid.delete(app.guid);
      removeFrom(this.appsBySpace.get(app.spaceGuid), app);
    }
    let kept = 0;
    for (const app of this.apps) if (!guids.has(app.guid)) this.apps[kept++] = app;
    this.apps.length = kept;
  }

  /** Removes an (emptied) space from the space indexes, role sets and security group bindings. */
  removeSpace(space: Space): void {
    this.spaceByGuid.delete(space.guid);
    removeFrom(this.spaces, space);
    removeFrom(this.spacesByOrg.get(space.orgGuid), space);
    this.instancesBySpace.delete(space.guid);
    this.sharedInto.delete(space.guid);
    this.appsBySpace.delete(space.guid);
    this.deletingSpaceGuids.delete(space.guid);
    for (const g of this.securityGroups) {
      g.runningSpaceGuids.delete(space.guid);
      g.stagingSpaceGuids.delete(space.guid);
    }
    for (const p of this.principals) p.developerSpaceGuids.delete(space.guid);
  }

  /** Records a share edge. */
  share(instance: Instance, targetSpaceGuid: string): void {
    if (instance.sharedSpaceGuids.includes(targetSpaceGuid)) return;
    instance.sharedSpaceGuids.push(targetSpaceGuid);
    let set = this.sharedInto.get(targetSpaceGuid);
    if (!set) this.sharedInto.set(targetSpaceGuid, (set = new Set()));
    set.add(instance);
  }

  /** Removes a share edge. */
  unshare(instance: Instance, targetSpaceGuid: string): void {
    instance.sharedSpaceGuids = instance.sharedSpaceGuids.filter((g) => g !== targetSpaceGuid);
    this.sharedInto.get(targetSpaceGuid)?.delete(instance);
  }

  /** Appends an audit event. */
  addEvent(event: Omit<AuditEvent, 'index'>): AuditEvent {
    const full: AuditEvent = { ...event, index: this.nextEventIndex++ };
    this.auditEvents.push(full);
    return full;
  }

  /** App bindings of `instance` whose app lives in `spaceGuid`. */
  appBindingsIn(instance: Instance, spaceGuid: string): Binding[] {
    return (this.bindingsByInstance.get(instance.guid) ?? []).filter(
      (b) => b.type === 'app' && b.appGuid !== null && this.appByGuid.get(b.appGuid)?.spaceGuid === spaceGuid,
    );
  }

  /** The space a binding is visible through: the app's space for app bindings, the instance's for keys (cc-api.md §3.1). */
  bindingSpaceGuid(binding: Binding): string | undefined {
    if (binding.type === 'app' && binding.appGuid) return this.appByGuid.get(binding.appGuid)?.spaceGuid;
    return this.instanceByGuid.get(binding.instanceGuid)?.spaceGuid;
  }

  /**
   * `ServicePlan#visible_in_space?` (cc-api.md §6): active AND (public OR visible to the space's org OR offered by
   * a space-scoped broker registered in that space).
   */
  planVisibleInSpace(plan: Plan, space: Space): boolean {
    if (!plan.active) return false;
    if (plan.visibilityType === 'public') return true;
    if (plan.visibilityType === 'organization') return plan.visibleOrgGuids.has(space.orgGuid);
    if (plan.visibilityType === 'space') return plan.spaceGuid === space.guid;
    return false;
  }
}

function removeFrom<T>(list: T[] | undefined, item: T): void {
  const i = list ? list.indexOf(item) : -1;
  if (i >= 0) list!.splice(i, 1);
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
