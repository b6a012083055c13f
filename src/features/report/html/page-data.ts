import { SEVERITY_ORDER, type Severity } from '../../../audit/findings.js';
import type { Report, ReportPlace, ReportShare } from '../report-model.js';
import type { ShareDiff } from '../snapshot-diff.js';
import { namedFindings } from '../named-findings.js';

/** An org: guid, name (null when the report could not name it). */
export type PageOrg = [guid: string, name: string | null];
/** A space: guid, name, index of its org in `orgs`. */
export type PageSpace = [guid: string, name: string | null, org: number];
/** A shared instance: guid, name, offering, plan, index of the space that owns it. */
export type PageInstance = [guid: string, name: string, offering: string | null, plan: string | null, space: number];
/** A share: instance index, target space index, names of the apps bound there, binding count, key count. */
export type PageShare = [instance: number, target: number, apps: string[], bindings: number, keys: number];
/**
 * A finding: severity, kind, instance index (-1: foundation-wide), target space index (-1: not about one target),
 * message, confidence (null unless asg_gap).
 */
export type PageFinding = [
  severity: Severity,
  kind: string,
  instance: number,
  target: number,
  message: string,
  confidence: string | null,
];
/** A removed share, by name: it is gone from the current report. */
export type PageDiffShare = [
  instance: string,
  offering: string | null,
  sourceOrg: string | null,
  sourceSpace: string | null,
  targetOrg: string | null,
  targetSpace: string | null,
];

/**
 * What report.html embeds: report.json and diff.json in tables that name each org, space and instance once and refer
 * to them by index. report.json repeats every name on every share (about 1.4 KB a share), which would put a
 * 10k-share page far over its 5 MB budget; the page needs names and counts, not every guid twice.
 */
export interface PageData {
  readonly schema: 'cf-shares/report-page@1';
  readonly api: string;
  readonly generated_at: string;
  readonly sharing_flag_enabled: boolean;
  readonly summary: {
    readonly instances: number;
    readonly shared_instances: number;
    readonly shares: number;
    readonly bound_apps: number;
    readonly keys: number;
    readonly findings: Record<Severity, number>;
    readonly added: number;
    readonly removed: number;
    readonly previous_generated_at: string | null;
  };
  readonly orgs: PageOrg[];
  readonly spaces: PageSpace[];
  readonly instances: PageInstance[];
  readonly shares: PageShare[];
  /** In the order people read them (see namedFindings): high first. */
  readonly findings: PageFinding[];
  /** Added shares are indexes into `shares` (a first report adds every share: names twice would double the page). */
  readonly diff: { readonly added: number[]; readonly removed: PageDiffShare[] };
  /**
   * Above this many map elements (space nodes, org nodes and space-to-space edges) the map opens on orgs and draws
   * an org's spaces when it is selected: cytoscape takes about a second per few thousand elements to draw.
   */
  readonly map_element_limit: number;
}

const diffShare = (share: ReportShare): PageDiffShare => [
  share.instance.name,
  share.instance.offering,
  share.source.org,
  share.source.space,
  share.target.org,
  share.target.space,
];

/** Map elements drawn at once before the map opens on orgs (see PageData.map_element_limit). */
export const MAP_ELEMENT_LIMIT = 3000;

/** The page's data from a report and its diff with the previous one. Pure. */
export function pageData(report: Report, diff: ShareDiff, mapElementLimit = MAP_ELEMENT_LIMIT): PageData {
  const orgs: PageOrg[] = [];
  const orgIndex = new Map<string, number>();
  const spaces: PageSpace[] = [];
  const spaceIndex = new Map<string, number>();
  const placeIndex = (place: ReportPlace): number => {
    let index = spaceIndex.get(place.space_guid);
    if (index !== undefined) return index;
    let org = orgIndex.get(place.org_guid);
    if (org === undefined) {
      org = orgs.push([place.org_guid, place.org]) - 1;
      orgIndex.set(place.org_guid, org);
    }
    index = spaces.push([place.space_guid, place.space, org]) - 1;
    spaceIndex.set(place.space_guid, index);
    return index;
  };
  const instances: PageInstance[] = [];
  const instanceIndex = new Map<string, number>();
  const shareIndex = new Map<string, number>();
  const shares: PageShare[] = report.shares.map((share, index) => {
    shareIndex.set(`${share.instance.guid} ${share.target.space_guid}`, index);
    let instance = instanceIndex.get(share.instance.guid);
    if (instance === undefined) {
      const { guid, name, offering, plan } = share.instance;
      instance = instances.push([guid, name, offering, plan, placeIndex(share.source)]) - 1;
      instanceIndex.set(guid, instance);
    }
    return [
      instance,
      placeIndex(share.target),
      share.bound_apps.map((app) => app.name),
      share.binding_count,
      share.key_count,
    ];
  });
  const findings = namedFindings(report).map(({ finding, target }): PageFinding => {
    const instance = finding.instance_guid === null ? undefined : instanceIndex.get(finding.instance_guid);
    return [
      finding.severity,
      finding.kind,
      instance ?? -1,
      target ? placeIndex(target) : -1,
      finding.message,
      finding.confidence ?? null,
    ];
  });
  const severities = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of report.findings) severities[finding.severity] += 1;
  const s = report.summary;
  return {
    schema: 'cf-shares/report-page@1',
    api: report.api,
    generated_at: report.generated_at,
    sharing_flag_enabled: report.sharing_flag.enabled,
    summary: {
      instances: s.instances,
      shared_instances: s.shared_instances,
      shares: s.shares,
      bound_apps: s.bound_apps_in_target_spaces,
      keys: s.keys_on_shared_instances,
      findings: severities,
      added: diff.added.length,
      removed: diff.removed.length,
      previous_generated_at: diff.previous_generated_at,
    },
    orgs,
    spaces,
    instances,
    shares,
    findings,
    diff: {
      added: diff.added.flatMap((share) => shareIndex.get(`${share.instance.guid} ${share.target.space_guid}`) ?? []),
      removed: diff.removed.map(diffShare),
    },
    map_element_limit: mapElementLimit,
  };
}
