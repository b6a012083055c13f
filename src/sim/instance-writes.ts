import type { Actor } from './actor.js';
import { BrokerError, brokerProvision, brokerUpdate } from './broker-share.js';
import {
  CcError,
  featureDisabled,
  instanceOperationInProgress,
  notAuthorized,
  resourceNotFound,
  unprocessable,
} from './errors.js';
import type { SimResponse } from './http-types.js';
import type { Instance, Job, LastOperation, Plan, Space } from './model.js';
import { presentInstance } from './presenters/services.js';
import { recordEvent } from './record-event.js';
import { planVisibleTo } from './routes/service-catalog.js';
import { canReadInstance } from './routes/service-instances.js';
import type { SimState } from './sim-state.js';
import { requireWritableSpace } from './writable-space.js';

/** How long the first step of an async broker job takes before CC starts polling (state POLLING). */
const JOB_STEP_MS = 50;
/** `CC:app/presenters/helpers/censorship.rb`. */
const PRIVATE_DATA_HIDDEN = '[PRIVATE DATA HIDDEN]';
const REDACTED = '[REDACTED]';

type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `ServiceOperationMixin#operation_in_progress?`: the last operation is `initial` or `in progress`. */
export function operationInProgress(si: Instance): boolean {
  return si.lastOperation.state === 'initial' || si.lastOperation.state === 'in progress';
}

const createFailed = (si: Instance): boolean =>
  si.lastOperation.type === 'create' && si.lastOperation.state === 'failed';

/** The `data.guid` of a to-one relationship, or an error text. */
function toOne(relationships: unknown, key: string, label: string): string | { error: string } | undefined {
  if (!isObject(relationships)) return undefined;
  const rel = relationships[key];
  if (rel === undefined) return undefined;
  const guid = isObject(rel) && isObject(rel.data) ? rel.data.guid : undefined;
  if (typeof guid !== 'string')
    return { error: `Relationships ${label} must be structured like this: "${key}: {"data": {"guid": "valid-guid"}}"` };
  return guid;
}

/** The message validators CC runs on a service instance body (unknown keys, types, metadata), all errors at once. */
function messageErrors(body: Body, allowed: readonly string[]): string[] {
  const errors: string[] = [];
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) errors.push(`Unknown field(s): '${unknown.join("', '")}'`);
  if (body.name !== undefined && body.name !== null && typeof body.name !== 'string')
    errors.push('Name must be a string');
  if (body.tags !== undefined && body.tags !== null) {
    if (!Array.isArray(body.tags)) errors.push('Tags must be an array');
    else if (body.tags.some((t) => typeof t !== 'string')) errors.push('Tags must be a list of strings');
  }
  const objects: Array<[string, string]> = [
    ['parameters', 'Parameters'],
    ['relationships', 'Relationships'],
    ['maintenance_info', 'Maintenance info'],
    ['credentials', 'Credentials'],
  ];
  for (const [key, label] of objects)
    if (body[key] !== undefined && body[key] !== null && !isObject(body[key]))
      errors.push(`${label} must be an object`);
  if (body.metadata !== undefined) {
    if (!isObject(body.metadata)) errors.push('Metadata must be an object');
    else
      for (const part of ['labels', 'annotations'] as const) {
        const value = body.metadata[part];
        if (value === undefined) continue;
        if (!isObject(value)) errors.push(`Metadata ${part} must be an object`);
        else if (Object.values(value).some((v) => v !== null && typeof v !== 'string'))
          errors.push(`Metadata ${part} values must be strings`);
      }
  }
  return errors;
}

/** Labels/annotations after a metadata update: given keys set, `null` removes. */
function merged(
  current: Readonly<Record<string, string>> | undefined,
  update: unknown,
): Readonly<Record<string, string>> | undefined {
  if (!isObject(update)) return current;
  const out: Record<string, string> = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete out[k];
    else out[k] = v as string;
  }
  return out;
}

function applyMetadata(si: Instance, body: Body): void {
  if (!isObject(body.metadata)) return;
  si.labels = merged(si.labels, body.metadata.labels) ?? {};
  const annotations = merged(si.annotations, body.metadata.annotations);
  if (annotations) si.annotations = annotations;
}

/** The request as CC's event repository records it: managed parameters hidden, user-provided credentials redacted. */
function auditRequest(body: Body, managed: boolean): Record<string, unknown> {
  const request: Body = { ...body };
  if (managed && 'parameters' in request) request.parameters = PRIVATE_DATA_HIDDEN;
  if (!managed && 'credentials' in request) request.credentials = REDACTED;
  return { request };
}

const target = (si: Instance): { guid: string; type: string; name: string } => ({
  guid: si.guid,
  type: si.type === 'managed' ? 'service_instance' : 'user_provided_service_instance',
  name: si.name,
});

