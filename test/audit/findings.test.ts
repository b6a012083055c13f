import { describe, expect, it } from 'vitest';
import { computeFindings, hasFindingAtOrAbove, type Finding } from '../../src/audit/findings.js';
import type { FoundationSnapshot, ServiceEndpoint } from '../../src/audit/snapshot.js';

const base: FoundationSnapshot = {
  api: 'https://api.example',
  generatedAt: '2026-11-22T00:00:00Z',
  sharingFlagEnabled: false,
  orgs: [
    { guid: 'org-a', name: 'alpha' },
    { guid: 'org-b', name: 'beta' },
  ],
  spaces: [
    { guid: 'src', name: 'data', orgGuid: 'org-a' },
    { guid: 'same-org', name: 'web', orgGuid: 'org-a' },
    { guid: 'other-org', name: 'api', orgGuid: 'org-b' },
  ],
  offerings: [
    { guid: 'off-pg', name: 'postgres', shareable: true },
    { guid: 'off-old', name: 'legacy', shareable: false },
  ],
  plans: [
    {
      guid: 'plan-public',
      name: 'small',
      offeringGuid: 'off-pg',
      active: true,
      visibilityType: 'public',
      visibleOrgGuids: [],
      spaceGuid: null,
    },
    {
      guid: 'plan-org-a',
      name: 'private',
      offeringGuid: 'off-pg',
      active: true,
      visibilityType: 'organization',
      visibleOrgGuids: ['org-a'],
      spaceGuid: null,
    },
    {
      guid: 'plan-old',
      name: 'old',
      offeringGuid: 'off-old',
      active: true,
      visibilityType: 'public',
      visibleOrgGuids: [],
      spaceGuid: null,
    },
  ],
  instanceCounts: { all: 3, managed: 3 },
  sharedInstances: [],
  shares: [],
  appBindings: [],
  keys: [],
  // Every space may reach 10.0.0.0/16 on 5432; only the source may reach 10.9.0.0/16.
  securityGroups: [
    {
      guid: 'g-all',
      globallyRunning: true,
      rules: [{ protocol: 'tcp', destination: '10.0.0.0/16', ports: '5432' }],
      runningSpaceGuids: [],
    },
    {
      guid: 'g-src',
      globallyRunning: false,
      rules: [{ protocol: 'tcp', destination: '10.9.0.0/16', ports: '5432' }],
      runningSpaceGuids: ['src'],
    },
  ],
};

const kinds = (findings: Finding[]) =>
  findings.map((f) => `${f.kind}:${f.instance_guid ?? '-'}:${f.space_guid ?? '-'}:${f.severity}`).sort();

