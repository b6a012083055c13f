import type { Foundation } from '../foundation.js';
import type { Instance, Offering, Plan } from '../model.js';

// Labels are shared frozen objects (generate-labels.ts); presenting them uncopied is safe because bodies are only serialised.
const meta = (
  labels: Readonly<Record<string, string>> = {},
  annotations: Readonly<Record<string, string>> = {},
): { labels: Readonly<Record<string, string>>; annotations: Readonly<Record<string, string>> } => ({
  labels,
  annotations,
});

/** `GET /v3/service_offerings/:guid` (fixture v3_service_offering_get.json); `shareable` mirrors the catalog metadata. */
export function presentOffering(o: Offering, base: string): Record<string, unknown> {
  return {
    guid: o.guid,
    name: o.name,
    description: o.description,
    available: true,
    tags: [...o.tags],
    requires: [],
    created_at: o.createdAt,
    updated_at: o.createdAt,
    shareable: o.shareable === true,
    documentation_url: `https://docs.example.org/${o.name}`,
    broker_catalog: {
      id: o.catalogId,
      metadata: { shareable: o.shareable },
      features: {
        plan_updateable: true,
        bindable: true,
        instances_retrievable: o.instancesRetrievable === true,
        bindings_retrievable: true,
        allow_context_updates: false,
      },
    },
    relationships: { service_broker: { data: { guid: o.brokerGuid } } },
    metadata: meta(),
    links: {
      self: { href: `${base}/v3/service_offerings/${o.guid}` },
      service_plans: { href: `${base}/v3/service_plans?service_offering_guids=${o.guid}` },
      service_broker: { href: `${base}/v3/service_brokers/${o.brokerGuid}` },
    },
  };
}

/** `GET /v3/service_plans/:guid` (fixture v3_service_plans_list.json); `available` is the plan's `active`. */
export function presentPlan(p: Plan, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    guid: p.guid,
    name: p.name,
    description: `${p.name} plan`,
    visibility_type: p.visibilityType,
    available: p.active,
    free: p.free,
    costs: p.free ? [] : [{ currency: 'USD', amount: 99.99, unit: 'Monthly' }],
    created_at: p.createdAt,
    updated_at: p.createdAt,
    maintenance_info: { version: '1.0.0', description: 'Initial version' },
    broker_catalog: {
      id: p.catalogId,
      metadata: {},
      maximum_polling_duration: null,
      features: { plan_updateable: true, bindable: true },
    },
    schemas: {
      service_instance: { create: { parameters: {} }, update: { parameters: {} } },
      service_binding: { create: { parameters: {} } },
    },
    relationships: { service_offering: { data: { guid: p.offeringGuid } } },
    metadata: meta(),
    links: {
      self: { href: `${base}/v3/service_plans/${p.guid}` },
      service_offering: { href: `${base}/v3/service_offerings/${p.offeringGuid}` },
      visibility: { href: `${base}/v3/service_plans/${p.guid}/visibility` },
    },
  };
  if (p.spaceGuid) (out.relationships as Record<string, unknown>).space = { data: { guid: p.spaceGuid } };
  return out;
}

/**
 * `GET /v3/service_instances/:guid` (fixtures v3_service_instance_get_{managed,user_provided}.json). Managed-only
 * and user-provided-only keys as in cc-api.md §2 "Object shape"; `links.shared_spaces` only on managed.
 */
