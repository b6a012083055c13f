import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/features/report/build-report.js';
import { diffShares } from '../../../src/features/report/snapshot-diff.js';
import { MARKDOWN_MEDIUM_LIMIT, renderReportFiles } from '../../../src/features/report/render-files.js';
import { computeFindings } from '../../../src/audit/findings.js';
import type { FoundationSnapshot } from '../../../src/audit/snapshot.js';

const TARGETS = 25;
/** One instance of a no-longer-shareable offering (high) shared into 25 spaces of another org (medium each). */
const snapshot: FoundationSnapshot = {
  api: 'https://api.example',
  generatedAt: '2026-11-22T01:00:00.000Z',
  sharingFlagEnabled: true,
  orgs: [
    { guid: 'org-a', name: 'alpha' },
    { guid: 'org-b', name: 'be|ta*' },
  ],
  spaces: [
    { guid: 'src', name: 'data', orgGuid: 'org-a' },
    ...Array.from({ length: TARGETS }, (_, i) => ({
      guid: `t${String(i).padStart(2, '0')}`,
      name: `web-${String(i).padStart(2, '0')}`,
      orgGuid: 'org-b',
    })),
  ],
  offerings: [{ guid: 'off', name: 'postgres', shareable: false }],
  plans: [
    {
      guid: 'plan',
      name: 'small',
      offeringGuid: 'off',
      active: true,
      visibilityType: 'public',
      visibleOrgGuids: [],
      spaceGuid: null,
    },
  ],
  instanceCounts: { all: 2, managed: 2 },
  sharedInstances: [
    { guid: 'si-z', name: 'zeta,db', spaceGuid: 'src', planGuid: 'plan', dashboardUrl: null },
    { guid: 'si-a', name: 'orders_db', spaceGuid: 'src', planGuid: 'plan', dashboardUrl: null },
  ],
  shares: [
    ...Array.from({ length: TARGETS }, (_, i) => ({
      instanceGuid: 'si-z',
      targetSpaceGuid: `t${String(TARGETS - 1 - i).padStart(2, '0')}`,
    })),
    { instanceGuid: 'si-a', targetSpaceGuid: 't03' },
  ],
  appBindings: [],
  keys: [{ guid: 'k1', name: 'k', instanceGuid: 'si-a' }],
  securityGroups: [],
};
const report = buildReport(snapshot, computeFindings(snapshot), 1);
const files = renderReportFiles(report, snapshot, diffShares(null, report));

/** Parses our CSV (quoted cells may hold commas; no cell holds a line break). */
function parseCsv(text: string): Array<Record<string, string>> {
  const [header, ...rows] = text
    .trimEnd()
    .split('\r\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!));
  return rows.map((row) =>
    Object.fromEntries(header!.map((name, i) => [name, (row[i] ?? '').replace(/^"|"$/g, '').replace(/""/g, '"')])),
  );
}

describe('findings.csv', () => {
  const rows = parseCsv(files['findings.csv']!);

  it('keeps the seven original columns first and appends the names', () => {
    expect(files['findings.csv']!.split('\r\n')[0]).toBe(
      'severity,kind,instance_guid,space_guid,message,confidence,endpoint_source,' +
        'instance,source_org,source_space,target_org,target_space,source_space_guid',
    );
    expect(rows).toHaveLength(report.findings.length);
    const share = rows.find(
      (row) => row.kind === 'cross_org_share' && row.space_guid === 't03' && row.instance_guid === 'si-a',
    );
    expect(share).toMatchObject({
      instance: 'orders_db',
      source_org: 'alpha',
      source_space: 'data',
      source_space_guid: 'src',
      target_org: 'be|ta*',
      target_space: 'web-03',
    });
    // Names are data: a comma in a name is quoted, not a new column.
    expect(rows.filter((row) => row.instance === 'zeta,db').length).toBeGreaterThan(TARGETS);
  });

  it('is sorted by severity (high, medium, low, info), then kind, then names', () => {
    const rank = { high: 0, medium: 1, low: 2, info: 3 } as Record<string, number>;
    const keys = rows.map((r) => [rank[r.severity!]!, r.kind!, r.instance!, r.target_org!, r.target_space!] as const);
    const sorted = [...keys].sort(
      (a, b) =>
        a[0] - b[0] ||
        a[1].localeCompare(b[1]) ||
        a[2].localeCompare(b[2]) ||
        a[3].localeCompare(b[3]) ||
        a[4].localeCompare(b[4]),
    );
    expect(keys).toEqual(sorted);
    expect(rows[0]!.severity).toBe('high');
    expect(rows.map((r) => r.severity)).toContain('low');
    // The shares were listed t24 … t00: the CSV reads them by target name.
    const targets = rows
      .filter((r) => r.kind === 'cross_org_share' && r.instance === 'zeta,db')
      .map((r) => r.target_space);
    expect(targets).toEqual([...targets].sort());
  });
});

describe('report.md findings', () => {
  const md = files['report.md']!;

  it('names every high finding: instance, source → target, kind, message, Markdown-escaped', () => {
    const high = report.findings.filter((f) => f.severity === 'high');
    expect(high.length).toBe(2);
    expect(md).toContain('### High findings\n');
    expect(md).toMatch(/^\| orders\\_db \| alpha\/data \| offering_not_shareable \| .+ \|$/m);
    expect(md).toMatch(/^\| zeta,db \| alpha\/data \| offering_not_shareable \| .+ \|$/m);
  });

  it(`lists the first ${MARKDOWN_MEDIUM_LIMIT} medium findings by name and counts the rest`, () => {
    const medium = report.findings.filter((f) => f.severity === 'medium').length;
    expect(medium).toBeGreaterThan(MARKDOWN_MEDIUM_LIMIT);
    expect(md).toContain(`### Medium findings (first ${MARKDOWN_MEDIUM_LIMIT} of ${medium})`);
    expect(md).toContain(`…and ${medium - MARKDOWN_MEDIUM_LIMIT} more medium finding(s) in findings.csv.`);
    const section = md.slice(md.indexOf('### Medium findings'), md.indexOf('…and'));
    const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| instance'));
    expect(rows).toHaveLength(MARKDOWN_MEDIUM_LIMIT);
    expect(rows[0]).toBe(
      `| orders\\_db | alpha/data → be\\|ta\\*/web-03 | cross_org_share | ${rows[0]!.split(' | ').at(-1)}`,
    );
    expect(md).not.toContain('### Low findings');
  });
});
