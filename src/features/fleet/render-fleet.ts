import { SEVERITY_ORDER } from '../../audit/findings.js';
import { safeJson, safeText } from '../../terminal/safe-text.js';
import { textTable } from '../../terminal/text-table.js';
import { toCsv } from '../report/csv.js';
import type { FleetRow } from './fleet-rows.js';

const dash = (value: number | string | null): string => (value === null ? '-' : String(value));

/** A report's age as people read it: 45m, 7h, 3d. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** The terminal table: one row per foundation. Names and APIs come from files and Redis, so through safeText. */
export function renderFleetTable(rows: readonly FleetRow[]): string {
  return `${textTable(
    [
      'FOUNDATION',
      'REPORT AT',
      'AGE',
      'SHARES',
      'INSTANCES',
      'NEW',
      'GONE',
      'HIGH',
      'MEDIUM',
      'LOW',
      'INFO',
      'PROXIES',
      'STATUS',
      'API',
    ],
    rows.map((row) => [
      safeText(row.foundation),
      dash(row.report_at),
      formatAge(row.age_seconds),
      dash(row.shares),
      dash(row.shared_instances),
      dash(row.added),
      dash(row.removed),
      ...SEVERITY_ORDER.map((severity) => dash(row.findings?.[severity] ?? null)),
      dash(row.broker_proxies),
      row.status,
      safeText(row.api),
    ]),
  )}\n${brokerLinkLines(rows)}`;
}

/** Under the table: each proxy whose original another foundation of the fleet holds. */
function brokerLinkLines(rows: readonly FleetRow[]): string {
  const lines = rows.flatMap((row) =>
    row.broker_originals_elsewhere.map(
      (link) =>
        `${safeText(row.foundation)}: proxy '${safeText(link.proxy)}' uses '${safeText(link.original)}' (${link.original_guid}) of foundation ${safeText(link.original_foundation)}, ${safeText(link.original_space)}\n`,
    ),
  );
  return lines.length === 0 ? '' : `\nbroker-level shares across foundations:\n${lines.join('')}`;
}

/** fleet.json, and the `--json` line: the same rows. */
export function renderFleetJson(rows: readonly FleetRow[], generatedAt: string): string {
  return safeJson(JSON.stringify({ schema: 'cf-shares/fleet@1', generated_at: generatedAt, rows }));
}

/** fleet.csv: the rows flattened, findings as one column per severity. */
export function renderFleetCsv(rows: readonly FleetRow[]): string {
  return toCsv(
    [
      'foundation',
      'api',
      'status',
      'report_id',
      'report_at',
      'age_seconds',
      'stale',
      'shares',
      'shared_instances',
      'added',
      'removed',
      ...SEVERITY_ORDER,
      'broker_proxies',
      'broker_originals_elsewhere',
    ],
    rows.map((row) => [
      row.foundation,
      row.api,
      row.status,
      row.report_id,
      row.report_at,
      row.age_seconds,
      row.stale,
      row.shares,
      row.shared_instances,
      row.added,
      row.removed,
      ...SEVERITY_ORDER.map((severity) => row.findings?.[severity] ?? null),
      row.broker_proxies,
      row.broker_originals_elsewhere.length,
    ]),
  );
}
