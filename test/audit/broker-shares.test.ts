import { describe, expect, it } from 'vitest';
import { computeFindings } from '../../src/audit/findings.js';
import type { FoundationSnapshot } from '../../src/audit/snapshot.js';
import type { BrokerProxy } from '../../src/audit/broker-shares.js';
import { originOf, parseProxyPlan, proxyPlansOf } from '../../src/audit/broker-shares.js';
import { brokerShareCandidates, brokerSharePlans } from '../../src/crawl/discover-broker-shares.js';
import { buildReport } from '../../src/features/report/build-report.js';
import { renderReportFiles } from '../../src/features/report/render-files.js';
import { brokerSharesHtml } from '../../src/features/report/html/broker-shares-html.js';
import { namedFindings } from '../../src/features/report/named-findings.js';
import { checkAgainstTruth, truthCheckPassed } from '../../src/features/report/truth-check.js';
import { diffShares } from '../../src/features/report/snapshot-diff.js';
import { buildReportNotification } from '../../src/features/notify/report-notification.js';

const plan = (guid: string, name: string, offeringGuid: string) => ({
  guid,
  name,
  offeringGuid,
  active: true,
  visibilityType: 'public' as const,
  visibleOrgGuids: [],
  spaceGuid: null,
});
const instance = (guid: string, name: string, spaceGuid: string, planGuid: string) => ({
  guid,
  name,
  spaceGuid,
  planGuid,
  dashboardUrl: null,
});
const proxy = (
  guid: string,
  spaceGuid: string,
  origin: BrokerProxy['origin'],
  parametersError: BrokerProxy['parametersError'] = null,
): BrokerProxy => ({ ...instance(guid, `proxy-${guid}`, spaceGuid, 'p-proxy'), origin, parametersError });

/** A foundation with one free and one standard original, and a proxy for every case the audit tells apart. */
const snapshot: FoundationSnapshot = {
  api: 'https://api.example',
  generatedAt: '2026-12-03T00:00:00Z',
  sharingFlagEnabled: false,
  orgs: [
    { guid: 'org-a', name: 'alpha' },
    { guid: 'org-b', name: 'beta' },
  ],
  spaces: [
    { guid: 's-a1', name: 'owner', orgGuid: 'org-a' },
    { guid: 's-a2', name: 'web', orgGuid: 'org-a' },
    { guid: 's-b1', name: 'api', orgGuid: 'org-b' },
  ],
  offerings: [{ guid: 'o-cs', name: 'credstore', shareable: false }],
  plans: [plan('p-free', 'free', 'o-cs'), plan('p-std', 'standard', 'o-cs'), plan('p-proxy', 'proxy', 'o-cs')],
  instanceCounts: { all: 8, managed: 8 },
  sharedInstances: [],
  shares: [],
  appBindings: [],
  keys: [],
  securityGroups: [],
  brokerShares: {
    proxyPlans: ['credstore:proxy'],
    originals: [instance('orig-free', 'secrets', 's-a1', 'p-free'), instance('orig-std', 'vault', 's-a1', 'p-std')],
    proxies: [
      proxy('px1', 's-a2', { serviceGuid: 'orig-free', landscape: null }),
      proxy('px2', 's-b1', { serviceGuid: 'orig-free', landscape: null }),
      proxy('px3', 's-b1', { serviceGuid: 'orig-std', landscape: null }),
      proxy('px4', 's-a2', { serviceGuid: 'gone-guid', landscape: null }),
      proxy('px5', 's-a2', { serviceGuid: 'far-guid', landscape: 'cf-us20' }),
      proxy('px6', 's-b1', null, {
        status: 409,
        code: 60016,
        title: 'CF-AsyncServiceInstanceOperationInProgress',
        detail: 'An operation for service instance proxy-px6 is in progress.',
      }),
    ],
    appBindings: [
      { guid: 'b1', instanceGuid: 'px2', appGuid: 'app1', appName: 'checkout', appSpaceGuid: 's-b1', name: null },
    ],
    keys: [{ guid: 'k1', name: 'ci', instanceGuid: 'px3' }],
  },
};

