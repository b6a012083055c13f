import { describe, expect, it } from 'vitest';
import { selectsEverything, shareSelected } from '../../../src/features/campaign/selectors.js';
import type { ReportShare } from '../../../src/features/report/report-model.js';

const share: ReportShare = {
  instance: {
    guid: 'si-1',
    name: 'orders-db',
    offering: 'postgres',
    offering_guid: 'off-pg',
    plan: 'small',
    plan_guid: 'plan-1',
  },
  source: { org_guid: 'org-a', org: 'alpha', space_guid: 'sp-src', space: 'data' },
  target: { org_guid: 'org-b', org: 'beta', space_guid: 'sp-tgt', space: 'web' },
  bound_apps: [],
  binding_count: 0,
  key_count: 0,
  endpoint_source: null,
};

describe('shareSelected', () => {
  it.each([
    [{}, true],
    [{ sourceOrg: ['alpha'] }, true],
    [{ sourceOrg: ['org-a'] }, true],
    [{ sourceOrg: ['beta'] }, false],
    [{ targetOrg: ['beta'], targetSpace: ['web'] }, true],
    [{ targetOrg: ['beta'], targetSpace: ['data'] }, false],
    [{ offering: ['mysql', 'postgres'] }, true],
    [{ offering: ['off-pg'] }, true], // by guid: two brokers may offer the same name
    [{ offering: ['off-mysql'] }, false],
    [{ offering: ['off-pg'], plan: ['large'] }, false],
    [{ plan: ['plan-1'] }, true],
    [{ plan: ['large'] }, false],
    [{ instance: ['orders-db'] }, true],
    [{ instance: ['si-2'] }, false],
  ])('%j → %s', (selectors, expected) => {
    expect(shareSelected(share, selectors)).toBe(expected);
  });

  it('knows when nothing narrows the campaign', () => {
    expect(selectsEverything({})).toBe(true);
    expect(selectsEverything({ offering: [] })).toBe(true);
    expect(selectsEverything({ offering: ['postgres'] })).toBe(false);
  });
});
