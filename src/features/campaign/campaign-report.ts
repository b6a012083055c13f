import { toCsv } from '../report/csv.js';
import {
  brokerItemApps,
  credentialsNote,
  isBrokerItem,
  itemTargetText,
  type AttemptNote,
  type AuditEntry,
  type CampaignItem,
  type CampaignMeta,
  type ItemOutcome,
  type PlanItem,
} from './campaign-model.js';
import type { Answer } from './unshare-outcome.js';

/** How an audit entry's answer reads: the status, the network error, or that none came back. */
export function answerText(entry: AuditEntry): string {
  if (entry.answer === null) return 'sent, answer unknown';
  return 'status' in entry.answer ? String(entry.answer.status) : `no answer: ${entry.answer.networkError}`;
}

/** One line for an answer in the CSV: what was asked and what CC said. */
function evidenceText(answer: Answer | undefined): string {
  if (!answer) return '';
  const said =
    answer.status === undefined
      ? (answer.error ?? 'no answer')
      : `${answer.status}${answer.title ? ` ${answer.title}` : ''}${answer.code === undefined ? '' : ` (${answer.code})`}`;
  return `${answer.request} -> ${said}${answer.requestId ? ` [request ${answer.requestId}]` : ''}`;
}

/** The target space an item sorts by (a broker-level item has none of its own). */
const spaceOf = (item: CampaignItem): string => (isBrokerItem(item) ? '' : item.target.space_guid);

/** Everything a campaign did, for `campaign report`: JSON for machines, CSV for spreadsheets. */
export function renderCampaignReport(input: {
  meta: CampaignMeta;
  items: readonly CampaignItem[];
  outcomes: Readonly<Record<string, ItemOutcome>>;
  attempts: Readonly<Record<string, AttemptNote>>;
  ledger: ReadonlyArray<{ itemId: string; at: string; bindings: PlanItem['bindings'] }>;
  audit: readonly AuditEntry[];
  verification: { at: string; still_shared: unknown[] } | undefined;
}): Record<string, string> {
  const destroyed = new Map<string, PlanItem['bindings']>();
  for (const entry of input.ledger) destroyed.set(entry.itemId, entry.bindings);
  const rows = [...input.items]
    .sort(
      (a, b) =>
        a.instance.name.localeCompare(b.instance.name) ||
        spaceOf(a).localeCompare(spaceOf(b)) ||
        a.id.localeCompare(b.id),
    )
    .map((item) => {
      const outcome = input.outcomes[item.id];
      const note = outcome ?? input.attempts[item.id];
      const broker = isBrokerItem(item) ? item : undefined;
      const share = broker ? undefined : (item as PlanItem);
      return {
        item: item.id,
        kind: broker ? 'broker' : 'share',
        instance_guid: item.instance.guid,
        instance: item.instance.name,
        source: `${item.source.org ?? '?'}/${item.source.space ?? '?'}`,
        target: itemTargetText(item),
        target_space_guid:
          share?.target.space_guid ?? (broker?.proxies.length === 1 ? broker.proxies[0]!.space_guid : ''),
        outcome: outcome?.outcome ?? 'pending',
        attempts: note?.attempts ?? 0,
        decided_by: note?.decidedBy ?? null,
        confirmed_by: note?.confirmedBy ?? null,
        inferred: outcome?.inferred ?? null,
        reason: outcome?.reason ?? null,
        blocking: note?.blockers ?? [],
        binding_deletes: note?.bindingDeletes ?? [],
        // The ledger is written before the unshare is sent: an unshared item's target bindings were deleted by CC
        // in that request (cc-api.md §1.2), whether its answer arrived or was lost in a crash.
        destroyed_bindings: outcome?.outcome === 'unshared' ? (destroyed.get(item.id) ?? []) : [],
        // Whatever the outcome: unsharing deleted (or would delete) bindings whose credentials others still hold.
        note: share ? credentialsNote(share.credentials_not_unique) : null,
        // Broker-level items: the original's proxies, the parameters sent, the apps bound to the proxies, the update's
        // job and what the read after it showed (CC shows the broker accepted the unshare, not each proxy's access).
        ...(broker && {
          proxies: broker.proxies.map(({ guid, name, org, space, space_guid }) => ({
            guid,
            name,
            org,
            space,
            space_guid,
          })),
          unshare_parameters: { unshare: broker.unshare },
          apps_losing_access: brokerItemApps(broker),
          job: outcome?.job ?? null,
          verified: outcome?.verified ?? null,
        }),
      };
    });
  const json = {
    schema: 'cf-shares/campaign@1',
    campaign: input.meta,
    // The approved plan file this campaign executed (unshare-all --from-plan), null for a plan made on the spot.
    plan_hash: input.meta.planHash ?? null,
    verification: input.verification ?? null,
    items: rows,
    audit_trail: input.audit.map((entry) => ({ ...entry, result: answerText(entry) })),
  };
  const csv = toCsv(
    [
      'item',
      'instance_guid',
      'instance',
      'source',
      'target',
      'target_space_guid',
      'outcome',
      'attempts',
      'decided_by',
      'confirmed_by',
      'inferred',
      'reason',
      'error_code',
      'error_title',
      'error_detail',
      'blocking',
      'kind',
      'proxies',
      'verified',
      'destroyed_bindings',
      'note',
      'plan_hash',
    ],
    rows.map((row) => [
      row.item,
      row.instance_guid,
      row.instance,
      row.source,
      row.target,
      row.target_space_guid,
      row.outcome,
      row.attempts,
      evidenceText(row.decided_by ?? undefined),
      evidenceText(row.confirmed_by ?? undefined),
      row.inferred,
      row.reason,
      row.decided_by?.code,
      row.decided_by?.title,
      row.decided_by?.detail ?? row.decided_by?.error,
      row.blocking.join(' | '),
      row.kind,
      row.proxies
        ?.map((proxy) => `${proxy.name} (${proxy.guid}) in ${proxy.org ?? '?'}/${proxy.space ?? '?'}`)
        .join(' | '),
      row.verified,
      row.destroyed_bindings.map((b) => `${b.app} (${b.app_guid}) binding ${b.guid}`).join(' | '),
      row.note,
      input.meta.planHash,
    ]),
  );
  const audit = toCsv(
    ['at', 'identity', 'method', 'path', 'send', 'result', 'sent_request_id', 'answered_request_id', 'item'],
    input.audit.map((a) => [
      a.at,
      a.identity,
      a.method,
      a.path,
      a.send,
      answerText(a),
      a.id,
      a.answer && 'status' in a.answer ? a.answer.requestId : null,
      a.itemId,
    ]),
  );
  return { 'campaign.json': `${JSON.stringify(json, null, 2)}\n`, 'items.csv': csv, 'audit-trail.csv': audit };
}
