import { describe, expect, it } from 'vitest';
import { runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { freePort } from '../helpers/redis-server.js';
import { startCli, waitFor, type CliProcess } from '../helpers/campaign-processes.js';
import { parsePrometheusText, sumOf } from '../helpers/prometheus-text.js';
import { ReportStore } from '../../src/features/report/report-store.js';
import { CampaignStore } from '../../src/features/campaign/campaign-store.js';
import { campaignMeta } from '../helpers/campaign-meta.js';
import type { CampaignMeta, PlanItem } from '../../src/features/campaign/campaign-model.js';
import { QueueName, queueNameFor } from '../../src/core/queue-names.js';

// `cf-shares dashboard` as a real process over real HTTP, on what a real report (against a simulator process) and a
// campaign record put in a real Redis.

const suite = cliSuite('dashboard', () => startSimProcess(['--seed', '7', '--spaces', '10', '--instances', '40']));

const EVIL = '<script>alert("x")</script>';

interface Dashboard {
  readonly url: string;
  readonly process: CliProcess;
}

async function startDashboard(
  args: string[],
  env: Record<string, string | undefined>,
  host = '127.0.0.1',
): Promise<Dashboard> {
  const port = await freePort();
  const process = startCli(['dashboard', '--port', String(port), '--host', host, ...args], env);
  await waitFor(
    'the dashboard',
    async () => process.stdout().includes('dashboard: ') || process.child.exitCode !== null,
    60_000,
  );
  expect(process.child.exitCode, process.stderr()).toBeNull();
  return { url: `http://127.0.0.1:${port}`, process };
}

/** A campaign record whose names and CC reasons carry markup, as a hostile space or broker could make them. */
async function seedCampaign(prefix: string, api: string): Promise<CampaignMeta> {
  const store = new CampaignStore(suite.redis, prefix);
  const meta = campaignMeta({
    id: 'c-dash-1',
    api,
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    total: 3,
  });
  const item = (n: number, name: string): PlanItem => ({
    id: `c-dash-1-i${n}-s${n}`,
    instance: { guid: `i${n}`, name, offering: 'db', plan: 'small' },
    source: { org: 'o', space: 's', space_guid: 'src' },
    target: { org: `org-${EVIL}`, space: 'space', space_guid: `s${n}`, org_guid: 'og' },
    bindings: [],
  });
  await store.create(meta, [item(1, EVIL), item(2, 'plain'), item(3, 'open')]);
  await store.finish(meta.id, 'c-dash-1-i1-s1', {
    outcome: 'blocked',
    attempts: 3,
    at: new Date().toISOString(),
    blockers: [`Service broker failed to delete binding: <img src=x onerror=alert(1)>`],
  });
  await store.finish(meta.id, 'c-dash-1-i2-s2', { outcome: 'unshared', attempts: 1, at: new Date().toISOString() });
  return meta;
}

describe('cf-shares dashboard', () => {
  it('serves bull-board, the reports and campaigns Redis holds (escaped), /metrics, and is read-only by default', async () => {
    const { sim } = suite;
    const prefix = suite.prefix('dash');
    const env = {
      CF_API: sim.api,
      CF_USERNAME: sim.username,
      CF_PASSWORD: sim.password,
      REDIS_URL,
      CF_SHARES_PREFIX: prefix,
    };
    const report = await runCli(['report'], { env, timeoutMs: 120_000 });
    expect(report.code, report.stderr).toBe(0);
    const [stored] = await new ReportStore(suite.redis, prefix).list();
    const meta = await seedCampaign(prefix, stored!.api);

    const dash = await startDashboard([], { REDIS_URL, CF_SHARES_PREFIX: prefix });
    try {
      const board = await fetch(`${dash.url}/queues`);
      expect(board.status).toBe(200);
      expect(await board.text()).toContain('<base href="/queues/"');
      const api = (await (await fetch(`${dash.url}/queues/api/queues`)).json()) as {
        queues: Array<{ name: string; readOnlyMode: boolean }>;
      };
      const reportQueue = queueNameFor(QueueName.report, stored!.api);
      expect(api.queues.map((q) => q.name)).toContain(reportQueue);
      expect(api.queues.every((q) => q.readOnlyMode)).toBe(true);

      const reports = await (await fetch(`${dash.url}/reports`)).text();
      expect(reports).toContain(stored!.id);
      const one = await (await fetch(`${dash.url}/reports/${stored!.id}`)).text();
      // Reports are stored without their page: the dashboard renders report.html from the stored data, as `reports get`
      // does, and links the Markdown and the JSON too.
      expect(one).toContain(`/reports/${stored!.id}/files/report.html`);
      const page = await fetch(`${dash.url}/reports/${stored!.id}/files/report.html`);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toMatch(/^<!doctype html>[\s\S]*Content-Security-Policy/i);
      expect(one).toContain(`/reports/${stored!.id}/files/report.md`);
      expect(one).toContain(`/reports/${stored!.id}/files/report.json`);
      const md = await fetch(`${dash.url}/reports/${stored!.id}/files/report.md`);
      expect(md.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const json = await fetch(`${dash.url}/reports/${stored!.id}/files/report.json`);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await json.json()) as { summary: { shares: number } }).summary.shares).toBe(stored!.shares);

      const campaigns = await (await fetch(`${dash.url}/campaigns`)).text();
      expect(campaigns).toContain(meta.id);
      expect(campaigns).toMatch(/blocked 1, unshared 1|unshared 1, blocked 1/);
      const campaign = await (await fetch(`${dash.url}/campaigns/${meta.id}`)).text();
      expect(campaign).not.toContain('<script>alert');
      expect(campaign).not.toContain('<img src=x');
      expect(campaign).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(campaign).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(campaign).toContain('2/3 final');
      expect(campaign).not.toContain('cancel campaign');

      const metrics = parsePrometheusText(await (await fetch(`${dash.url}/metrics`)).text());
      expect(sumOf(metrics, 'cf_shares_report_shares', { api: stored!.api })).toBe(stored!.shares);
      expect(sumOf(metrics, 'cf_shares_campaign_items', { campaign: meta.id, outcome: 'blocked' })).toBe(1);

      // A stored report with a report.html (written by newer versions): the page opens it, served as HTML with a CSP.
      const files = (await new ReportStore(suite.redis, prefix).files(stored!.id))!;
      await new ReportStore(suite.redis, prefix).save(
        { ...stored!, id: 'r-with-html', generatedAt: new Date(Date.parse(stored!.generatedAt) - 1000).toISOString() },
        { ...files, 'report.html': '<!doctype html><p>share map</p>' },
      );
      expect(await (await fetch(`${dash.url}/reports/r-with-html`)).text()).toContain(
        '/reports/r-with-html/files/report.html',
      );
      const view = await fetch(`${dash.url}/reports/r-with-html/files/report.html`);
      expect(view.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(view.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await view.text()).toBe('<!doctype html><p>share map</p>');
      expect((await fetch(`${dash.url}/reports/r-with-html/files/nope.txt`)).status).toBe(404);

      // Read-only: bull-board's actions and campaign cancel are refused.
      const clean = await fetch(`${dash.url}/queues/api/queues/${reportQueue}/clean/failed`, { method: 'PUT' });
      expect(clean.status).toBe(405);
      const retry = await fetch(`${dash.url}/queues/api/queues/${reportQueue}/retry/failed`, { method: 'PUT' });
      expect(retry.status).toBeGreaterThanOrEqual(400);
      expect(retry.status).toBeLessThan(500);
      const cancel = await fetch(`${dash.url}/campaigns/${meta.id}/cancel`, { method: 'POST', redirect: 'manual' });
      expect(cancel.status).toBe(405);
      expect((await new CampaignStore(suite.redis, prefix).meta(meta.id))!.status).toBe('running');
    } finally {
      expect((await dash.process.stop()).code, dash.process.stderr()).toBe(0);
    }
  });

  it('--allow-actions lets bull-board act and cancels a campaign; a write from another origin is still refused', async () => {
    const prefix = suite.prefix('dash-act');
    const meta = await seedCampaign(prefix, suite.sim.api);
    // The foundation is known to the prefix as a worker would register it.
    await suite.redis.hset(`{${prefix}}:foundations`, 'x', suite.sim.api);
    const dash = await startDashboard(['--allow-actions'], { REDIS_URL, CF_SHARES_PREFIX: prefix });
    try {
      const reportQueue = queueNameFor(QueueName.report, suite.sim.api);
      const api = (await (await fetch(`${dash.url}/queues/api/queues`)).json()) as {
        queues: Array<{ name: string; readOnlyMode: boolean }>;
      };
      expect(api.queues.find((q) => q.name === reportQueue)?.readOnlyMode).toBe(false);
      const clean = await fetch(`${dash.url}/queues/api/queues/${reportQueue}/clean/failed`, { method: 'PUT' });
      expect(clean.status).toBe(200);
      const page = await (await fetch(`${dash.url}/campaigns/${meta.id}`)).text();
      expect(page).toContain('cancel campaign');
      const foreign = await fetch(`${dash.url}/campaigns/${meta.id}/cancel`, {
        method: 'POST',
        headers: { origin: 'https://evil.example' },
        redirect: 'manual',
      });
      expect(foreign.status).toBe(403);
      const cancel = await fetch(`${dash.url}/campaigns/${meta.id}/cancel`, { method: 'POST', redirect: 'manual' });
      expect(cancel.status).toBe(303);
      expect((await new CampaignStore(suite.redis, prefix).meta(meta.id))!.status).toBe('cancelled');
    } finally {
      expect((await dash.process.stop()).code, dash.process.stderr()).toBe(0);
    }
  });

  it("serves no webhook URL's path: a detached report's and a schedule's --notify URLs show as their origin", async () => {
    const prefix = suite.prefix('dash-hooks');
    const env = {
      CF_API: suite.sim.api,
      CF_USERNAME: suite.sim.username,
      CF_PASSWORD: suite.sim.password,
      REDIS_URL,
      CF_SHARES_PREFIX: prefix,
    };
    const detached = await runCli(
      ['report', '--detach', '--notify', 'https://hooks.example.com/services/T1/B1/SECRETONE?token=SECRETQUERY'],
      { env },
    );
    expect(detached.code, detached.stderr).toBe(0);
    const scheduled = await runCli(
      [
        'schedule',
        'add',
        'nightly',
        '--cron',
        '0 2 * * *',
        '--',
        'report',
        '--notify',
        'https://hooks.example.com/x/SECRETTWO',
      ],
      { env },
    );
    expect(scheduled.code, scheduled.stderr).toBe(0);
    await suite.redis.hset(`{${prefix}}:foundations`, 'x', suite.sim.api);
    const dash = await startDashboard([], { REDIS_URL, CF_SHARES_PREFIX: prefix });
    try {
      const reportQueue = queueNameFor(QueueName.report, suite.sim.api);
      const served = await Promise.all(
        [
          `/queues/api/queues?activeQueue=${reportQueue}&status=waiting`,
          `/queues/api/queues?activeQueue=${reportQueue}&status=delayed`,
          '/queues/api/job-schedulers',
        ].map(async (path) => (await fetch(`${dash.url}${path}`)).text()),
      );
      const all = served.join('\n');
      expect(all).not.toMatch(/SECRETONE|SECRETQUERY|SECRETTWO/);
      // The jobs are there, with their URLs cut to the origin.
      expect(all.split('https://hooks.example.com/REDACTED').length - 1).toBeGreaterThanOrEqual(3);
    } finally {
      expect((await dash.process.stop()).code, dash.process.stderr()).toBe(0);
    }
  });

  it('--host 0.0.0.0 without a token or credentials exits 2 with one line', async () => {
    const result = await runCli(['dashboard', '--host', '0.0.0.0', '--port', String(await freePort())], {
      env: { REDIS_URL, CF_SHARES_PREFIX: suite.prefix('dash-refused') },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^cf-shares: refusing to serve the dashboard on 0\.0\.0\.0 without auth/);
  });

  it('with a token: 401 without it; 200 with the Bearer header, or ?token= once then its cookie; never echoes it', async () => {
    const token = 'dash-token-0123456789';
    const dash = await startDashboard(
      [],
      { REDIS_URL, CF_SHARES_PREFIX: suite.prefix('dash-token'), CF_SHARES_DASHBOARD_TOKEN: token },
      '0.0.0.0',
    );
    try {
      expect((await fetch(`${dash.url}/reports`)).status).toBe(401);
      expect((await fetch(`${dash.url}/queues`)).status).toBe(401);
      expect((await fetch(`${dash.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${dash.url}/reports`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const bearer = await fetch(`${dash.url}/reports`, { headers: { authorization: `Bearer ${token}` } });
      expect(bearer.status).toBe(200);
      expect(await bearer.text()).not.toContain(token);
      const once = await fetch(`${dash.url}/campaigns?token=${token}`, { redirect: 'manual' });
      expect(once.status).toBe(303);
      expect(once.headers.get('location')).toBe('/campaigns');
      const cookie = once.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      const withCookie = await fetch(`${dash.url}/campaigns`, { headers: { cookie: cookie.split(';')[0]! } });
      expect(withCookie.status).toBe(200);
      expect(dash.process.stdout() + dash.process.stderr()).not.toContain(token);
    } finally {
      await dash.process.stop();
    }
  });

  it('with basic-auth credentials: 401 with a challenge without them, 200 with them', async () => {
    const dash = await startDashboard(
      [],
      {
        REDIS_URL,
        CF_SHARES_PREFIX: suite.prefix('dash-basic'),
        CF_SHARES_DASHBOARD_USER: 'ops',
        CF_SHARES_DASHBOARD_PASSWORD: 'pa:ss word',
      },
      '0.0.0.0',
    );
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    try {
      const none = await fetch(`${dash.url}/`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect((await fetch(`${dash.url}/`, { headers: { authorization: basic('ops', 'wrong') } })).status).toBe(401);
      expect((await fetch(`${dash.url}/`, { headers: { authorization: basic('ops', 'pa:ss word') } })).status).toBe(
        200,
      );
    } finally {
      await dash.process.stop();
    }
  });
});