function operation(state: SimState, type: LastOperation['type'], opState: LastOperation['state'], description = '') {
  const at = state.now();
  return { type, state: opState, description, createdAt: at, updatedAt: at };
}

/** A pollable job on a service instance (`resource_type` `service_instances`, cc-api.md §3.3). */
function newJob(state: SimState, name: string, instanceGuid: string): Job {
  const now = state.now();
  const job: Job = {
    guid: state.newGuid(),
    createdAt: now,
    updatedAt: now,
    operation: name,
    state: 'PROCESSING',
    errors: [],
    warnings: [],
    resourceType: 'service_instances',
    resourceGuid: instanceGuid,
  };
  state.foundation.jobs.set(job.guid, job);
  return job;
}

function finishJob(state: SimState, job: Job, jobState: Job['state'], error?: Job['errors'][number]): void {
  if (error) job.errors.push(error);
  job.state = jobState;
  job.updatedAt = state.now();
}

const accepted = (baseUrl: string, job: Job): SimResponse => ({
  status: 202,
  headers: { Location: `${baseUrl}/v3/jobs/${job.guid}` },
});

const nameTaken = (name: string): CcError => unprocessable(`The service instance name is taken: ${name}.`);

/** `raise_if_invalid_service_plan!` / `create_managed`'s plan checks (`service_instances_controller.rb`). */
function checkPlan(state: SimState, actor: Actor, planGuid: string, space: Space): Plan {
  const f = state.foundation;
  const plan = f.planByGuid.get(planGuid);
  if (!plan || !planVisibleTo(f, plan, actor))
    throw unprocessable(
      'Invalid service plan. Ensure that the service plan exists, is available, and you have access to it.',
    );
  if (!plan.active)
    throw unprocessable(
      `Invalid service plan. The service plan '${plan.name}' with guid '${plan.guid}' has been removed from the service broker's catalog. ` +
        'It is not possible to create new service instances using this plan.',
    );
  if (!f.planVisibleInSpace(plan, space))
    throw unprocessable(
      'Invalid service plan. This could be due to a space-scoped broker which is offering the service plan ' +
        `'${plan.name}' with guid '${plan.guid}' in another space or that the plan ` +
        `is not enabled in this organization. Ensure that the service plan is visible in your current space ` +
        `'${space.name}' with guid '${space.guid}'.`,
    );
  return plan;
}

/**
 * `PATCH /v3/service_instances/:guid` (`ServiceInstancesV3Controller#update`, `V3::ServiceInstanceUpdateManaged`):
 * name, tags and metadata alone answer 200 at once; `parameters` or a plan change reach the broker, so CC locks the
 * instance (last operation update/in progress), answers 202 with a `service_instance.update` job, and the job
 * completes, polls or fails per the instance's scripted broker. A lock held by another operation answers 409.
 */