describe('broker-level share findings', () => {
  const findings = computeFindings(snapshot);
  const kinds = findings.map((f) => `${f.kind}:${f.instance_guid}`);

  it('names each case once: cross-org, stale, remote, unreadable, and the over-quota original', () => {
    expect(kinds).toEqual([
      'broker_share_cross_org:px2',
      'broker_share_cross_org:px3',
      'broker_share_original_missing:px4',
      'broker_share_remote_region:px5',
      'broker_share_parameters_unreadable:px6',
      'broker_share_over_quota:orig-free',
    ]);
    expect(findings.map((f) => f.severity)).toEqual(['medium', 'medium', 'medium', 'info', 'info', 'low']);
  });

  it('says what CC answered for unreadable parameters, and which original the others name', () => {
    const unreadable = findings.find((f) => f.kind === 'broker_share_parameters_unreadable')!;
    expect(unreadable.answer).toEqual({
      status: 409,
      code: 60016,
      title: 'CF-AsyncServiceInstanceOperationInProgress',
    });
    expect(unreadable.message).toContain('409 CF-AsyncServiceInstanceOperationInProgress');
    expect(findings.find((f) => f.kind === 'broker_share_original_missing')!.original_guid).toBe('gone-guid');
    expect(findings.find((f) => f.kind === 'broker_share_remote_region')!.message).toContain('cf-us20');
    expect(findings.find((f) => f.kind === 'broker_share_over_quota')!.message).toContain('2 proxies, more than the 1');
  });

  it('finds nothing in a snapshot without broker shares', () => {
    expect(computeFindings({ ...snapshot, brokerShares: undefined })).toEqual([]);
  });
});

describe('broker-level shares in the report', () => {
  const findings = computeFindings(snapshot);
  const report = buildReport(snapshot, findings, 10);

  it('has one row per proxy with where its original is, its bindings and keys', () => {
    const rows = report.broker_shares!.proxies;
    expect(rows.map((row) => [row.proxy.guid, row.original_where])).toEqual([
      ['px1', 'local'],
      ['px2', 'local'],
      ['px3', 'local'],
      ['px4', 'missing'],
      ['px5', 'remote_region'],
      ['px6', 'unknown'],
    ]);
    expect(rows[1]!.original).toMatchObject({ name: 'secrets', plan: 'free', proxies: 2, quota: 1 });
    expect(rows[1]!.original!.place).toMatchObject({ org: 'alpha', space: 'owner' });
    expect(rows[1]!.bound_apps).toEqual([{ guid: 'app1', name: 'checkout' }]);
    expect(rows[2]!.key_count).toBe(1);
    expect(rows[5]!.parameters_error?.status).toBe(409);
    expect(report.broker_shares!.originals_named).toBe(2);
    // CC share counts stay about CC shares.
    expect(report.summary.shares).toBe(0);
  });

  it('writes broker-shares.csv and a Markdown section, and names proxies in findings', () => {
    const files = renderReportFiles(report, snapshot, { previous_generated_at: null, added: [], removed: [] } as never);
    const csv = files['broker-shares.csv']!.trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0]).toMatch(/^proxy_guid,proxy,offering,plan,/);
    expect(csv.find((line) => line.startsWith('px5,'))).toContain('cf-us20');
    expect(files['report.md']).toContain('## Broker-level shares');
    expect(files['report.md']).toContain('not found (deleted; the proxy is stale)');
    const named = namedFindings(report).find((n) => n.finding.instance_guid === 'px2')!;
    expect(named.instance).toBe('proxy-px2');
    expect(named.source).toMatchObject({ org: 'beta', space: 'api' });
  });

  it('renders an escaped HTML section', () => {
    const hostile = { ...report.broker_shares!.proxies[0]!, proxy: { ...report.broker_shares!.proxies[0]!.proxy } };
    hostile.proxy.name = '<img src=x onerror=alert(1)>';
    const html = brokerSharesHtml({ ...report, broker_shares: { ...report.broker_shares!, proxies: [hostile] } });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(brokerSharesHtml({ ...report, broker_shares: undefined })).toBe('');
  });

  it('leaves reports of foundations without proxies as they were', () => {
    const plain = buildReport({ ...snapshot, brokerShares: undefined }, [], 1);
    expect(plain.broker_shares).toBeUndefined();
  });
});

