import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/features/report/build-report.js';
import { toCsv } from '../../../src/features/report/csv.js';
import { auditEventsNdjson } from '../../../src/features/export/export-files.js';
import { diffShares } from '../../../src/features/report/snapshot-diff.js';
import { renderReportFiles } from '../../../src/features/report/render-files.js';
import { computeFindings } from '../../../src/audit/findings.js';
import type { FoundationSnapshot, ServiceEndpoint } from '../../../src/audit/snapshot.js';

const snapshot: FoundationSnapshot = {
  api: 'https://api.example',
  generatedAt: '2026-11-22T01:00:00.000Z',
  sharingFlagEnabled: true,
  orgs: [
    { guid: 'org-a', name: 'alpha' },
    { guid: 'org-b', name: 'beta' },
  ],
  spaces: [
    { guid: 'src', name: 'data', orgGuid: 'org-a' },
    { guid: 't1', name: 'web', orgGuid: 'org-a' },
    { guid: 't2', name: 'api', orgGuid: 'org-b' },
  ],
  offerings: [{ guid: 'off', name: 'postgres', shareable: true }],
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
  instanceCounts: { all: 10, managed: 8 },
  sharedInstances: [{ guid: 'si-1', name: 'orders-db', spaceGuid: 'src', planGuid: 'plan', dashboardUrl: null }],
  shares: [
    { instanceGuid: 'si-1', targetSpaceGuid: 't2' },
    { instanceGuid: 'si-1', targetSpaceGuid: 't1' },
  ],
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
      shares_with_known_endpoint: 0,
      shares_with_known_endpoint_by_source: { endpoints_file: 0, credentials: 0 },
      findings: { sharing_flag_enabled: 1, keys_on_shared_instance: 1, cross_org_share: 1 },
    });
    const [first, second] = report.shares;
    expect(first).toEqual({
      instance: {
        guid: 'si-1',
        name: 'orders-db',
        offering: 'postgres',
        offering_guid: 'off',
        plan: 'small',
        plan_guid: 'plan',
      },
      source: { org_guid: 'org-a', org: 'alpha', space_guid: 'src', space: 'data' },
      target: { org_guid: 'org-a', org: 'alpha', space_guid: 't1', space: 'web' },
      bound_apps: [
        { guid: 'app-2', name: 'billing' },
        { guid: 'app-1', name: 'checkout' },
      ],
      binding_count: 3,
      key_count: 1,
      endpoint_source: null,
    });
    expect(second?.target.space_guid).toBe('t2');
    expect(second?.binding_count).toBe(0);
  });

  it('renders every file, with formula-looking cells defused', () => {
    const files = renderReportFiles(report, snapshot, diffShares(null, report));
    expect(Object.keys(files).sort()).toEqual([
      'broker-shares.csv',
      'diff.json',
      'findings.csv',
      'keys.csv',
      'report.json',
      'report.md',
      'shares.csv',
    ]);
    expect(JSON.parse(files['report.json']!)).toEqual(report);
    expect(files['shares.csv']!.split('\r\n')[1]).toBe(
      'si-1,orders-db,postgres,small,alpha,data,org-a,src,alpha,web,org-a,t1,2,3,1,off,',
    );
    expect(files['keys.csv']).toContain(`k1,"'=HYPERLINK(""x"")",si-1,orders-db,alpha,data`);
    expect(files['report.md']).toContain('| Shares (instance → target space) | 2 |');
    expect(files['report.md']).toContain('no previous report');
    expect(files['report.md']).toContain(
      '| Shares whose service address was known | 0 of 2 (endpoints file 0, credentials 0) |',
    );
  });

  it('counts the shares whose endpoint was known, by source, and marks each share', () => {
    const endpoints = new Map<string, ServiceEndpoint>([
      ['si-1', { destination: '10.0.0.1', port: 5432, source: 'credentials' }],
    ]);
    const known = buildReport(snapshot, computeFindings(snapshot, endpoints), 42, endpoints);
    expect(known.summary.shares_with_known_endpoint).toBe(2);
    expect(known.summary.shares_with_known_endpoint_by_source).toEqual({ endpoints_file: 0, credentials: 2 });
    expect(known.shares.map((s) => s.endpoint_source)).toEqual(['credentials', 'credentials']);
    const gaps = known.findings.filter((f) => f.kind === 'asg_gap');
    expect(gaps.map((f) => [f.space_guid, f.severity, f.confidence, f.endpoint_source])).toEqual([
      ['t1', 'high', 'endpoint', 'credentials'],
      ['t2', 'medium', 'endpoint', 'credentials'],
    ]);
    const files = renderReportFiles(known, snapshot, diffShares(null, known));
    expect(files['report.md']).toContain(
      '| Shares whose service address was known | 2 of 2 (endpoints file 0, credentials 2) |',
    );
    // Readers by position keep their seven columns; the name columns come after them (report@1 is additive).
    expect(files['findings.csv']!.split('\r\n')[0]).toMatch(
      /^severity,kind,instance_guid,space_guid,message,confidence,endpoint_source(,|$)/,
    );
    expect(files['findings.csv']).toMatch(/^high,asg_gap,si-1,t1,.*,endpoint,credentials,/m);
  });

  it('says in report.md which asg_gap findings are only inferred', () => {
    const inferredSnapshot: FoundationSnapshot = {
      ...snapshot,
      securityGroups: [
        {
          guid: 'g',
          globallyRunning: false,
          rules: [{ protocol: 'tcp', destination: '10.0.0.0/24', ports: '5432' }],
          runningSpaceGuids: ['src'],
        },
      ],
    };
    const report = buildReport(inferredSnapshot, computeFindings(inferredSnapshot), 1);
    const md = renderReportFiles(report, inferredSnapshot, diffShares(null, report))['report.md']!;
    expect(md).toContain('| info | asg_gap | 2 |');
    expect(md).toContain('2 asg_gap finding(s) are inferred (severity info)');
  });
});

