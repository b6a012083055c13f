import type { OperatorResponse } from './operator.js';
import { bindAppOutOfBand, deleteInstanceOutOfBand, deleteSpaceOutOfBand, shareOutOfBand } from './out-of-band.js';
import type { SimState } from './sim-state.js';

const bad = (message: string, status = 400): OperatorResponse => ({ status, body: { error: message } });

/**
 * Operator endpoints that change the foundation behind CC's back, so tests can make "gone" and "being deleted"
 * real: `DELETE /_sim/service_instances/:guid`, `DELETE /_sim/spaces/:guid`, `PUT /_sim/spaces/:guid/deleting`, and
 * drift after a plan: `POST /_sim/bindings` (a new app bound to an instance), `POST /_sim/shares` (a new share),
 * and hostile names: `PUT /_sim/{orgs,spaces,service_instances}/:guid/name` (a developer may name anything anything,
 * so renderers must be tested against markup in names).
 * Returns null for a path it does not know.
 */
export function handleTopology(state: SimState, method: string, path: string, body: unknown): OperatorResponse | null {
  const f = state.foundation;
  const instance = /^\/_sim\/service_instances\/([^/]+)$/.exec(path);
  if (instance && method === 'DELETE') {
    const guid = decodeURIComponent(instance[1]!);
    const removed = deleteInstanceOutOfBand(f, guid);
    return removed ? { status: 200, body: { deleted: guid, ...removed } } : bad('service instance not found', 404);
  }
  const space = /^\/_sim\/spaces\/([^/]+)$/.exec(path);
  if (space && method === 'DELETE') {
    const guid = decodeURIComponent(space[1]!);
    const removed = deleteSpaceOutOfBand(f, guid);
    return removed ? { status: 200, body: { deleted: guid, ...removed } } : bad('space not found', 404);
  }
  const deleting = /^\/_sim\/spaces\/([^/]+)\/deleting$/.exec(path);
  if (deleting && method === 'PUT') {
    const guid = decodeURIComponent(deleting[1]!);
    if (!f.spaceByGuid.has(guid)) return bad('space not found', 404);
    const flag = (body as { deleting?: unknown } | undefined)?.deleting;
    if (typeof flag !== 'boolean') return bad('deleting must be a boolean');
    if (flag) f.deletingSpaceGuids.add(guid);
    else f.deletingSpaceGuids.delete(guid);
    return { status: 200, body: { space_guid: guid, deleting: flag } };
  }
  const rename = /^\/_sim\/(orgs|spaces|service_instances)\/([^/]+)\/name$/.exec(path);
  if (rename && method === 'PUT') {
    const guid = decodeURIComponent(rename[2]!);
    const byGuid = { orgs: f.orgByGuid, spaces: f.spaceByGuid, service_instances: f.instanceByGuid }[
      rename[1] as 'orgs' | 'spaces' | 'service_instances'
    ];
    const named = byGuid.get(guid);
    if (!named) return bad(`${rename[1]} ${guid} not found`, 404);
    const name = (body as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name === '') return bad('name must be a non-empty string');
    named.name = name;
    return { status: 200, body: { guid, name } };
  }
  if (method === 'POST' && (path === '/_sim/bindings' || path === '/_sim/shares')) {
    const raw = (body ?? {}) as Record<string, unknown>;
    const { service_instance_guid: instanceGuid, space_guid: spaceGuid, app_name: appName } = raw;
    if (typeof instanceGuid !== 'string' || typeof spaceGuid !== 'string')
      return bad('service_instance_guid and space_guid must be strings');
    if (path === '/_sim/shares') {
      const error = shareOutOfBand(f, instanceGuid, spaceGuid);
      if (error) return bad(error, error.endsWith('not found') ? 404 : 422);
      return { status: 201, body: { service_instance_guid: instanceGuid, space_guid: spaceGuid } };
    }
    if (appName !== undefined && typeof appName !== 'string') return bad('app_name must be a string');
    const made = bindAppOutOfBand(f, instanceGuid, spaceGuid, appName ?? `oob-app-${f.apps.length + 1}`);
    if (typeof made === 'string') return bad(made, 404);
    return { status: 201, body: { service_instance_guid: instanceGuid, space_guid: spaceGuid, ...made } };
  }
  return null;
}