export function updateInstance(
  state: SimState,
  actor: Actor,
  guid: string,
  rawBody: unknown,
  baseUrl: string,
): SimResponse {
  const f = state.foundation;
  const si = f.instanceByGuid.get(guid);
  if (!si || !canReadInstance(actor, si)) throw resourceNotFound('Service instance');
  if (!actor.canWriteSpace(si.spaceGuid)) throw notAuthorized();
  requireWritableSpace(f, actor, si.spaceGuid);
  const body: Body = isObject(rawBody) ? rawBody : {};
  const managed = si.type === 'managed';
  const allowed = managed
    ? ['name', 'tags', 'parameters', 'relationships', 'maintenance_info', 'metadata']
    : ['name', 'tags', 'credentials', 'syslog_drain_url', 'route_service_url', 'metadata'];
  const errors = messageErrors(body, allowed);
  const planRef = managed ? toOne(body.relationships, 'service_plan', 'Service plan') : undefined;
  if (typeof planRef === 'object') errors.push(planRef.error);
  if (errors.length > 0) throw unprocessable(errors.join(', '));
  const newName = typeof body.name === 'string' ? body.name : undefined;
  const takenBy = (name: string): boolean =>
    (f.instancesBySpace.get(si.spaceGuid) ?? []).some((o) => o !== si && o.name === name);

  const applyFields = (): void => {
    if (newName !== undefined) si.name = newName;
    if (Array.isArray(body.tags)) si.tags = [...(body.tags as string[])];
    applyMetadata(si, body);
  };

  if (!managed) {
    if (newName !== undefined && takenBy(newName)) throw nameTaken(newName);
    applyFields();
    if (isObject(body.credentials)) si.credentials = { ...body.credentials };
    if (typeof body.syslog_drain_url === 'string') si.syslogDrainUrl = body.syslog_drain_url;
    if (typeof body.route_service_url === 'string') si.routeServiceUrl = body.route_service_url;
    recordEvent(
      state,
      actor,
      'audit.user_provided_service_instance.update',
      target(si),
      si.spaceGuid,
      auditRequest(body, false),
    );
    return { status: 200, body: presentInstance(si, baseUrl) };
  }

  const space = f.spaceByGuid.get(si.spaceGuid)!;
  let newPlan: Plan | undefined;
  if (typeof planRef === 'string') {
    newPlan = checkPlan(state, actor, planRef, space);
    const current = si.planGuid ? f.planByGuid.get(si.planGuid) : undefined;
    if (newPlan.offeringGuid !== current?.offeringGuid)
      throw new CcError(400, 'CF-InvalidRelation', 1002, 'service plan relates to a different service offering');
  }
  // preflight!
  if (createFailed(si))
    throw new CcError(404, 'CF-ServiceInstanceNotFound', 60004, `The service instance could not be found: ${si.name}`);
  if (newName !== undefined && newName !== si.name && takenBy(newName)) throw nameTaken(newName);
  if ('name' in body && si.sharedSpaceGuids.length > 0)
    throw unprocessable('Service instances that have been shared cannot be renamed');

  const parameters = 'parameters' in body ? (isObject(body.parameters) ? body.parameters : {}) : undefined;
  const brokerNeeded = parameters !== undefined || (newPlan !== undefined && newPlan.guid !== si.planGuid);
  if (!brokerNeeded) {
    const metadataOnly = Object.keys(body).length === 1 && 'metadata' in body;
    // Metadata alone skips the lock, unless the instance is being deleted.
    if (metadataOnly ? si.lastOperation.type === 'delete' && operationInProgress(si) : operationInProgress(si))
      throw instanceOperationInProgress(si.name);
    applyFields();
    recordEvent(state, actor, 'audit.service_instance.update', target(si), si.spaceGuid, auditRequest(body, true));
    return { status: 200, body: presentInstance(si, baseUrl) };
  }

  // UpdaterLock#lock!: the instance and then its bindings.
  if (operationInProgress(si)) throw instanceOperationInProgress(si.name);
  for (const b of f.bindingsByInstance.get(si.guid) ?? []) {
    if (b.lastOperation.state !== 'initial' && b.lastOperation.state !== 'in progress') continue;
    const app = b.appGuid ? (f.appByGuid.get(b.appGuid)?.name ?? '') : (b.name ?? '');
    throw new CcError(
      409,
      'CF-AsyncServiceBindingOperationInProgress',
      90008,
      `An operation for the service binding between app ${app} and service instance ${si.name} is in progress.`,
    );
  }
  si.lastOperation = operation(state, 'update', 'in progress');
  const job = newJob(state, 'service_instance.update', si.guid);
  const audit = auditRequest(body, true);
  const fail = (error: BrokerError): void => {
    si.lastOperation = operation(state, 'update', 'failed', error.message);
    finishJob(state, job, 'FAILED', {
      detail: `update could not be completed: ${error.message}`,
      title: 'CF-UnableToPerform',
      code: 10009,
    });
  };
  const complete = (): void => {
    if (f.instanceByGuid.get(si.guid) !== si) {
      finishJob(state, job, 'FAILED', {
        detail: `The service instance could not be found: ${si.guid}.`,
        title: 'CF-ResourceNotFound',
        code: 10010,
      });
      return;
    }
    try {
      if (parameters !== undefined) brokerUpdate(state, si, parameters);
    } catch (error) {
      if (!(error instanceof BrokerError)) throw error;
      fail(error);
      return;
    }
    applyFields();
    if (newPlan) si.planGuid = newPlan.guid;
    si.lastOperation = operation(state, 'update', 'succeeded');
    recordEvent(state, actor, 'audit.service_instance.update', target(si), si.spaceGuid, audit);
    finishJob(state, job, 'COMPLETE');
  };
  const behaviour = si.updateBehaviour ?? { update: 'sync', asyncSeconds: 0 };
  switch (behaviour.update) {
    case 'sync':
      complete();
      break;
    case 'async':
      si.lastOperation = operation(state, 'update', 'in progress', 'Update in progress');
      recordEvent(state, actor, 'audit.service_instance.start_update', target(si), si.spaceGuid, audit);
      state.later(JOB_STEP_MS, () => {
        if (job.state === 'PROCESSING') finishJob(state, job, 'POLLING');
      });
      state.later(Math.max(JOB_STEP_MS * 2, behaviour.asyncSeconds * 1000), complete);
      break;
    case 'fail':
      fail(new BrokerError('update failed (simulated broker error)'));
      break;
  }
  return accepted(baseUrl, job);
}

