import { describe, expect, it } from 'vitest';
import { parseMaxAge } from '../../../src/features/fleet/fleet-command.js';
import { fleetFailures } from '../../../src/features/fleet/run-fleet.js';
import { formatAge, renderFleetCsv } from '../../../src/features/fleet/render-fleet.js';
import type { FleetRow } from '../../../src/features/fleet/fleet-rows.js';
import { ExitCode, worstExitCode } from '../../../src/exit-codes.js';

const row = (over: Partial<FleetRow>): FleetRow => ({
  foundation: 'a',
  api: 'https://api.a.example',
  status: 'ok',
  report_id: '20261203T020000Z-0123abcd-1',
  report_at: '2026-12-03T02:00:00.000Z',
  age_seconds: 3600,
  stale: false,
  shares: 10,
  shared_instances: 4,
  added: 1,
  removed: 2,
  findings: { high: 0, medium: 3, low: 1, info: 5 },
  broker_proxies: 2,
  broker_originals_elsewhere: [],
  ...over,
});

describe('fleet view', () => {
  it('parses --max-age and refuses what it cannot read', () => {
    expect(parseMaxAge(undefined)).toBe(24 * 3_600_000);
    expect(parseMaxAge('6h')).toBe(6 * 3_600_000);
    expect(parseMaxAge('30m')).toBe(30 * 60_000);
    expect(parseMaxAge('2d')).toBe(2 * 86_400_000);
    expect(() => parseMaxAge('6 hours')).toThrow("--max-age must be a time like 30m, 6h or 2d (got '6 hours')");
    expect(() => parseMaxAge('0h')).toThrow('--max-age');
  });

  it('fails --fail-on on findings at the threshold or worse, and on a stale or missing report', () => {
    expect(fleetFailures([row({})], 'high')).toEqual([]);
    expect(fleetFailures([row({})], 'medium')).toEqual(['a: 3 finding(s) at medium or worse']);
    expect(fleetFailures([row({ stale: true, status: 'stale' })], 'high')).toEqual([
      'a: latest report is stale (2026-12-03T02:00:00.000Z)',
    ]);
    expect(fleetFailures([row({ foundation: 'b', findings: null, status: 'no report yet' })], 'info')).toEqual([
      'b: no report yet',
    ]);
  });

  it('writes one CSV row per foundation, empty cells for a foundation without a report', () => {
    const csv = renderFleetCsv([
      row({}),
      row({
        foundation: 'b',
        status: 'no report yet',
        report_id: null,
        report_at: null,
        age_seconds: null,
        shares: null,
        shared_instances: null,
        added: null,
        removed: null,
        findings: null,
        broker_proxies: null,
      }),
    ]).split('\r\n');
    expect(csv[1]).toBe(
      'a,https://api.a.example,ok,20261203T020000Z-0123abcd-1,2026-12-03T02:00:00.000Z,3600,false,10,4,1,2,0,3,1,5,2,0',
    );
    expect(csv[2]).toBe('b,https://api.a.example,no report yet,,,,false,,,,,,,,,,0');
    expect([formatAge(null), formatAge(120), formatAge(7200), formatAge(4 * 86_400)]).toEqual(['-', '2m', '2h', '4d']);
  });

  it('exits with the worst code of several foundations: a missing report beats findings', () => {
    expect(worstExitCode([])).toBe(ExitCode.Ok);
    expect(worstExitCode([ExitCode.Ok, ExitCode.Findings])).toBe(ExitCode.Findings);
    expect(worstExitCode([ExitCode.Findings, ExitCode.Failure, ExitCode.Ok])).toBe(ExitCode.Failure);
    expect(worstExitCode([ExitCode.Failure, ExitCode.Usage])).toBe(ExitCode.Usage);
  });
});
