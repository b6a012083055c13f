import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/features/report/build-report.js';
import { checkAgainstTruth, truthCheckPassed, type TruthToCheck } from '../../../src/features/report/truth-check.js';
import { computeFindings } from '../../../src/audit/findings.js';
import type { FoundationSnapshot, ServiceEndpoint } from '../../../src/audit/snapshot.js';

// si-1 is shared into t1 and t2; the source reaches 10.9.0.0/16:5432, t1 reaches nothing private, t2 reaches 10.9.0.0/24.
const snapshot: FoundationSnapshot = {
  api: 'https://api.example',
  generatedAt: '2026-11-22T01:00:00.000Z',
  sharingFlagEnabled: false,
  orgs: [{ guid: 'org-a', name: 'alpha' }],
  spaces: [
    { guid: 'src', name: 'data', orgGuid: 'org-a' },
    { guid: 't1', name: 'web', orgGuid: 'org-a' },
    { guid: 't2', name: 'api', orgGuid: 'org-a' },
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
  instanceCounts: { all: 1, managed: 1 },
  sharedInstances: [{ guid: 'si-1', name: 'orders-db', spaceGuid: 'src', planGuid: 'plan', dashboardUrl: null }],
  shares: [
    { instanceGuid: 'si-1', targetSpaceGuid: 't1' },
    { instanceGuid: 'si-1', targetSpaceGuid: 't2' },
  ],
  appBindings: [],
  keys: [],
  securityGroups: [
    {
      guid: 'g-src',
      globallyRunning: false,
      rules: [{ protocol: 'tcp', destination: '10.9.0.0/16', ports: '5432' }],
      runningSpaceGuids: ['src'],
    },
    {
      guid: 'g-t2',
      globallyRunning: false,
      rules: [{ protocol: 'tcp', destination: '10.9.0.0/24', ports: '5432' }],
      runningSpaceGuids: ['t2'],
    },
  ],
};
// The service listens at 10.9.0.5: only t1 has a gap.
const truth: TruthToCheck = {
  shares: [
    { instance_guid: 'si-1', target_space_guid: 't1' },
    { instance_guid: 'si-1', target_space_guid: 't2' },
  ],
  expected_findings: [{ kind: 'asg_gap', instance_guid: 'si-1', space_guid: 't1' }],
};

describe('checkAgainstTruth', () => {
  it('measures inferred gaps without requiring them', () => {
    const report = buildReport(snapshot, computeFindings(snapshot), 1);
    const check = checkAgainstTruth(report, truth);
    // The inference flags t2 too (it reaches only part of the source's network): a false alarm, measured.
    expect(check.asgGaps.bySource.inferred).toMatchObject({
      shares: 2,
      expected: 1,
      found: 2,
      correct: 1,
      precision: 0.5,
      recall: 1,
    });
    expect(check.unexpectedFindings).toEqual([]);
    expect(check.certainExpected).toBe(0);
    expect(truthCheckPassed(check)).toBe(true);
  });

  it('requires exact match of what is claimed with confidence, and names what is off', () => {
    const endpoints = new Map<string, ServiceEndpoint>([
      ['si-1', { destination: '10.9.1.5', port: 5432, source: 'endpoints_file' }],
    ]);
    const report = buildReport(snapshot, computeFindings(snapshot, endpoints), 1, endpoints);
    const check = checkAgainstTruth(report, truth);
    expect(check.asgGaps.bySource.endpoints_file).toMatchObject({ shares: 2, expected: 1, found: 2, correct: 1 });
    expect(check.unexpectedFindings).toEqual([
      { kind: 'asg_gap', instance_guid: 'si-1', space_guid: 't2', instance: 'orders-db', space: 'alpha/api' },
    ]);
    expect(check.missedFindings).toEqual([]);
    expect(truthCheckPassed(check)).toBe(false);
  });

  it('names missing and unexpected shares and missed findings', () => {
    const report = buildReport(snapshot, [], 1);
    const check = checkAgainstTruth(report, {
      shares: [
        { instance_guid: 'si-1', target_space_guid: 't1' },
        { instance_guid: 'si-9', target_space_guid: 't1' },
      ],
      expected_findings: [
        { kind: 'sharing_flag_enabled' },
        { kind: 'cross_org_share', instance_guid: 'si-1', space_guid: 't1' },
      ],
    });
    expect(check.missingShares).toEqual([
      { kind: 'share', instance_guid: 'si-9', space_guid: 't1', instance: null, space: 'alpha/web' },
    ]);
    expect(check.unexpectedShares.map((m) => m.space_guid)).toEqual(['t2']);
    expect(check.missedFindings.map((m) => `${m.kind} ${m.instance ?? '-'} ${m.space ?? '-'}`)).toEqual([
      'sharing_flag_enabled - -',
      'cross_org_share orders-db alpha/web',
    ]);
    expect(truthCheckPassed(check)).toBe(false);
  });

  describe('credential findings (issue 13)', () => {
    // app-2's binding in t1 holds the credentials of the source space's binding: unsharing from t1 revokes nothing.
    const bound: FoundationSnapshot = {
      ...snapshot,
      appBindings: [
        { guid: 'b-src', instanceGuid: 'si-1', appGuid: 'app-1', appName: 'one', appSpaceGuid: 'src' },
        { guid: 'b-t1', instanceGuid: 'si-1', appGuid: 'app-2', appName: 'two', appSpaceGuid: 't1' },
      ],
    };
    const endpoint = new Map<string, ServiceEndpoint>([
      ['si-1', { destination: '10.9.0.5', port: 5432, source: 'credentials' }],
    ]);
    const withTruth: TruthToCheck = {
      ...truth,
      expected_findings: [
        ...truth.expected_findings,
        { kind: 'credentials_not_unique', instance_guid: 'si-1', space_guid: 't1' },
      ],
    };
    const reportOf = (s: FoundationSnapshot) => buildReport(s, computeFindings(s, endpoint), 1, endpoint);

    it('a run that compared every binding must find them: found, it passes with precision and recall 1', () => {
      const compared = {
        ...bound,
        credentials: { compared: 2, notCompared: {}, detailsRequests: 2, sameCredentials: [['b-src', 'b-t1']] },
      };
      const check = checkAgainstTruth(reportOf(compared), withTruth);
      expect(truthCheckPassed(check)).toBe(true);
      expect(check.credentialFindings).toEqual({ expected: 1, found: 1, right: 1, precision: 1, recall: 1 });
      // Missed when the comparison said every binding was unique.
      const missed = checkAgainstTruth(
        reportOf({ ...compared, credentials: { ...compared.credentials, sameCredentials: [] } }),
        withTruth,
      );
      expect(missed.missedFindings.map((m) => m.kind)).toEqual(['credentials_not_unique']);
      expect(missed.credentialFindings).toMatchObject({ found: 0, recall: 0 });
    });

    it('a run that read no credentials is not asked for them; one that could not read some may miss, never invent', () => {
      const plain = checkAgainstTruth(reportOf(bound), withTruth);
      expect(truthCheckPassed(plain)).toBe(true);
      expect(plain.credentialFindings).toBeNull();
      const partial = checkAgainstTruth(
        reportOf({
          ...bound,
          credentials: { compared: 1, notCompared: { not_found: 1 }, detailsRequests: 2, sameCredentials: [] },
        }),
        withTruth,
      );
      expect(truthCheckPassed(partial)).toBe(true);
      const invented = checkAgainstTruth(
        reportOf({
          ...bound,
          credentials: { compared: 2, notCompared: {}, detailsRequests: 2, sameCredentials: [['b-src', 'b-t1']] },
        }),
        truth,
      );
      expect(invented.unexpectedFindings.map((m) => m.kind)).toEqual(['credentials_not_unique']);
    });
  });
});