/**
 * `POST /v3/service_instances` (`ServiceInstancesV3Controller#create`), kept small: the message checks, the space
 * checks, the plan checks and the name check; user-provided answers 201; managed answers 202 with a
 * `service_instance.create` job that the (synchronous) broker completes or fails at once.
 */
export function createInstance(state: SimState, actor: Actor, rawBody: unknown, baseUrl: string): SimResponse {
  const f = state.foundation;
  if (!actor.isAdmin) {
    const flag = f.featureFlags.get('service_instance_creation');
    if (flag && !flag.enabled) throw featureDisabled(flag.customErrorMessage ?? 'service_instance_creation');
  }
  const body: Body = isObject(rawBody) ? rawBody : {};
  const type = body.type;
  const errors: string[] = [];
  if (type !== 'managed' && type !== 'user-provided') errors.push("Type must be one of 'managed', 'user-provided'");
  if (typeof body.name !== 'string' || body.name === '')
    errors.push(
      body.name === undefined || body.name === '' || body.name === null
        ? "Name can't be blank"
        : 'Name must be a string',
    );
  const managed = type === 'managed';
  errors.push(
    ...messageErrors(
      body,
      managed
        ? ['type', 'relationships', 'name', 'tags', 'parameters', 'metadata']
        : ['type', 'relationships', 'name', 'tags', 'credentials', 'syslog_drain_url', 'route_service_url', 'metadata'],
    ).filter((e) => e !== 'Name must be a string'),
  );
  const spaceRef = toOne(body.relationships, 'space', 'Space');
  if (spaceRef === undefined) errors.push("Relationships Space can't be blank");
  else if (typeof spaceRef === 'object') errors.push(spaceRef.error);
  const planRef = managed ? toOne(body.relationships, 'service_plan', 'Service plan') : undefined;
  if (managed && planRef === undefined) errors.push("Relationships Service plan can't be blank");
  else if (typeof planRef === 'object') errors.push(planRef.error);
  if (errors.length > 0) throw unprocessable(errors.join(', '));
  const name = body.name as string;

  const space = f.spaceByGuid.get(spaceRef as string);
  if (!space || !actor.canReadSpace(space.guid))
    throw unprocessable('Invalid space. Ensure that the space exists and you have access to it.');
  if (!actor.canWriteSpace(space.guid)) throw notAuthorized();
  requireWritableSpace(f, actor, space.guid);
  const plan = managed ? checkPlan(state, actor, planRef as string, space) : null;

  // A managed instance whose create failed is replaced by a new one of the same name (`precursor`).
  const existing = (f.instancesBySpace.get(space.guid) ?? []).find((o) => o.name === name);
  if (existing && !(managed && existing.type === 'managed' && createFailed(existing))) throw nameTaken(name);
  if (existing) f.removeInstance(existing);

  const now = state.now();
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const si: Instance = {
    guid: state.newGuid(),
    name,
    type: managed ? 'managed' : 'user-provided',
    spaceGuid: space.guid,
    planGuid: plan?.guid ?? null,
    dashboardUrl: null,
    tags: Array.isArray(body.tags) ? [...(body.tags as string[])] : [],
    credentials: managed ? null : isObject(body.credentials) ? { ...body.credentials } : {},
    syslogDrainUrl: typeof body.syslog_drain_url === 'string' ? body.syslog_drain_url : '',
    routeServiceUrl: typeof body.route_service_url === 'string' ? body.route_service_url : '',
    sharedSpaceGuids: [],
    labels: merged({}, metadata.labels) ?? {},
    index: f.newInstanceIndex(),
    createdAt: now,
    lastOperation: managed ? operation(state, 'create', 'in progress') : operation(state, 'create', 'succeeded'),
  };
  const annotations = merged(undefined, metadata.annotations);
  if (annotations) si.annotations = annotations;
  f.addInstance(si);
  if (!managed) {
    recordEvent(
      state,
      actor,
      'audit.user_provided_service_instance.create',
      target(si),
      space.guid,
      auditRequest(body, false),
    );
    return { status: 201, body: presentInstance(si, baseUrl) };
  }
  const job = newJob(state, 'service_instance.create', si.guid);
  try {
    brokerProvision(state, si, isObject(body.parameters) ? body.parameters : {});
  } catch (error) {
    if (!(error instanceof BrokerError)) throw error;
    si.lastOperation = operation(state, 'create', 'failed', error.message);
    finishJob(state, job, 'FAILED', {
      detail: `provision could not be completed: ${error.message}`,
      title: 'CF-UnableToPerform',
      code: 10009,
    });
    return accepted(baseUrl, job);
  }
  si.lastOperation = operation(state, 'create', 'succeeded');
  recordEvent(state, actor, 'audit.service_instance.create', target(si), space.guid, auditRequest(body, true));
  finishJob(state, job, 'COMPLETE');
  return accepted(baseUrl, job);
}
