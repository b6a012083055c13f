import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report.js';
import { toCsv } from '../../src/report/csv.js';
import { diffShares } from '../../src/report/snapshot-diff.js';
import { renderReportFiles } from '../../src/report/render-files.js';
import { computeFindings } from '../../src/audit/findings.js';
import type { FoundationSnapshot } from '../../src/audit/snapshot.js';

const snapshot: FoundationSnapshot = {
  api: 'https://api.example',
  generatedAt: '2026-11-22T01:00:00.000Z',
  sharingFlagEnabled: true,
  orgs: [{ guid: 'org-a', name: 'alpha' }, { guid: 'org-b', name: 'beta' }],
  spaces: [
    { guid: 'src', name: 'data', orgGuid: 'org-a' },
    { guid: 't1', name: 'web', orgGuid: 'org-a' },
    { guid: 't2', name: 'api', orgGuid: 'org-b' },
  ],
  offerings: [{ guid: 'off', name: 'postgres', shareable: true }],
  plans: [{ guid: 'plan', name: 'small', offeringGuid: 'off', active: true, visibilityType: 'public', visibleOrgGuids: [], spaceGuid: null }],
  instanceCounts: { all: 10, managed: 8 },
  sharedInstances: [{ guid: 'si-1', name: 'orders-db', spaceGuid: 'src', planGuid: 'plan', dashboardUrl: null }],
  shares: [{ instanceGuid: 'si-1', targetSpaceGuid: 't2' }, { instanceGuid: 'si-1', targetSpaceGuid: 't1' }],
  appBindings: [
    { guid: 'b1', instanceGuid: 'si-1', appGuid: 'app-1', appName: 'checkout', appSpaceGuid: 't1' },
    { guid: 'b2', instanceGuid: 'si-1', appGuid: 'app-1', appName: 'checkout', appSpaceGuid: 't1' },
    { guid: 'b3', instanceGuid: 'si-1', appGuid: 'app-2', appName: 'billing', appSpaceGuid: 't1' },
    { guid: 'b4', instanceGuid: 'si-1', appGuid: 'app-9', appName: 'owner-app', appSpaceGuid: 'src' },
  ],
  keys: [{ guid: 'k1', name: '=HYPERLINK("x")', instanceGuid: 'si-1' }],
  securityGroups: [],
};

describe('buildReport', () => {
  const report = buildReport(snapshot, computeFindings(snapshot), 42);

  it('fills the report@1 contract', () => {
    expect(report.schema).toBe('cf-shares/report@1');
    expect(report.summary).toEqual({
      instances: 10,
      managed_instances: 8,
      shared_instances: 1,
      shares: 2,
      bound_apps_in_target_spaces: 2, // checkout and billing in t1; owner-app is in the source space
      keys_on_shared_instances: 1,
      requests: 42,
      findings: { sharing_flag_enabled: 1, keys_on_shared_instance: 1, cross_org_share: 1 },
    });
    const [first, second] = report.shares;
    expect(first).toEqual({
      instance: { guid: 'si-1', name: 'orders-db', offering: 'postgres', plan: 'small', plan_guid: 'plan' },
      source: { org_guid: 'org-a', org: 'alpha', space_guid: 'src', space: 'data' },
      target: { org_guid: 'org-a', org: 'alpha', space_guid: 't1', space: 'web' },
      bound_apps: [{ guid: 'app-2', name: 'billing' }, { guid: 'app-1', name: 'checkout' }],
      binding_count: 3,
      key_count: 1,
    });
    expect(second?.target.space_guid).toBe('t2');
    expect(second?.binding_count).toBe(0);
  });

  it('renders every file, with formula-looking cells defused', () => {
    const files = renderReportFiles(report, snapshot, diffShares(null, report));
    expect(Object.keys(files).sort()).toEqual(['diff.json', 'findings.csv', 'keys.csv', 'report.json', 'report.md', 'shares.csv']);
    expect(JSON.parse(files['report.json']!)).toEqual(report);
    expect(files['shares.csv']!.split('\r\n')[1]).toBe('si-1,orders-db,postgres,small,alpha,data,org-a,src,alpha,web,org-a,t1,2,3,1');
    expect(files['keys.csv']).toContain(`k1,"'=HYPERLINK(""x"")",si-1,orders-db,alpha,data`);
    expect(files['report.md']).toContain('| Shares (instance → target space) | 2 |');
    expect(files['report.md']).toContain('no previous report');
  });
});

describe('diffShares', () => {
  it('lists shares added and removed since the previous report', () => {
    const before = buildReport(snapshot, [], 1);
    const after = buildReport(
      { ...snapshot, generatedAt: '2026-11-23T01:00:00.000Z', shares: [{ instanceGuid: 'si-1', targetSpaceGuid: 't2' }, { instanceGuid: 'si-1', targetSpaceGuid: 'src-x' }] },
      [],
      1,
    );
    const diff = diffShares(before, after);
    expect(diff.added.map((s) => s.target.space_guid)).toEqual(['src-x']);
    expect(diff.removed.map((s) => s.target.space_guid)).toEqual(['t1']);
    expect(diff.previous_generated_at).toBe('2026-11-22T01:00:00.000Z');
  });
});

describe('toCsv', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', null]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
  });
});
