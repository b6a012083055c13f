import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { launchChromium } from '../helpers/chromium.js';
import type { Report, ReportShare } from '../../src/features/report/report-model.js';
import type { ShareDiff } from '../../src/features/report/snapshot-diff.js';
import { renderReportHtml } from '../../src/features/report/html/render-html.js';

/** Screenshots for a person to look at; git-ignored. */
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'report-html');
const HOSTILE_INSTANCE = '<script>alert(1)</script>';
const HOSTILE_SPACE = 'space <img src=x onerror=alert(2)>';
const HOSTILE_ORG = 'org </script><script>alert(3)</script>';

const suite = cliSuite('report-html', () => startSimProcess(['--seed', '11', '--spaces', '30', '--instances', '250']));
const env = (prefix: string) => ({
  CF_API: suite.sim.api,
  CF_CLIENT_ID: suite.sim.clientId,
  CF_CLIENT_SECRET: suite.sim.clientSecret,
  REDIS_URL,
  CF_SHARES_PREFIX: prefix,
});
const sim = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(`${suite.sim.api}${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
};

interface Opened {
  page: Page;
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

let browser: Browser;
let report: Report;
let diff: ShareDiff;
let out: string;
/** The share whose instance, target space and source org were given hostile names. */
let hostile: ReportShare;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
  const prefix = suite.prefix('html');
  // A first report, so the second has a diff: then a new share, and hostile names on one share's places.
  const first = await runCli(['report', '--out', join(suite.dir, 'first')], { env: env(prefix) });
  expect(first.code).toBe(0);
  const before = JSON.parse(await readFile(join(suite.dir, 'first', 'report.json'), 'utf8')) as Report;
  const victim = before.shares.find((s) => s.source.org_guid !== s.target.org_guid && s.bound_apps.length > 0)!;
  expect(
    (await sim('PUT', `/_sim/service_instances/${victim.instance.guid}/name`, { name: HOSTILE_INSTANCE })).status,
  ).toBe(200);
  expect((await sim('PUT', `/_sim/spaces/${victim.target.space_guid}/name`, { name: HOSTILE_SPACE })).status).toBe(200);
  expect((await sim('PUT', `/_sim/orgs/${victim.source.org_guid}/name`, { name: HOSTILE_ORG })).status).toBe(200);
  const unsharedSpace = before.shares.find(
    (s) =>
      s.target.space_guid !== victim.source.space_guid &&
      !before.shares.some(
        (o) => o.instance.guid === victim.instance.guid && o.target.space_guid === s.target.space_guid,
      ),
  )!.target.space_guid;
  const added = await sim('POST', '/_sim/shares', {
    service_instance_guid: victim.instance.guid,
    space_guid: unsharedSpace,
  });
  expect(added.status).toBe(201);
  out = join(suite.dir, 'second');
  const second = await runCli(['report', '--out', out], { env: env(prefix) });
  expect(second.code).toBe(0);
  report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
  diff = JSON.parse(await readFile(join(out, 'diff.json'), 'utf8')) as ShareDiff;
  hostile = report.shares.find(
    (s) => s.instance.guid === victim.instance.guid && s.target.space_guid === victim.target.space_guid,
  )!;
  expect(hostile.instance.name).toBe(HOSTILE_INSTANCE);
  expect(diff.added).toHaveLength(1);
});
afterAll(async () => browser?.close());

/** Opens report.html from disk, recording console errors, every request and every dialog. */
async function open(file = join(out, 'report.html')): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const opened: Opened = { page, consoleErrors: [], requests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') opened.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => opened.consoleErrors.push(String(error)));
  page.on('request', (request) => opened.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction('window.__cfShares?.mapReady === true');
  return opened;
}

const placeKey = (p: { org: string | null; space: string | null }) => `${p.org ?? '?'} / ${p.space ?? '?'}`;

describe('report.html in headless Chromium', () => {
  it('opens from disk with no console error, no request but itself, and cards equal to report.json', async () => {
    const { page, consoleErrors, requests, dialogs } = await open();
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(join(out, 'report.html')).href]);
    expect(dialogs).toEqual([]);
    const cards = await page.$$eval('[data-card]', (nodes) =>
      Object.fromEntries(nodes.map((n) => [n.getAttribute('data-card'), n.getAttribute('data-value')])),
    );
    const s = report.summary;
    const severity = (level: string) => String(report.findings.filter((f) => f.severity === level).length);
    expect(cards).toEqual({
      instances: String(s.instances),
      shared_instances: String(s.shared_instances),
      shares: String(s.shares),
      bound_apps: String(s.bound_apps_in_target_spaces),
      keys: String(s.keys_on_shared_instances),
      findings_high: severity('high'),
      findings_medium: severity('medium'),
      findings_low: severity('low'),
      findings_info: severity('info'),
      added: String(diff.added.length),
      removed: String(diff.removed.length),
    });
    expect(await page.textContent('#diff-added-body')).toContain(HOSTILE_INSTANCE);
    await page.close();
  });

  it('draws one node per org and space with shares, one edge per pair of spaces, cross-org edges counted', async () => {
    const { page } = await open();
    const orgs = new Set(report.shares.flatMap((s) => [s.source.org_guid, s.target.org_guid]));
    const spaces = new Set(report.shares.flatMap((s) => [s.source.space_guid, s.target.space_guid]));
    const pairs = new Map(report.shares.map((s) => [`${s.source.space_guid}>${s.target.space_guid}`, s]));
    const cross = [...pairs.values()].filter((s) => s.source.org_guid !== s.target.org_guid).length;
    expect(cross).toBeGreaterThan(0);
    const map = await page.evaluate('window.__cfShares.map');
    expect(map).toEqual({
      mode: 'spaces',
      orgs: orgs.size,
      spaces: spaces.size,
      nodes: orgs.size + spaces.size,
      edges: pairs.size,
      crossOrgEdges: cross,
      drawnNodes: orgs.size + spaces.size,
      drawnEdges: pairs.size,
    });
    expect(await page.getAttribute('#map', 'data-edges')).toBe(String(pairs.size));
    await page.close();
  });

  it("past its element limit, the map opens on orgs and draws an org's spaces when the org is clicked", async () => {
    // The same report rendered with a limit this small foundation exceeds, as a 10k-share one exceeds the default.
    const file = join(suite.dir, 'overview.html');
    await writeFile(file, renderReportHtml(report, diff, { mapElementLimit: 60 }));
    const { page, consoleErrors, requests } = await open(file);
    const orgOf = new Map(report.shares.flatMap((s) => [s.source, s.target]).map((p) => [p.space_guid, p.org_guid]));
    const orgPairs = new Set(
      report.shares
        .filter((s) => s.source.org_guid !== s.target.org_guid)
        .map((s) => `${s.source.org_guid}>${s.target.org_guid}`),
    );
    expect(orgPairs.size).toBeLessThanOrEqual(30); // all drawn: the limit keeps the heaviest half-limit of them
    const map = (await page.evaluate('window.__cfShares.map')) as Record<string, unknown>;
    expect(map).toMatchObject({ mode: 'orgs', drawnNodes: new Set(orgOf.values()).size, drawnEdges: orgPairs.size });
    await page.screenshot({ path: join(ARTIFACTS, 'map-orgs.png') });

    const org = hostile.target.org_guid;
    const at = (await page.evaluate(`window.__cfShares.position(${JSON.stringify(org)}, 'org')`)) as {
      x: number;
      y: number;
    };
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector(`#map[data-expanded-org="${org}"]`);
    // Its spaces, and one edge per pair of ends, an end being a space of this org or another org as a whole.
    const spacesOfOrg = new Set([...orgOf].filter(([, o]) => o === org).map(([space]) => space));
    const end = (place: { space_guid: string; org_guid: string }) =>
      place.org_guid === org ? place.space_guid : place.org_guid;
    const expandedEdges = new Set(
      report.shares
        .filter((s) => s.source.org_guid === org || s.target.org_guid === org)
        .map((s) => `${end(s.source)}>${end(s.target)}`),
    );
    expect(await page.getAttribute('#map', 'data-expanded-spaces')).toBe(String(spacesOfOrg.size));
    expect(await page.getAttribute('#map', 'data-expanded-edges')).toBe(String(expandedEdges.size));
    await page.screenshot({ path: join(ARTIFACTS, 'map-org-expanded.png') });

    // A space of the expanded org, clicked, fills the panel as in the detailed map.
    const space = hostile.target.space_guid;
    const spaceAt = (await page.evaluate(`window.__cfShares.position(${JSON.stringify(space)})`)) as {
      x: number;
      y: number;
    };
    await page.mouse.click(spaceAt.x, spaceAt.y);
    await page.waitForFunction(`window.__cfShares.selectedSpaceGuid === ${JSON.stringify(space)}`);
    const listed = await page.$$eval('#panel [data-list="shared-in"] > li', (items) =>
      items.map((li) => li.getAttribute('data-instance')).sort(),
    );
    expect(listed).toEqual(
      report.shares
        .filter((s) => s.target.space_guid === space)
        .map((s) => s.instance.guid)
        .sort(),
    );
    // The picker reaches a space of another org: the panel answers at once, in the same task, and that org is
    // drawn after the panel has been painted.
    const atOnce = (await page.evaluate(`(() => {
      const picker = document.getElementById('space-select');
      picker.value = [...picker.options].find((o) => o.text === ${JSON.stringify(placeKey(hostile.source))}).value;
      picker.dispatchEvent(new Event('change'));
      return { panel: document.querySelector('#panel h3').textContent, org: document.getElementById('map').dataset.expandedOrg };
    })()`)) as { panel: string; org: string };
    expect(atOnce).toEqual({ panel: placeKey(hostile.source), org: hostile.target.org_guid });
    await page.waitForSelector(`#map[data-expanded-org="${hostile.source.org_guid}"]`);
    expect(await page.evaluate('window.__cfShares.selectedSpaceGuid')).toBe(hostile.source.space_guid);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });

  it('clicking a space on the map lists its shared-in and shared-out instances and the apps bound there', async () => {
    const { page, dialogs } = await open();
    const space = hostile.target.space_guid;
    // Where the map drew the space; the click then goes through cytoscape's own event handling, as a person's does.
    const at = (await page.evaluate(`window.__cfShares.position(${JSON.stringify(space)})`)) as {
      x: number;
      y: number;
    };
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(`window.__cfShares.selectedSpaceGuid === ${JSON.stringify(space)}`);
    await page.screenshot({ path: join(ARTIFACTS, 'space-panel.png') });
    const listed = (list: string) =>
      page.$$eval(`#panel [data-list="${list}"] > li`, (items) =>
        items.map((li) => li.getAttribute('data-instance')).sort(),
      );
    const into = report.shares.filter((s) => s.target.space_guid === space);
    const outOf = report.shares.filter((s) => s.source.space_guid === space);
    expect(await listed('shared-in')).toEqual(into.map((s) => s.instance.guid).sort());
    expect(await listed('shared-out')).toEqual(outOf.map((s) => s.instance.guid).sort());
    const apps = await page.$$eval('#panel [data-list="bound-apps"] > li', (items) =>
      items.map((li) => li.textContent),
    );
    expect(apps).toEqual([...new Set(into.flatMap((s) => s.bound_apps.map((a) => a.name)))].sort());
    expect(apps.length).toBeGreaterThan(0);
    // The hostile names are text: the space's heading and the instance read exactly as named, and nothing ran.
    const panel = (await page.textContent('#panel'))!;
    expect(panel).toContain(HOSTILE_SPACE);
    expect(panel).toContain(HOSTILE_INSTANCE);
    expect(await page.$$eval('#panel img, #panel script', (nodes) => nodes.length)).toBe(0);
    expect(await page.$$eval('script', (nodes) => nodes.length)).toBe(3);
    expect(dialogs).toEqual([]);

    // The picker selects a space as a click does: the hostile org's source space, with its shared-out instances.
    await page.selectOption('#space-select', { label: placeKey(hostile.source) });
    const sharedOut = report.shares.filter((s) => s.source.space_guid === hostile.source.space_guid);
    expect(await listed('shared-out')).toEqual(sharedOut.map((s) => s.instance.guid).sort());
    expect(await page.textContent('#panel h3')).toBe(placeKey(hostile.source));
    await page.close();
  });

  it('filters the findings by kind, severity and org, and sorts them by a column', async () => {
    const { page } = await open();
    const sourceOrg = new Map(report.shares.map((s) => [s.instance.guid, s.source.org_guid]));
    const targetOrg = new Map(report.shares.map((s) => [s.target.space_guid, s.target.org_guid]));
    const count = async () => Number(await page.getAttribute('#findings-count', 'data-count'));
    const rows = () =>
      page.$$eval('#findings-body tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(await count()).toBe(report.findings.length);

    await page.selectOption('#filter-kind', 'cross_org_share');
    const crossOrg = report.findings.filter((f) => f.kind === 'cross_org_share');
    expect(await count()).toBe(crossOrg.length);
    // Narrowed to the hostile org: the findings on its instances or in its spaces, and only those.
    await page.selectOption('#filter-org', { label: HOSTILE_ORG });
    const org = hostile.source.org_guid;
    const expected = crossOrg.filter(
      (f) => sourceOrg.get(f.instance_guid ?? '') === org || targetOrg.get(f.space_guid ?? '') === org,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(crossOrg.length);
    expect(await count()).toBe(expected.length);
    const shown = await rows();
    expect(shown).toHaveLength(expected.length);
    const names = new Map(report.shares.map((s) => [s.instance.guid, s.instance.name]));
    expect(shown.map((r) => r[2]).sort()).toEqual(expected.map((f) => names.get(f.instance_guid!)).sort());
    expect(shown.flat().join(' ')).toContain(HOSTILE_INSTANCE);
    await page.screenshot({ path: join(ARTIFACTS, 'findings-filtered.png'), fullPage: true });

    await page.selectOption('#filter-org', '');
    await page.selectOption('#filter-kind', '');
    const medium = report.findings.filter((f) => f.severity === 'medium').length;
    await page.selectOption('#filter-severity', 'medium');
    expect(await count()).toBe(medium);

    await page.selectOption('#filter-severity', '');
    await page.click('th button[data-sort="instance"]');
    const ascending = (await rows()).map((r) => r[2]!);
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b)));
    await page.click('th button[data-sort="instance"]');
    const descending = (await rows()).map((r) => r[2]!);
    expect(descending).toEqual([...descending].sort((a, b) => b.localeCompare(a)));
    expect(await page.getAttribute('th:has(button[data-sort="instance"])', 'aria-sort')).toBe('descending');
    await page.close();
  });
});