describe('computeFindings', () => {
  it('finds nothing on a clean foundation', () => {
    const snapshot: FoundationSnapshot = {
      ...base,
      sharedInstances: [{ guid: 'si-1', name: 'db', spaceGuid: 'src', planGuid: 'plan-public', dashboardUrl: null }],
      shares: [{ instanceGuid: 'si-1', targetSpaceGuid: 'same-org' }],
    };
    const endpoints = new Map<string, ServiceEndpoint>([
      ['si-1', { destination: '10.0.3.4', port: 5432, source: 'endpoints_file' }],
    ]);
    expect(computeFindings(snapshot, endpoints)).toEqual([]);
  });

  it('finds every kind where it applies, each share finding carrying its target space', () => {
    const snapshot: FoundationSnapshot = {
      ...base,
      sharingFlagEnabled: true,
      sharedInstances: [
        {
          guid: 'si-priv',
          name: 'orders-db',
          spaceGuid: 'src',
          planGuid: 'plan-org-a',
          dashboardUrl: 'https://dash.example/1',
        },
        { guid: 'si-old', name: 'legacy-db', spaceGuid: 'src', planGuid: 'plan-old', dashboardUrl: null },
      ],
      shares: [
        { instanceGuid: 'si-priv', targetSpaceGuid: 'other-org' },
        { instanceGuid: 'si-old', targetSpaceGuid: 'same-org' },
      ],
      appBindings: [
        { guid: 'b1', instanceGuid: 'si-priv', appGuid: 'app-1', appName: 'checkout', appSpaceGuid: 'other-org' },
      ],
      keys: [{ guid: 'k1', name: 'ci', instanceGuid: 'si-old' }],
    };
    const endpoints = new Map<string, ServiceEndpoint>([
      ['si-priv', { destination: '10.9.1.1', port: 5432, source: 'credentials' }],
    ]);
    expect(kinds(computeFindings(snapshot, endpoints))).toEqual([
      'asg_gap:si-old:same-org:info', // no endpoint: inferred, the source reaches 10.9.0.0/16 and the target does not
      'asg_gap:si-priv:other-org:high', // bound app, endpoint known, not covered in the target
      'cross_org_share:si-priv:other-org:medium',
      'dashboard_exposed:si-priv:-:medium',
      'keys_on_shared_instance:si-old:-:low',
      'offering_not_shareable:si-old:-:high',
      'plan_not_visible:si-priv:other-org:medium', // org-restricted plan, target in another org
      'sharing_flag_enabled:-:-:low',
    ]);
  });

  it('infers an ASG gap with lower confidence when the endpoint is unknown', () => {
    const snapshot: FoundationSnapshot = {
      ...base,
      sharedInstances: [{ guid: 'si-1', name: 'db', spaceGuid: 'src', planGuid: 'plan-public', dashboardUrl: null }],
      shares: [{ instanceGuid: 'si-1', targetSpaceGuid: 'same-org' }],
    };
    const [finding, ...rest] = computeFindings(snapshot);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      kind: 'asg_gap',
      confidence: 'inferred',
      severity: 'info',
      space_guid: 'same-org',
    });
    expect(finding).not.toHaveProperty('endpoint_source');
    expect(finding?.message).toContain('alpha/web');
  });

  it('keeps an inferred gap at info even where apps are bound, so --fail-on low never trips on a guess', () => {
    const snapshot: FoundationSnapshot = {
      ...base,
      sharedInstances: [{ guid: 'si-1', name: 'db', spaceGuid: 'src', planGuid: 'plan-public', dashboardUrl: null }],
      shares: [{ instanceGuid: 'si-1', targetSpaceGuid: 'same-org' }],
      appBindings: [
        { guid: 'b1', instanceGuid: 'si-1', appGuid: 'app-1', appName: 'checkout', appSpaceGuid: 'same-org' },
      ],
    };
    const findings = computeFindings(snapshot);
    expect(kinds(findings)).toEqual(['asg_gap:si-1:same-org:info']);
    expect(hasFindingAtOrAbove(findings, 'low')).toBe(false);
  });

  it('says where a known endpoint came from', () => {
    const snapshot: FoundationSnapshot = {
      ...base,
      sharedInstances: [
        { guid: 'si-1', name: 'db', spaceGuid: 'src', planGuid: 'plan-public', dashboardUrl: null },
        { guid: 'si-2', name: 'db2', spaceGuid: 'src', planGuid: 'plan-public', dashboardUrl: null },
      ],
      shares: [
        { instanceGuid: 'si-1', targetSpaceGuid: 'same-org' },
        { instanceGuid: 'si-2', targetSpaceGuid: 'same-org' },
      ],
    };
    const endpoints = new Map<string, ServiceEndpoint>([
      ['si-1', { destination: '10.9.0.5', port: 5432, source: 'endpoints_file' }],
      ['si-2', { destination: '10.9.0.6', port: 5432, source: 'credentials' }],
    ]);
    expect(
      computeFindings(snapshot, endpoints).map((f) => [f.instance_guid, f.severity, f.confidence, f.endpoint_source]),
    ).toEqual([
      ['si-1', 'medium', 'endpoint', 'endpoints_file'],
      ['si-2', 'medium', 'endpoint', 'credentials'],
    ]);
  });

  it('infers from what every space owning the offering reaches, not from everything the source space reaches', () => {
    // Two owners of postgres instances both reach 10.9.0.0/16:5432 (postgres's network); one of them also reaches
    // 10.7.0.0/16:6379 (another service's). A target that reaches postgres's network has no gap to report.
    const snapshot: FoundationSnapshot = {
      ...base,
      spaces: [
        ...base.spaces,
        { guid: 'src-2', name: 'data2', orgGuid: 'org-a' },
        { guid: 'bare', name: 'bare', orgGuid: 'org-a' },
      ],
      sharedInstances: [
        { guid: 'si-1', name: 'db', spaceGuid: 'src', planGuid: 'plan-public', dashboardUrl: null },
        { guid: 'si-2', name: 'db2', spaceGuid: 'src-2', planGuid: 'plan-public', dashboardUrl: null },
      ],
      shares: [
        { instanceGuid: 'si-1', targetSpaceGuid: 'same-org' },
        { instanceGuid: 'si-1', targetSpaceGuid: 'bare' },
      ],
      securityGroups: [
        {
          guid: 'g-pg',
          globallyRunning: false,
          rules: [{ protocol: 'tcp', destination: '10.9.0.0/16', ports: '5432' }],
          runningSpaceGuids: ['src', 'src-2', 'same-org'],
        },
        {
          guid: 'g-redis',
          globallyRunning: false,
          rules: [{ protocol: 'tcp', destination: '10.7.0.0/16', ports: '6379' }],
          runningSpaceGuids: ['src'],
        },
      ],
    };
    const findings = computeFindings(snapshot);
    expect(kinds(findings)).toEqual(['asg_gap:si-1:bare:info']);
    expect(findings[0]?.message).toContain("every space owning a shared 'postgres' instance");
  });

  it('falls back to the source space when the owners of an offering reach no private network in common', () => {
    const snapshot: FoundationSnapshot = {
      ...base,
      spaces: [...base.spaces, { guid: 'src-2', name: 'data2', orgGuid: 'org-a' }],
      sharedInstances: [
        { guid: 'si-1', name: 'db', spaceGuid: 'src', planGuid: 'plan-public', dashboardUrl: null },
        { guid: 'si-2', name: 'db2', spaceGuid: 'src-2', planGuid: 'plan-public', dashboardUrl: null },
      ],
      shares: [{ instanceGuid: 'si-1', targetSpaceGuid: 'same-org' }],
      securityGroups: [
        {
          guid: 'g-src',
          globallyRunning: false,
          rules: [{ protocol: 'tcp', destination: '10.9.0.0/16', ports: '5432' }],
          runningSpaceGuids: ['src'],
        },
      ],
    };
    const [finding, ...rest] = computeFindings(snapshot);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ kind: 'asg_gap', confidence: 'inferred', severity: 'info' });
    expect(finding?.message).toContain('that alpha/data may reach');
  });

  it('treats an inactive plan as not visible anywhere', () => {
    const snapshot: FoundationSnapshot = {
      ...base,
      plans: base.plans.map((plan) => (plan.guid === 'plan-public' ? { ...plan, active: false } : plan)),
      sharedInstances: [{ guid: 'si-1', name: 'db', spaceGuid: 'src', planGuid: 'plan-public', dashboardUrl: null }],
      shares: [{ instanceGuid: 'si-1', targetSpaceGuid: 'same-org' }],
    };
    const endpoints = new Map<string, ServiceEndpoint>([
      ['si-1', { destination: '10.0.0.0/24', port: 5432, source: 'endpoints_file' }],
    ]);
    expect(kinds(computeFindings(snapshot, endpoints))).toEqual(['plan_not_visible:si-1:same-org:medium']);
  });
});

describe('hasFindingAtOrAbove', () => {
  const low: Finding = { kind: 'keys_on_shared_instance', severity: 'low', instance_guid: 'x', message: '' };
  it.each([
    ['high', false],
    ['medium', false],
    ['low', true],
    ['info', true],
  ] as const)('a low finding against --fail-on %s: %s', (threshold, expected) => {
    expect(hasFindingAtOrAbove([low], threshold)).toBe(expected);
  });
});
