import { describe, expect, it } from 'vitest';
import type { Report, ReportShare } from '../../../src/features/report/report-model.js';
import { diffShares } from '../../../src/features/report/snapshot-diff.js';
import type { Finding } from '../../../src/audit/findings.js';
import { buildReportNotification } from '../../../src/features/notify/report-notification.js';
import { buildCampaignNotification } from '../../../src/features/notify/campaign-notification.js';
import { notificationId } from '../../../src/features/notify/notify-model.js';
import { isRetryableStatus } from '../../../src/features/notify/notify-processor.js';
import type { CampaignMeta, ItemOutcome, PlanItem } from '../../../src/features/campaign/campaign-model.js';

const share = (instance: string, name: string, space: string): ReportShare => ({
  instance: { guid: instance, name, offering: 'pg', offering_guid: 'o', plan: 'p', plan_guid: 'p' },
  source: { org_guid: 'oa', org: 'a', space_guid: 'src', space: 'data' },
  target: { org_guid: 'ob', org: 'b', space_guid: space, space: `space-${space}` },
  bound_apps: [],
  binding_count: 0,
  key_count: 0,
  endpoint_source: null,
});

const finding = (kind: Finding['kind'], severity: Finding['severity'], instance: string, space?: string): Finding => ({
  kind,
  severity,
  instance_guid: instance,
  ...(space !== undefined && { space_guid: space }),
  message: `${kind} on ${instance}`,
});

/** Only what the notification reads of a report. */
const report = (shares: ReportShare[], findings: Finding[], at = '2026-12-01T02:00:00.000Z'): Report =>
  ({
    schema: 'cf-shares/report@1',
    generated_at: at,
    api: 'https://api.example',
    summary: { shares: shares.length },
    shares,
    findings,
  }) as unknown as Report;

const build = (previous: Report | null, current: Report, notifyOn: Finding['severity'] = 'medium', namedLimit = 10) =>
  buildReportNotification({
    notificationId: 'n-1',
    reportId: 'r-1',
    report: current,
    previous,
    diff: diffShares(previous, current),
    notifyOn,
    namedLimit,
  });

describe('buildReportNotification', () => {
  const base = report([share('i1', 'db', 's1')], [finding('cross_org_share', 'medium', 'i1', 's1')]);

  it('a first report counts every share and finding as new', () => {
    const payload = build(null, base)!;
    expect(payload).toMatchObject({
      event: 'report',
      first_report: true,
      new_shares: 1,
      removed_shares: 0,
      new_findings: { high: 0, medium: 1, low: 0, info: 0 },
      named_findings: [{ kind: 'cross_org_share', severity: 'medium', instance: 'db', space: 'space-s1' }],
    });
    expect(payload.text.split('\n')[0]).toBe(
      'cf-shares: first report of https://api.example: 1 new share(s), 0 removed (1 in all); new findings 0 high, 1 medium',
    );
  });

  it('nothing new: no notification', () => {
    expect(build(base, report(base.shares, base.findings, '2026-12-02T02:00:00.000Z'))).toBeNull();
  });

  it('a new finding below the threshold does not notify; at the threshold it does', () => {
    const next = report(base.shares, [...base.findings, finding('keys_on_shared_instance', 'low', 'i1')]);
    expect(build(base, next, 'medium')).toBeNull();
    expect(build(base, next, 'low')).toMatchObject({ first_report: false, new_shares: 0, new_findings: { low: 1 } });
  });

  it('a new share notifies whatever the findings; a removed one is counted', () => {
    const next = report([share('i2', 'cache', 's2')], []);
    expect(build(base, next)).toMatchObject({ new_shares: 1, removed_shares: 1, named_findings: [] });
  });

  it('names up to the limit, worst first, and counts the rest', () => {
    const findings = [
      finding('cross_org_share', 'medium', 'i1', 's1'),
      finding('offering_not_shareable', 'high', 'i1'),
      finding('plan_not_visible', 'medium', 'i1', 's1'),
    ];
    const payload = build(null, report(base.shares, findings), 'medium', 2)!;
    expect(payload.named_findings.map((f) => f.kind)).toEqual(['offering_not_shareable', 'cross_org_share']);
    expect(payload.text).toContain('… and 1 more');
  });

  it('API names cannot become Slack links, mentions or extra lines in `text`; the figures keep them exact', () => {
    const name = '<!channel> <http://evil|click>\nfake line';
    const payload = build(null, report([share('i1', name, 's1')], [finding('cross_org_share', 'medium', 'i1', 's1')]))!;
    expect(payload.text).not.toMatch(/<|>/);
    expect(payload.text).toContain('&lt;!channel&gt;');
    expect(payload.text.split('\n')).toHaveLength(3);
    expect(payload.named_findings[0]!.instance).toBe(name);
  });
});

describe('buildCampaignNotification', () => {
  const meta = {
    id: 'c-1',
    api: 'https://api.example',
    createdAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'admin',
    total: 3,
    status: 'done',
    planHash: 'abc123',
  } as unknown as CampaignMeta;
  const item = (id: string): PlanItem => ({
    id,
    instance: { guid: `g-${id}`, name: `inst-${id}`, offering: null, plan: null },
    source: { org: 'a', space: 'x', space_guid: 'sx' },
    target: { org: 'b', space: 'y', space_guid: 'sy', org_guid: 'ob' },
    bindings: [],
  });
  const outcome = (o: ItemOutcome['outcome'], extra: Partial<ItemOutcome> = {}): ItemOutcome => ({
    outcome: o,
    attempts: 1,
    at: '2026-12-01T00:01:00.000Z',
    ...extra,
  });

  it('counts outcomes, names blocked items with their reasons and the plan hash', () => {
    const payload = buildCampaignNotification({
      notificationId: 'n-c',
      meta,
      items: [item('1'), item('2'), item('3')],
      outcomes: {
        '1': outcome('unshared'),
        '2': outcome('unshared'),
        '3': outcome('blocked', { blockers: ['An operation for the service binding is in progress.'] }),
      },
      stillShared: 1,
      namedLimit: 10,
    });
    expect(payload).toMatchObject({
      event: 'campaign',
      status: 'done',
      outcomes: { unshared: 2, blocked: 1 },
      still_shared: 1,
      plan_hash: 'abc123',
      blocked: [
        { instance: 'inst-3', org: 'b', space: 'y', reasons: ['An operation for the service binding is in progress.'] },
      ],
    });
    expect(payload.text).toContain(
      'campaign c-1 on https://api.example done: blocked 1, unshared 2 of 3; 1 still shared; plan abc123',
    );
  });
});

describe('notification ids and retry rules', () => {
  it('one id per subject and URL, file- and BullMQ-safe, revealing nothing of the URL', () => {
    const a = notificationId('report-abcd1234-repeat:nightly:1795', 'https://hooks.example/T/B/secret');
    expect(a).toMatch(/^notify-report-abcd1234-repeat-nightly-1795-[0-9a-f]{12}$/);
    expect(a).toBe(notificationId('report-abcd1234-repeat:nightly:1795', 'https://hooks.example/T/B/secret'));
    expect(a).not.toBe(notificationId('report-abcd1234-repeat:nightly:1795', 'https://hooks.example/T/B/other'));
    expect(a).not.toContain('secret');
  });

  it.each([
    [200, false],
    [400, false],
    [404, false],
    [408, true],
    [410, false],
    [429, true],
    [500, true],
    [503, true],
  ])('status %i retryable: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});
