import type { App, AuditEvent, Binding, FeatureFlag, Job } from '../model.js';

/** `GET /v3/service_credential_bindings/:guid` (fixtures v3_service_credential_binding_{app,key}.json). */
export function presentBinding(b: Binding, base: string): Record<string, unknown> {
  const self = `${base}/v3/service_credential_bindings/${b.guid}`;
  const relationships: Record<string, unknown> = {};
  // relationships.app and links.app are omitted for keys (cc-api.md §3).
  if (b.type === 'app') relationships.app = { data: { guid: b.appGuid } };
  relationships.service_instance = { data: { guid: b.instanceGuid } };
  const links: Record<string, unknown> = {
    self: { href: self },
    details: { href: `${self}/details` },
    parameters: { href: `${self}/parameters` },
    service_instance: { href: `${base}/v3/service_instances/${b.instanceGuid}` },
  };
  if (b.type === 'app') links.app = { href: `${base}/v3/apps/${b.appGuid}` };
  return {
    guid: b.guid,
    created_at: b.createdAt,
    updated_at: b.lastOperation.updatedAt,
    name: b.name,
    type: b.type,
    last_operation: {
      type: b.lastOperation.type,
      state: b.lastOperation.state,
      description: b.lastOperation.description,
      created_at: b.lastOperation.createdAt,
      updated_at: b.lastOperation.updatedAt,
    },
    metadata: { annotations: {}, labels: {} },
    relationships,
    links,
  };
}

/** A minimal v3 app (`AppPresenter` keys). */
export function presentApp(app: App, base: string): Record<string, unknown> {
  const self = `${base}/v3/apps/${app.guid}`;
  return {
    guid: app.guid,
    name: app.name,
    state: 'STARTED',
    created_at: app.createdAt,
    updated_at: app.createdAt,
    lifecycle: { type: 'buildpack', data: { buildpacks: [], stack: 'cflinuxfs4' } },
    relationships: { space: { data: { guid: app.spaceGuid } }, current_droplet: { data: { guid: null } } },
    metadata: { labels: {}, annotations: {} },
    links: {
      self: { href: self },
      space: { href: `${base}/v3/spaces/${app.spaceGuid}` },
      processes: { href: `${self}/processes` },
      packages: { href: `${self}/packages` },
      environment_variables: { href: `${self}/environment_variables` },
      current_droplet: { href: `${self}/droplets/current` },
      droplets: { href: `${self}/droplets` },
      tasks: { href: `${self}/tasks` },
      start: { href: `${self}/actions/start`, method: 'POST' },
      stop: { href: `${self}/actions/stop`, method: 'POST' },
      revisions: { href: `${self}/revisions` },
      deployed_revisions: { href: `${self}/revisions/deployed` },
      features: { href: `${self}/features` },
    },
  };
}

/** `GET /v3/feature_flags/:name` (fixture v3_feature_flag_get.json). */
export function presentFlag(flag: FeatureFlag, base: string): Record<string, unknown> {
  return {
    name: flag.name,
    enabled: flag.enabled,
    updated_at: flag.updatedAt,
    custom_error_message: flag.customErrorMessage,
    links: { self: { href: `${base}/v3/feature_flags/${flag.name}` } },
  };
}

/** `GET /v3/audit_events/:guid`. */
export function presentEvent(e: AuditEvent, base: string): Record<string, unknown> {
  return {
    guid: e.guid,
    created_at: e.createdAt,
    updated_at: e.createdAt,
    type: e.type,
    actor: { ...e.actor },
    target: { ...e.target },
    data: e.data,
    space: e.spaceGuid ? { guid: e.spaceGuid } : null,
    organization: e.orgGuid ? { guid: e.orgGuid } : null,
    links: { self: { href: `${base}/v3/audit_events/${e.guid}` } },
  };
}

/** `GET /v3/jobs/:guid` (fixtures v3_job_{complete,failed}.json); the resource link only while it exists. */
export function presentJob(job: Job, base: string, resourceExists: boolean): Record<string, unknown> {
  const links: Record<string, unknown> = { self: { href: `${base}/v3/jobs/${job.guid}` } };
  // The link is named by the job's resource_type and its path pluralises it (`JobPresenter#build_links`).
  const plural = job.resourceType.endsWith('s') ? job.resourceType : `${job.resourceType}s`;
  if (resourceExists) links[job.resourceType] = { href: `${base}/v3/${plural}/${job.resourceGuid}` };
  return {
    guid: job.guid,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    operation: job.operation,
    state: job.state,
    links,
    // errors are shown only when the state is not COMPLETE (cc-api.md §3.3).
    errors: job.state === 'COMPLETE' ? [] : job.errors.map((e) => ({ ...e })),
    warnings: job.warnings.map((w) => ({ ...w })),
  };
}