export function presentInstance(si: Instance, base: string): Record<string, unknown> {
  const self = `${base}/v3/service_instances/${si.guid}`;
  const lastOperation = {
    type: si.lastOperation.type,
    state: si.lastOperation.state,
    description: si.lastOperation.description,
    updated_at: si.lastOperation.updatedAt,
    created_at: si.lastOperation.createdAt,
  };
  const common = {
    guid: si.guid,
    created_at: si.createdAt,
    updated_at: si.createdAt,
    name: si.name,
    tags: [...si.tags],
    type: si.type,
  };
  const bindingLinks = {
    service_credential_bindings: { href: `${base}/v3/service_credential_bindings?service_instance_guids=${si.guid}` },
    service_route_bindings: { href: `${base}/v3/service_route_bindings?service_instance_guids=${si.guid}` },
  };
  if (si.type === 'user-provided') {
    return {
      ...common,
      last_operation: lastOperation,
      syslog_drain_url: si.syslogDrainUrl,
      route_service_url: si.routeServiceUrl,
      relationships: { space: { data: { guid: si.spaceGuid } } },
      metadata: meta(si.labels, si.annotations),
      links: {
        self: { href: self },
        space: { href: `${base}/v3/spaces/${si.spaceGuid}` },
        credentials: { href: `${self}/credentials` },
        ...bindingLinks,
      },
    };
  }
  return {
    ...common,
    maintenance_info: { version: '1.0.0' },
    upgrade_available: false,
    dashboard_url: si.dashboardUrl,
    broker_provided_metadata: { labels: {}, attributes: {} },
    last_operation: lastOperation,
    relationships: { service_plan: { data: { guid: si.planGuid } }, space: { data: { guid: si.spaceGuid } } },
    metadata: meta(si.labels, si.annotations),
    links: {
      self: { href: self },
      service_plan: { href: `${base}/v3/service_plans/${si.planGuid}` },
      space: { href: `${base}/v3/spaces/${si.spaceGuid}` },
      parameters: { href: `${self}/parameters` },
      shared_spaces: { href: `${self}/relationships/shared_spaces` },
      ...bindingLinks,
    },
  };
}

/** `included.service_plans` / `included.service_offerings` / `included.service_brokers` for service instance `fields`. */
export function planFields(
  f: Foundation,
  instances: Instance[],
  fields: Map<string, string[]>,
): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const planKeys = fields.get('service_plan');
  const offeringKeys = fields.get('service_plan.service_offering');
  const brokerKeys = fields.get('service_plan.service_offering.service_broker');
  if (!planKeys && !offeringKeys && !brokerKeys) return out;
  const plans = [...new Set(instances.map((i) => i.planGuid).filter((g): g is string => g !== null))]
    .map((g) => f.planByGuid.get(g))
    .filter((p): p is Plan => p !== undefined)
    .sort((a, b) => a.index - b.index);
  const offerings = [...new Set(plans.map((p) => p.offeringGuid))]
    .map((g) => f.offeringByGuid.get(g))
    .filter((o): o is Offering => o !== undefined);
  if (planKeys) {
    out.service_plans = plans.map((p) => {
      const item: Record<string, unknown> = {};
      if (planKeys.includes('guid')) item.guid = p.guid;
      if (planKeys.includes('name')) item.name = p.name;
      if (planKeys.includes('relationships.service_offering'))
        item.relationships = { service_offering: { data: { guid: p.offeringGuid } } };
      return item;
    });
  }
  if (offeringKeys) {
    out.service_offerings = offerings.map((o) => {
      const item: Record<string, unknown> = {};
      if (offeringKeys.includes('guid')) item.guid = o.guid;
      if (offeringKeys.includes('name')) item.name = o.name;
      if (offeringKeys.includes('description')) item.description = o.description;
      if (offeringKeys.includes('documentation_url')) item.documentation_url = `https://docs.example.org/${o.name}`;
      if (offeringKeys.includes('tags')) item.tags = [...o.tags];
      if (offeringKeys.includes('relationships.service_broker'))
        item.relationships = { service_broker: { data: { guid: o.brokerGuid } } };
      return item;
    });
  }
  if (brokerKeys) {
    const brokers = [...new Map(offerings.map((o) => [o.brokerGuid, o.brokerName])).entries()];
    out.service_brokers = brokers.map(([guid, name]) => ({
      ...(brokerKeys.includes('guid') && { guid }),
      ...(brokerKeys.includes('name') && { name }),
    }));
  }
  return out;
}