describe('untrusted names in the report files', () => {
  const nasty = {
    org: 'evil\x1b]8;;https://phish.example\x07org\x1b]8;;\x07',
    space: 'web\r\n| injected | row |',
    instance: 'orders\u202eDB\x1b[2J',
    app: 'app\u2066\u2069\u0085',
    key: '\t=cmd|calc',
  };
  const dirty: FoundationSnapshot = {
    ...snapshot,
    orgs: [
      { guid: 'org-a', name: nasty.org },
      { guid: 'org-b', name: 'beta' },
    ],
    spaces: [
      { guid: 'src', name: 'data', orgGuid: 'org-a' },
      { guid: 't1', name: nasty.space, orgGuid: 'org-a' },
      { guid: 't2', name: 'api', orgGuid: 'org-b' },
    ],
    sharedInstances: [{ guid: 'si-1', name: nasty.instance, spaceGuid: 'src', planGuid: 'plan', dashboardUrl: null }],
    appBindings: [{ guid: 'b1', instanceGuid: 'si-1', appGuid: 'app-1', appName: nasty.app, appSpaceGuid: 't1' }],
    keys: [{ guid: 'k1', name: nasty.key, instanceGuid: 'si-1' }],
  };
  const report = buildReport(dirty, computeFindings(dirty), 1);
  const files = renderReportFiles(report, dirty, diffShares(null, report));
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

  it('keeps report.json exact, yet with nothing raw a terminal would act on', () => {
    expect(JSON.parse(files['report.json']!)).toEqual(report);
    expect(report.shares.map((s) => s.instance.name)).toContain(nasty.instance);
    expect(files['report.json']).not.toMatch(raw);
    expect(files['diff.json']).not.toMatch(raw);
  });

  it('keeps every CSV to one line per row, with no control character and formulas defused', () => {
    for (const name of ['shares.csv', 'findings.csv', 'keys.csv']) {
      const text = files[name]!;
      expect(text.replace(/\r\n/g, '\n'), name).not.toMatch(raw);
      expect(text.replace(/\r\n/g, ''), name).not.toMatch(/[\r\n\t]/);
    }
    expect(files['shares.csv']!.split('\r\n')).toHaveLength(report.shares.length + 2);
    expect(files['keys.csv']).toContain('k1,\\x09=cmd|calc,si-1,orders\\u202eDB\\x1b[2J,');
  });

  it('keeps every Markdown table row on one line, with its columns', () => {
    const md = files['report.md']!;
    expect(md).not.toMatch(raw);
    const shares = md.slice(md.indexOf('## Shares'));
    const rows = shares.split('\n').filter((line) => line.includes('orders'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(8);
    // The named findings (the cross-org share is medium) keep their five columns too.
    const findingRows = md
      .slice(0, md.indexOf('## Shares'))
      .split('\n')
      .filter((line) => line.includes('orders'));
    expect(findingRows.length).toBeGreaterThan(0);
    for (const row of findingRows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6);
    expect(md).not.toContain('| injected |');
    expect(md).toContain('orders\\\\u202eDB\\\\x1b\\[2J');
  });
});

describe('diffShares', () => {
  it('lists shares added and removed since the previous report', () => {
    const before = buildReport(snapshot, [], 1);
    const after = buildReport(
      {
        ...snapshot,
        generatedAt: '2026-11-23T01:00:00.000Z',
        shares: [
          { instanceGuid: 'si-1', targetSpaceGuid: 't2' },
          { instanceGuid: 'si-1', targetSpaceGuid: 'src-x' },
        ],
      },
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
  it('quotes separators and quotes, and writes line breaks as visible escapes', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\nline\\x0abreak,\r\n');
  });
});

describe('auditEventsNdjson', () => {
  it('keeps one event per line, exact once parsed, with no raw line separator or control character', () => {
    const event = {
      type: 'audit.service_instance.share',
      actee_name: 'db\u2028fake line\u202e\x1b[31m',
      metadata: { request: { password: 'hunter2' } },
    };
    const text = auditEventsNdjson([event, event]);
    expect(text.split('\n')).toHaveLength(3);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    expect(JSON.parse(text.split('\n')[0]!).actee_name).toBe(event.actee_name);
    expect(text).not.toContain('hunter2');
  });
});
