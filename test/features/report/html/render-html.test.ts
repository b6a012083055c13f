import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { embedJson } from '../../../../src/features/report/html/embed-json.js';
import { pageData } from '../../../../src/features/report/html/page-data.js';
import { renderReportHtml, withReportHtml } from '../../../../src/features/report/html/render-html.js';
import { diffShares } from '../../../../src/features/report/snapshot-diff.js';
import type { Report, ReportShare } from '../../../../src/features/report/report-model.js';

const HOSTILE = '</script><script>alert(1)</script><!-- & \u2028\u2029 > "quoted" \\ end';

const share = (instance: string, name: string, target: string, targetOrg: string): ReportShare => ({
  instance: { guid: instance, name, offering: 'postgres', offering_guid: 'off', plan: 'small', plan_guid: 'plan' },
  source: { org_guid: 'org-a', org: 'alpha', space_guid: 'src', space: 'data' },
  target: { org_guid: targetOrg, org: targetOrg === 'org-a' ? 'alpha' : HOSTILE, space_guid: target, space: HOSTILE },
  bound_apps: [{ guid: 'app-1', name: HOSTILE }],
  binding_count: 1,
  key_count: 0,
  endpoint_source: null,
});

const report: Report = {
  schema: 'cf-shares/report@1',
  generated_at: '2026-12-03T01:00:00.000Z',
  api: 'https://api.example',
  sharing_flag: { enabled: true },
  summary: {
    instances: 10,
    managed_instances: 8,
    shared_instances: 1,
    shares: 2,
    bound_apps_in_target_spaces: 2,
    keys_on_shared_instances: 0,
    requests: 12,
    shares_with_known_endpoint: 0,
    shares_with_known_endpoint_by_source: { endpoints_file: 0, credentials: 0 },
    findings: { cross_org_share: 1, sharing_flag_enabled: 1 },
  },
  shares: [share('si-1', HOSTILE, 't1', 'org-a'), share('si-1', HOSTILE, 't2', 'org-b')],
  findings: [
    { kind: 'sharing_flag_enabled', severity: 'low', instance_guid: null, message: 'flag on' },
    { kind: 'cross_org_share', severity: 'medium', instance_guid: 'si-1', space_guid: 't2', message: HOSTILE },
  ],
};

describe('embedJson', () => {
  it('gives the same value back and leaves nothing that could end, comment or tag the script block', () => {
    const value = { name: HOSTILE, nested: [HOSTILE, { [HOSTILE]: 1 }] };
    const text = embedJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(text).toContain('\\u003c/script\\u003e\\u003cscript\\u003e');
    expect(text).toContain('\\u003c!--');
    expect(text).toContain('\\u0026');
    expect(text).toContain('\\u2028\\u2029');
  });
});

describe('pageData', () => {
  it('names each org, space and instance once, with shares, findings and the diff by index', () => {
    const data = pageData(report, diffShares(null, report));
    expect(data.orgs).toEqual([
      ['org-a', 'alpha'],
      ['org-b', HOSTILE],
    ]);
    expect(data.spaces.map((s) => s[0])).toEqual(['src', 't1', 't2']);
    expect(data.instances).toEqual([['si-1', HOSTILE, 'postgres', 'small', 0]]);
    expect(data.shares).toEqual([
      [0, 1, [HOSTILE], 1, 0],
      [0, 2, [HOSTILE], 1, 0],
    ]);
    // Most severe first, as people read them.
    expect(data.findings).toEqual([
      ['medium', 'cross_org_share', 0, 2, HOSTILE, null],
      ['low', 'sharing_flag_enabled', -1, -1, 'flag on', null],
    ]);
    expect(data.summary).toMatchObject({ shares: 2, findings: { high: 0, medium: 1, low: 1, info: 0 }, added: 2 });
    expect(data.summary.previous_generated_at).toBeNull();
    // Added shares point into `shares`; removed ones (gone from it) come by name.
    expect(data.diff.added).toEqual([0, 1]);
    const removed = pageData(
      { ...report, shares: [report.shares[0]!] },
      diffShares(report, { ...report, shares: [report.shares[0]!] }),
    );
    expect(removed.diff).toEqual({ added: [], removed: [[HOSTILE, 'postgres', 'alpha', 'data', HOSTILE, HOSTILE]] });
    expect(data.map_element_limit).toBe(3000);
  });
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(report, diffShares(report, report));
  const blocks = [...html.matchAll(/<(script|style)([^>]*)>([\s\S]*?)<\/\1>/g)];

  it('carries the data only inside its JSON block, escaped', () => {
    expect(html.split(HOSTILE)).toHaveLength(1);
    expect(html).not.toContain('alert(1)</script>');
    const data = blocks.find((b) => b[2]!.includes('application/json'))!;
    expect(JSON.parse(data[3]!).instances[0][1]).toBe(HOSTILE);
    // Every script and style element is one the page meant: the JSON block, cytoscape, the page's script, 2 styles.
    expect(blocks.map((b) => b[1])).toEqual(['style', 'style', 'script', 'script', 'script']);
  });

  it('allows nothing to load and runs only the inline code whose sha256 the policy names', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'none'"]);
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const code = blocks.filter((b) => b[1] === 'script' && !b[2]!.includes('application/json')).map((b) => sha(b[3]!));
    const styles = blocks.filter((b) => b[1] === 'style').map((b) => sha(b[3]!));
    expect(directives['script-src']).toEqual(code);
    expect(directives['style-src']!.sort()).toEqual(styles.sort());
    expect(csp).not.toContain('unsafe-inline');
  });

  it('is added when report files are written, unless it is already there (an export stores its own)', () => {
    const files = { 'report.json': JSON.stringify(report), 'diff.json': JSON.stringify(diffShares(null, report)) };
    const written = withReportHtml(files);
    expect(Object.keys(written)).toEqual(['report.json', 'diff.json', 'report.html']);
    expect(written['report.html']).toContain('<!doctype html>');
    expect(withReportHtml({ ...files, 'report.html': 'stored' })['report.html']).toBe('stored');
    expect(withReportHtml({ 'plan.json': '{}' })).toEqual({ 'plan.json': '{}' });
  });
});
