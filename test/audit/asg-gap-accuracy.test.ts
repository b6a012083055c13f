import { describe, expect, it } from 'vitest';
import { scoreAsgGaps, type CheckedShare, type ScoredFinding } from '../../src/audit/asg-gap-accuracy.js';

const share = (instance: string, space: string, endpoint_source: CheckedShare['endpoint_source']): CheckedShare => ({
  instance_guid: instance,
  space_guid: space,
  endpoint_source,
});
const gap = (instance: string, space: string, extra: Partial<ScoredFinding> = {}): ScoredFinding => ({
  kind: 'asg_gap',
  instance_guid: instance,
  space_guid: space,
  ...extra,
});
const inferred = { confidence: 'inferred' } as const;

describe('scoreAsgGaps', () => {
  const shares = [
    share('si-1', 'a', 'credentials'),
    share('si-1', 'b', 'credentials'),
    share('si-2', 'a', null),
    share('si-2', 'b', null),
    share('si-2', 'c', null),
    share('si-3', 'a', 'endpoints_file'),
  ];
  const truth: ScoredFinding[] = [
    gap('si-1', 'a'),
    gap('si-2', 'a'),
    gap('si-2', 'b'),
    gap('si-3', 'a'),
    { kind: 'cross_org_share', instance_guid: 'si-2', space_guid: 'c' }, // other kinds are not scored
  ];
  const findings: ScoredFinding[] = [
    gap('si-1', 'a', { confidence: 'endpoint', endpoint_source: 'credentials' }),
    gap('si-2', 'a', inferred),
    gap('si-2', 'c', inferred), // a false alarm
    { kind: 'cross_org_share', instance_guid: 'si-2', space_guid: 'c' },
  ];

  it('scores each source on the shares it checked', () => {
    const { bySource, all } = scoreAsgGaps(shares, findings, truth);
    expect(bySource.credentials).toMatchObject({
      shares: 2,
      expected: 1,
      found: 1,
      correct: 1,
      precision: 1,
      recall: 1,
      unexpected: [],
      missed: [],
    });
    expect(bySource.inferred).toMatchObject({
      shares: 3,
      expected: 2,
      found: 2,
      correct: 1,
      precision: 0.5,
      recall: 0.5,
    });
    expect(bySource.inferred.unexpected).toEqual([{ instance_guid: 'si-2', space_guid: 'c' }]);
    expect(bySource.inferred.missed).toEqual([{ instance_guid: 'si-2', space_guid: 'b' }]);
    // The endpoints file claimed nothing: no precision to speak of, and it missed its one gap.
    expect(bySource.endpoints_file).toMatchObject({
      shares: 1,
      expected: 1,
      found: 0,
      correct: 0,
      precision: null,
      recall: 0,
    });
    expect(all).toMatchObject({ shares: 6, expected: 4, found: 3, correct: 2, precision: 2 / 3, recall: 0.5 });
  });

  it('has no figures where there is nothing to measure', () => {
    const { all, bySource } = scoreAsgGaps([], [], []);
    expect(all).toMatchObject({ shares: 0, expected: 0, found: 0, precision: null, recall: null });
    expect(bySource.inferred.precision).toBeNull();
  });

  it('counts a truth gap on a share the report does not have as missed overall', () => {
    const { all, bySource } = scoreAsgGaps([], [], [gap('si-9', 'z')]);
    expect(all.missed).toEqual([{ instance_guid: 'si-9', space_guid: 'z' }]);
    expect(bySource.inferred.expected).toBe(0);
  });
});
