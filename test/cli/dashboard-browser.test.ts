import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { freePort } from '../helpers/redis-server.js';
import { startCli, waitFor } from '../helpers/campaign-processes.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { dropPrefix, uniquePrefix } from '../helpers/redis-prefix.js';
import { CampaignStore } from '../../src/features/campaign/campaign-store.js';
import { campaignMeta } from '../helpers/campaign-meta.js';

// The dashboard in a real headless Chromium (Debian's, driven by playwright-core): every page loads without a console
// error or an uncaught exception, and a name holding markup shows as text. Screenshots go to test-artifacts/ (ignored).

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
const ARTIFACTS = `${REPO_ROOT}/test-artifacts/dashboard`;

const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix('dash-browser');
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe.skipIf(!existsSync(CHROMIUM))('dashboard in Chromium', () => {
  it('opens the index, bull-board, reports and a campaign with no console error, names shown as text', async () => {
    const api = 'https://api.browser.example.com';
    await redis.hset(`{${prefix}}:foundations`, 'x', api);
    const meta = campaignMeta({
      id: 'c-browser',
      api,
      createdAt: new Date(Date.now() - 30_000).toISOString(),
      createdBy: EVIL,
      total: 1,
    });
    const store = new CampaignStore(redis, prefix);
    await store.create(meta, [
      {
        id: 'c-browser-i-s',
        instance: { guid: 'i', name: EVIL, offering: null, plan: null },
        source: { org: 'o', space: 's', space_guid: 'ss' },
        target: { org: 'o2', space: EVIL, space_guid: 's', org_guid: 'og' },
        bindings: [],
      },
    ]);
    await store.finish(meta.id, 'c-browser-i-s', {
      outcome: 'blocked',
      attempts: 1,
      at: new Date().toISOString(),
      blockers: [EVIL],
    });
    const port = await freePort();
    const dash = startCli(['dashboard', '--port', String(port)], { REDIS_URL, CF_SHARES_PREFIX: prefix });
    let browser: Browser | undefined;
    try {
      await waitFor('the dashboard', async () => dash.stdout().includes('dashboard: '), 60_000);
      await mkdir(ARTIFACTS, { recursive: true });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()} at ${message.location().url}`);
      });
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`answer ${response.status()}: ${response.url()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('dialog', (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      const base = `http://127.0.0.1:${port}`;
      for (const [path, name] of [
        ['/', 'index'],
        ['/reports', 'reports'],
        ['/campaigns', 'campaigns'],
        [`/campaigns/${meta.id}`, 'campaign'],
        ['/queues', 'queues'],
      ] as const) {
        const answer = await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
        expect(answer?.status(), path).toBe(200);
        await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
      }
      // bull-board's single-page app drew its queue list.
      await page.getByText('report-api.browser.example.com', { exact: false }).first().waitFor({ timeout: 15_000 });
      await page.goto(`${base}/campaigns/${meta.id}`);
      expect(await page.locator('body').innerText()).toContain(EVIL);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
      await dash.stop();
    }
  });
});