describe('proxy plans and parameters', () => {
  it('parses OFFERING:PLAN and refuses anything else', () => {
    expect(parseProxyPlan('credstore:proxy')).toEqual({ offering: 'credstore', plan: 'proxy' });
    expect(parseProxyPlan('my:offering:proxy')).toEqual({ offering: 'my:offering', plan: 'proxy' });
    expect(parseProxyPlan('credstore')).toMatch(/OFFERING:PLAN/);
    expect(parseProxyPlan(':proxy')).toMatch(/OFFERING:PLAN/);
    expect(() => proxyPlansOf(['nope'])).toThrow(/OFFERING:PLAN/);
  });

  it('reads the origin only from what names one', () => {
    expect(originOf({ origin: { serviceGuid: 'g', landscape: 'cf-us20' } })).toEqual({
      serviceGuid: 'g',
      landscape: 'cf-us20',
    });
    expect(originOf({ origin: { serviceGuid: 'g' } })).toEqual({ serviceGuid: 'g', landscape: null });
    for (const parameters of [
      null,
      'x',
      {},
      { origin: null },
      { origin: { serviceGuid: '' } },
      { origin: { guid: 'g' } },
    ])
      expect(originOf(parameters)).toBeNull();
  });

  it('picks proxies by offering and plan name, and the same offerings other plans as originals', () => {
    const records = [
      { guid: 'a', name: 'a', managed: true, spaceGuid: 's', planGuid: 'p-proxy', dashboardUrl: null },
      { guid: 'b', name: 'b', managed: true, spaceGuid: 's', planGuid: 'p-free', dashboardUrl: null },
      { guid: 'c', name: 'c', managed: true, spaceGuid: 's', planGuid: 'other', dashboardUrl: null },
      { guid: 'd', name: 'd', managed: false, spaceGuid: 's', planGuid: null, dashboardUrl: null },
    ];
    const plans = [...snapshot.plans, plan('other', 'proxy', 'o-other')];
    const offerings = [...snapshot.offerings, { guid: 'o-other', name: 'other' }];
    const found = brokerShareCandidates(
      records,
      brokerSharePlans(plans, offerings, [{ offering: 'credstore', plan: 'proxy' }]),
    );
    expect(found.proxies.map((r) => r.guid)).toEqual(['a']);
    expect(found.originals.map((r) => r.guid)).toEqual(['b']);
    expect(found.proxyPlans).toEqual(['credstore:proxy']);
    const both = brokerShareCandidates(
      records,
      brokerSharePlans(plans, offerings, [
        { offering: 'credstore', plan: 'proxy' },
        { offering: 'other', plan: 'proxy' },
      ]),
    );
    expect(both.proxies.map((r) => r.guid)).toEqual(['a', 'c']);
  });
});

