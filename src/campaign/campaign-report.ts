import { toCsv } from '../report/csv.js';
import type { AuditEntry, CampaignMeta, ItemOutcome, PlanItem } from './campaign-model.js';

/** Everything a campaign did, for `campaign report`: JSON for machines, CSV for spreadsheets. */
export function renderCampaignReport(input: {
  meta: CampaignMeta;
  items: readonly PlanItem[];
  outcomes: Readonly<Record<string, ItemOutcome>>;
  attempts: Readonly<Record<string, Omit<ItemOutcome, 'outcome'>>>;
  ledger: ReadonlyArray<{ itemId: string; at: string; bindings: PlanItem['bindings'] }>;
  audit: readonly AuditEntry[];
  verification: { at: string; still_shared: unknown[] } | undefined;
}): Record<string, string> {
  const destroyed = new Map<string, PlanItem['bindings']>();
  for (const entry of input.ledger) destroyed.set(entry.itemId, entry.bindings);
  const rows = [...input.items]
    .sort((a, b) => a.instance.name.localeCompare(b.instance.name) || a.target.space_guid.localeCompare(b.target.space_guid))
    .map((item) => {
      const outcome = input.outcomes[item.id];
      const note = outcome ?? input.attempts[item.id];
      return {
        item: item.id,
        instance_guid: item.instance.guid,
        instance: item.instance.name,
        source: `${item.source.org ?? '?'}/${item.source.space ?? '?'}`,
        target: `${item.target.org ?? '?'}/${item.target.space ?? '?'}`,
        target_space_guid: item.target.space_guid,
        outcome: outcome?.outcome ?? 'pending',
        attempts: note?.attempts ?? 0,
        last_error: note?.lastError ?? null,
        blocking: note?.blockers ?? [],
        binding_deletes: outcome?.bindingDeletes ?? [],
        destroyed_bindings: outcome?.outcome === 'unshared' ? (destroyed.get(item.id) ?? []) : [],
      };
    });
  const json = {
    schema: 'cf-shares/campaign@1',
    campaign: input.meta,
    verification: input.verification ?? null,
    items: rows,
    audit_trail: input.audit,
  };
  const csv = toCsv(
    ['item', 'instance_guid', 'instance', 'source', 'target', 'target_space_guid', 'outcome', 'attempts', 'error_code', 'error_title', 'error_detail', 'blocking', 'destroyed_bindings'],
    rows.map((row) => [
      row.item, row.instance_guid, row.instance, row.source, row.target, row.target_space_guid, row.outcome, row.attempts,
      row.last_error?.code, row.last_error?.title, row.last_error?.detail, row.blocking.join(' | '),
      row.destroyed_bindings.map((b) => `${b.app} (${b.app_guid}) binding ${b.guid}`).join(' | '),
    ]),
  );
  const audit = toCsv(['at', 'identity', 'method', 'path', 'status', 'request_id', 'item'], input.audit.map((a) => [a.at, a.identity, a.method, a.path, a.status, a.requestId, a.itemId]));
  return { 'campaign.json': `${JSON.stringify(json, null, 2)}\n`, 'items.csv': csv, 'audit-trail.csv': audit };
}
