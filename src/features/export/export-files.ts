import { createHash } from 'node:crypto';
import type { FoundationSnapshot } from '../../audit/snapshot.js';
import { redactSecrets } from '../../audit/redact-secrets.js';
import { toCsv } from '../report/csv.js';
import { safeJson } from '../../terminal/safe-text.js';

/** The audit event types an export keeps: share changes and binding/key changes (CC names, cc-api.md §1). */
export const EXPORT_EVENT_TYPES = [
  'audit.service_instance.share',
  'audit.service_instance.unshare',
  'audit.service_binding.create',
  'audit.service_binding.start_create',
  'audit.service_binding.delete',
  'audit.service_binding.start_delete',
  'audit.service_key.create',
  'audit.service_key.start_create',
  'audit.service_key.delete',
  'audit.service_key.start_delete',
] as const;

/** bindings.csv: every app binding of every shared instance, in any space, with where its app lives. */
export function bindingsCsv(snapshot: FoundationSnapshot): string {
  const instanceByGuid = new Map(snapshot.sharedInstances.map((i) => [i.guid, i]));
  const spaceByGuid = new Map(snapshot.spaces.map((s) => [s.guid, s]));
  const orgName = new Map(snapshot.orgs.map((o) => [o.guid, o.name]));
  const rows = snapshot.appBindings.map((b) => {
    const instance = instanceByGuid.get(b.instanceGuid);
    const appSpace = spaceByGuid.get(b.appSpaceGuid);
    return [
      b.guid,
      b.instanceGuid,
      instance?.name,
      b.appGuid,
      b.appName,
      appSpace ? orgName.get(appSpace.orgGuid) : undefined,
      appSpace?.name,
      b.appSpaceGuid,
      instance ? (instance.spaceGuid === b.appSpaceGuid ? 'source' : 'target') : undefined,
    ];
  });
  rows.sort((a, b) => String(a[2]).localeCompare(String(b[2])) || String(a[0]).localeCompare(String(b[0])));
  return toCsv(
    [
      'binding_guid',
      'instance_guid',
      'instance',
      'app_guid',
      'app',
      'app_org',
      'app_space',
      'app_space_guid',
      'space_role',
    ],
    rows,
  );
}

/** Audit events as NDJSON, one event per line, secrets blanked, safe to `cat` (see safeJson). */
export function auditEventsNdjson(events: readonly unknown[]): string {
  return events.map((event) => safeJson(JSON.stringify(redactSecrets(event)))).join('\n') + (events.length ? '\n' : '');
}

export interface ManifestInput {
  readonly toolVersion: string;
  readonly api: string;
  readonly generatedAt: string;
  readonly window: { since: string; until: string };
  readonly files: Readonly<Record<string, string>>;
}

/**
 * manifest.json: what an auditor needs to verify the bundle: the tool, the foundation, the window, row counts
 * (data lines of CSV and NDJSON files) and the sha256 of every other file.
 */
export function buildManifest(input: ManifestInput): string {
  const names = Object.keys(input.files).sort();
  const rows: Record<string, number> = {};
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const name of names) {
    const content = input.files[name]!;
    files[name] = { sha256: createHash('sha256').update(content).digest('hex'), bytes: Buffer.byteLength(content) };
    if (name.endsWith('.csv')) rows[name] = Math.max(0, content.split('\r\n').filter(Boolean).length - 1);
    if (name.endsWith('.ndjson')) rows[name] = content.split('\n').filter(Boolean).length;
  }
  return `${JSON.stringify(
    {
      schema: 'cf-shares/export@1',
      tool: { name: 'cf-shares', version: input.toolVersion },
      api: input.api,
      generated_at: input.generatedAt,
      window: input.window,
      rows,
      files,
    },
    null,
    2,
  )}\n`;
}