describe('broker-level shares against the truth', () => {
  const report = buildReport(snapshot, computeFindings(snapshot), 10);
  const truth = {
    shares: [],
    expected_findings: [{ kind: 'broker_share_parameters_unreadable', instance_guid: 'px6', space_guid: 's-b1' }],
    broker_shares: [
      { proxy_guid: 'px1', original_guid: 'orig-free', original: 'local' as const },
      { proxy_guid: 'px2', original_guid: 'orig-free', original: 'local' as const },
      { proxy_guid: 'px3', original_guid: 'orig-std', original: 'local' as const },
      { proxy_guid: 'px4', original_guid: 'gone-guid', original: 'missing' as const },
      { proxy_guid: 'px5', original_guid: 'far-guid', original: 'remote' as const },
      { proxy_guid: 'px6', original_guid: 'orig-std', original: 'local' as const },
    ],
  };

  it('matches every proxy, an unreadable one only where the truth says it is unreadable', () => {
    const check = checkAgainstTruth(report, truth as never).brokerShares!;
    expect(check).toEqual({ expected: 6, matched: 6, unknown: 1, mismatches: [] });
  });

  it('names a proxy with the wrong original, an unreadable one the truth can read, and one the truth lacks', () => {
    const wrong = {
      ...truth,
      expected_findings: [],
      broker_shares: [
        { ...truth.broker_shares[0]!, original_guid: 'other' },
        ...truth.broker_shares.slice(1, 4),
        { ...truth.broker_shares[4]!, original: 'missing' as const },
        truth.broker_shares[5]!,
      ],
    };
    const check = checkAgainstTruth(report, wrong as never);
    expect(check.brokerShares!.mismatches.map((m) => [m.kind, m.instance_guid, m.instance])).toEqual([
      ['broker_share (local other)', 'px1', 'proxy-px1'],
      ['broker_share (missing far-guid)', 'px5', 'proxy-px5'],
      ['broker_share (local orig-std)', 'px6', 'proxy-px6'],
    ]);
    expect(truthCheckPassed(check)).toBe(false);
    const extra = checkAgainstTruth(report, { ...truth, broker_shares: truth.broker_shares.slice(1) } as never);
    expect(extra.brokerShares!.mismatches.map((m) => m.kind)).toEqual(['broker_share (not in truth)']);
    expect(checkAgainstTruth(report, { shares: [], expected_findings: [] }).brokerShares).toBeNull();
  });
});

describe('broker-level shares between two reports', () => {
  const current = buildReport(snapshot, computeFindings(snapshot), 10);
  const shares = snapshot.brokerShares!;
  // Yesterday: px1 named another original, px2 did not exist, and a proxy since deleted was there.
  const yesterday: FoundationSnapshot = {
    ...snapshot,
    brokerShares: {
      ...shares,
      proxies: [
        { ...shares.proxies[0]!, origin: { serviceGuid: 'orig-std', landscape: null } },
        ...shares.proxies.slice(2),
        proxy('px0', 's-a2', { serviceGuid: 'orig-std', landscape: null }),
      ],
    },
  };
  const previous = buildReport(yesterday, computeFindings(yesterday), 10);

  it('names proxies added and removed (a re-pointed proxy is both), and tells the webhook of new ones', () => {
    const diff = diffShares(previous, current);
    expect(diff.broker_added!.map((s) => `${s.proxy.guid}>${s.original_guid}`)).toEqual([
      'px1>orig-free',
      'px2>orig-free',
    ]);
    expect(diff.broker_removed!.map((s) => `${s.proxy.guid}>${s.original_guid}`).sort()).toEqual([
      'px0>orig-std',
      'px1>orig-std',
    ]);
    const files = renderReportFiles(current, snapshot, diff);
    expect(files['report.md']).toContain('2 broker-level share proxy(ies) added, 2 removed');
    const note = buildReportNotification({
      report: current,
      previous,
      diff,
      notifyOn: 'high',
      namedLimit: 5,
      reportId: 'r1',
      notificationId: 'n1',
    });
    expect(note?.new_broker_shares).toBe(2);
    expect(note?.text).toContain('2 new broker-level share proxy(ies)');
  });

  it('leaves the diff of reports without broker-level shares as it was', () => {
    const plain = buildReport({ ...snapshot, brokerShares: undefined }, [], 1);
    expect(diffShares(plain, plain)).not.toHaveProperty('broker_added');
    expect(diffShares(null, current).broker_added).toHaveLength(6);
  });
});
