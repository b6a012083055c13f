/**
 * report.html at scale: its size, how long rendering it takes here, and how long a real headless Chromium takes to
 * open it from disk, draw the share map and answer a first selection. Part of `npm run bench`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { Report } from '../src/features/report/report-model.js';
import { diffShares, type ShareDiff } from '../src/features/report/snapshot-diff.js';
import { renderReportHtml } from '../src/features/report/html/render-html.js';
import { ROOT } from './sim-process.js';

const CHROMIUM = process.env.CF_SHARES_CHROMIUM ?? '/usr/bin/chromium';
/** Goals (issue 9): the page of a 10k-share foundation stays under 5 MB and is usable within 2 s. */
export const HTML_GOALS = { bytes: 5 * 1024 * 1024, interactiveMs: 2000 };

/** The figures of one page. */
export interface HtmlFigures {
  readonly label: string;
  readonly bytes: number;
  readonly renderMs: number;
  /** From navigation to the map's first frame, in the page (performance.now()). */
  readonly mapDrawnMs: number;
  /** Of which cytoscape: from its construction to the first frame. */
  readonly cytoscapeMs: number;
  /** From page.goto to a selection answered in the side panel, measured from outside the page. */
  readonly interactiveMs: number;
  /** The foundation's map: org and space nodes, space-to-space edges. */
  readonly nodes: number;
  readonly edges: number;
  /** `spaces` (all drawn) or `orgs` (org nodes and the heaviest org-to-org edges; an org's spaces on selection). */
  readonly mode: string;
  readonly drawnNodes: number;
  readonly drawnEdges: number;
}

async function measure(label: string, report: Report, diff: ShareDiff): Promise<HtmlFigures> {
  const started = performance.now();
  const html = renderReportHtml(report, diff);
  const renderMs = Math.round(performance.now() - started);
  const dir = join(ROOT, 'bench', 'out');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `report-${label}.html`);
  await writeFile(file, html);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    // The median of three loads: one load on a shared machine says more about its neighbours than about the page.
    const loads = [];
    for (let i = 0; i < 3; i += 1) loads.push(await load(browser, file));
    loads.sort((a, b) => a.interactiveMs - b.interactiveMs);
    const median = loads[1]!;
    return { label, bytes: Buffer.byteLength(html), renderMs, ...median };
  } finally {
    await browser.close();
  }
}

/** One load of the page in a fresh tab. */
async function load(browser: Browser, file: string): Promise<Omit<HtmlFigures, 'label' | 'bytes' | 'renderMs'>> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const t0 = performance.now();
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction('window.__cfShares?.mapReady === true', undefined, { timeout: 60_000 });
  // Usable, not only drawn: the first space of the picker is selected and its panel filled.
  await page.selectOption('#space-select', { index: 1 });
  await page.waitForFunction('window.__cfShares.selectedSpaceGuid !== null');
  const interactiveMs = Math.round(performance.now() - t0);
  const inPage = (await page.evaluate(
    '({ map: window.__cfShares.map, drawnAt: window.__cfShares.mapDrawnAt, cytoscapeMs: window.__cfShares.mapReadyMs })',
  )) as {
    map: { nodes: number; edges: number; mode: string; drawnNodes: number; drawnEdges: number };
    drawnAt: number;
    cytoscapeMs: number;
  };
  if (errors.length > 0) throw new Error(`report.html threw: ${errors.join('; ')}`);
  await page.close();
  return {
    mapDrawnMs: Math.round(inPage.drawnAt),
    cytoscapeMs: Math.round(inPage.cytoscapeMs),
    interactiveMs,
    nodes: inPage.map.nodes,
    edges: inPage.map.edges,
    mode: inPage.map.mode,
    drawnNodes: inPage.map.drawnNodes,
    drawnEdges: inPage.map.drawnEdges,
  };
}

/**
 * Measures the page of a report twice: as a first report (every share in the diff: the largest page) and as a
 * nightly one (the diff empty). Returns nothing when there is no Chromium, after saying so.
 */
export async function benchReportHtml(report: Report): Promise<HtmlFigures[] | undefined> {
  if (!existsSync(CHROMIUM)) {
    console.log(`\nreport.html: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
    return undefined;
  }
  return [
    await measure('first', report, diffShares(null, report)),
    await measure('nightly', report, diffShares(report, report)),
  ];
}
