import type { RedisClient } from '../../core/redis-connection.js';
import { SEVERITY_ORDER, type Severity } from '../../audit/findings.js';
import { ReportStore } from '../report/report-store.js';
import type { Report } from '../report/report-model.js';
import type { ShareDiff } from '../report/snapshot-diff.js';

/** A foundation the fleet view shows: its name (the fleet file's, or the API's host without one) and API. */
export interface FleetFoundation {
  readonly name: string;
  readonly api: string;
}

/** Whether the row's latest report can be trusted as today's picture. */
export type FleetRowStatus = 'ok' | 'stale' | 'no report yet';

/**
 * One row of `cf-shares fleet`, as fleet.json and `--json` carry it: field names are a contract with whoever parses
 * them. Counts are null when the foundation has no report yet.
 */
export interface FleetRow {
  readonly foundation: string;
  readonly api: string;
  readonly status: FleetRowStatus;
  readonly report_id: string | null;
  readonly report_at: string | null;
  /** Whole seconds between the report and the time the view was made. */
  readonly age_seconds: number | null;
  readonly stale: boolean;
  readonly shares: number | null;
  readonly shared_instances: number | null;
  /** Shares new since the previous report of the foundation (all of them for its first report, as `report` says). */
  readonly added: number | null;
  readonly removed: number | null;
  readonly findings: Readonly<Record<Severity, number>> | null;
  /** Broker-level share proxies in the latest report; null without a report or before reports had them. */
  readonly broker_proxies: number | null;
  /**
   * Proxies of this foundation whose original (missing here, or in another region) is an instance of another
   * foundation of the fleet, by that foundation's latest report.
   */
  readonly broker_originals_elsewhere: readonly FleetBrokerLink[];
}

/** A proxy of one foundation whose original another foundation of the fleet holds. */
export interface FleetBrokerLink {
  readonly proxy_guid: string;
  readonly proxy: string;
  readonly original_guid: string;
  readonly original: string;
  readonly original_foundation: string;
  /** `org/space` of the original in its foundation. */
  readonly original_space: string;
}

/** Links proxies to originals held by another foundation of the fleet (see FleetRow.broker_originals_elsewhere). */
export function brokerLinks(reports: ReadonlyMap<string, Report>): Map<string, FleetBrokerLink[]> {
  const holder = new Map<string, { foundation: string; name: string; space: string }>();
  for (const [foundation, report] of reports)
    for (const original of report.broker_shares?.originals ?? [])
      holder.set(original.guid, {
        foundation,
        name: original.name,
        space: `${original.place.org ?? original.place.org_guid}/${original.place.space ?? original.place.space_guid}`,
      });
  const links = new Map<string, FleetBrokerLink[]>();
  for (const [foundation, report] of reports) {
    const found: FleetBrokerLink[] = [];
    for (const share of report.broker_shares?.proxies ?? []) {
      if (share.original_where !== 'missing' && share.original_where !== 'remote_region') continue;
      const original = share.original_guid === null ? undefined : holder.get(share.original_guid);
      if (!original || original.foundation === foundation) continue;
      found.push({
        proxy_guid: share.proxy.guid,
        proxy: share.proxy.name,
        original_guid: share.original_guid!,
        original: original.name,
        original_foundation: original.foundation,
        original_space: original.space,
      });
    }
    links.set(foundation, found);
  }
  return links;
}

/**
 * The fleet's rows from the latest stored report of each foundation, in the order given. Reads only the latest
 * report's report.json and diff.json of each: counts by severity and the diff are not in the report's metadata.
 */
export async function fleetRows(
  redis: RedisClient,
  prefix: string,
  foundations: readonly FleetFoundation[],
  options: { readonly now: Date; readonly maxAgeMs: number },
): Promise<FleetRow[]> {
  const store = new ReportStore(redis, prefix);
  const rows: FleetRow[] = [];
  const reports = new Map<string, Report>();
  for (const { name, api } of foundations) {
    const [latest] = await store.list(1, api);
    const reportText = latest && (await store.latestFile(api, 'report.json'));
    if (!latest || !reportText) {
      rows.push(emptyRow(name, api));
      continue;
    }
    const report = JSON.parse(reportText) as Report;
    reports.set(name, report);
    const diffText = await store.latestFile(api, 'diff.json');
    const diff = diffText ? (JSON.parse(diffText) as ShareDiff) : undefined;
    const findings = Object.fromEntries(
      SEVERITY_ORDER.map((severity) => [severity, report.findings.filter((f) => f.severity === severity).length]),
    ) as Record<Severity, number>;
    const ageMs = Math.max(0, options.now.getTime() - Date.parse(latest.generatedAt));
    const stale = ageMs > options.maxAgeMs;
    rows.push({
      foundation: name,
      api,
      status: stale ? 'stale' : 'ok',
      report_id: latest.id,
      report_at: latest.generatedAt,
      age_seconds: Math.floor(ageMs / 1000),
      stale,
      shares: report.summary.shares,
      shared_instances: report.summary.shared_instances,
      added: diff?.added.length ?? null,
      removed: diff?.removed.length ?? null,
      findings,
      broker_proxies: report.broker_shares?.proxies.length ?? null,
      broker_originals_elsewhere: [],
    });
  }
  const links = brokerLinks(reports);
  return rows.map((row) => ({ ...row, broker_originals_elsewhere: links.get(row.foundation) ?? [] }));
}

function emptyRow(foundation: string, api: string): FleetRow {
  return {
    foundation,
    api,
    status: 'no report yet',
    report_id: null,
    report_at: null,
    age_seconds: null,
    stale: false,
    shares: null,
    shared_instances: null,
    added: null,
    removed: null,
    findings: null,
    broker_proxies: null,
    broker_originals_elsewhere: [],
  };
}

/** Every foundation with a stored report, named by its API's host, for a fleet view without a fleet file. */
export async function storedFoundations(redis: RedisClient, prefix: string): Promise<FleetFoundation[]> {
  const apis = new Set((await new ReportStore(redis, prefix).list()).map((meta) => meta.api));
  return [...apis].sort().map((api) => ({ name: new URL(api).host, api }));
}
