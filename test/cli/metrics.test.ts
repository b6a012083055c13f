import { describe, expect, it } from 'vitest';
import { runCli, startSimProcess } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { freePort } from '../helpers/redis-server.js';
import { startCli, waitFor } from '../helpers/campaign-processes.js';
import { parsePrometheusText, samplesOf, sumOf, type Exposition } from '../helpers/prometheus-text.js';
import { ReportStore } from '../../src/features/report/report-store.js';
import { CampaignStore } from '../../src/features/campaign/campaign-store.js';
import type { Report } from '../../src/features/report/report-model.js';
import { QueueName, queueNameFor } from '../../src/core/queue-names.js';

// `worker --metrics-port`: a real worker process serves /metrics while it runs a detached report against a real
// simulator (rate-limited, so 429s happen) and a campaign; the scrape is parsed as Prometheus text and its figures
// compared with what Redis holds.

const suite = cliSuite('metrics', () => startSimProcess(['--seed', '5', '--spaces', '12', '--instances', '60']));

async function faults(api: string, body: unknown): Promise<void> {
  const answer = await fetch(`${api}/_sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(answer.status).toBeLessThan(300);
}

async function scrape(url: string): Promise<Exposition> {
  const answer = await fetch(`${url}/metrics`);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await answer.text());
}

describe('worker --metrics-port', () => {
  it('serves the stored report, queues, campaign outcomes and the CC requests, retries and 429s of its client', async () => {
    const { sim } = suite;
    const prefix = suite.prefix('metrics');
    const env = {
      CF_API: sim.api,
      CF_USERNAME: sim.username,
      CF_PASSWORD: sim.password,
      REDIS_URL,
      CF_SHARES_PREFIX: prefix,
    };
    const port = await freePort();
    const worker = startCli(['worker', '--log-level', 'warn', '--metrics-port', String(port)], env);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(
        'the metrics endpoint',
        () =>
          fetch(`${url}/metrics`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
      );
      await faults(sim.api, { rateLimit: { limit: 6, windowSeconds: 2, exemptAdmins: false } });
      const detached = await runCli(['report', '--detach'], { env });
      expect(detached.code, detached.stderr).toBe(0);
      const store = new ReportStore(suite.redis, prefix);
      const [meta] = await waitFor(
        'the report',
        async () => {
          const list = await store.list(1);
          return list.length > 0 && list;
        },
        120_000,
      );
      await faults(sim.api, {});
      const report = JSON.parse((await store.files(meta!.id))!['report.json']!) as Report;

      const campaign = await runCli(
        ['unshare-all', '--yes', '--disable-flag', '--rate', '50', '--retry-delay', '1', '--max-attempts', '2'],
        {
          env,
          timeoutMs: 120_000,
        },
      );
      expect([0, 3]).toContain(campaign.code);
      const campaignId = /campaign: (\S+)/.exec(campaign.stdout)![1]!;
      const outcomes = await new CampaignStore(suite.redis, prefix).outcomes(campaignId);
      const byOutcome: Record<string, number> = {};
      for (const { outcome } of Object.values(outcomes)) byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;

      const metrics = await scrape(url);
      const api = meta!.api;
      expect(samplesOf(metrics, 'cf_shares_report_shares', { api }).map((s) => s.value)).toEqual([
        report.summary.shares,
      ]);
      expect(samplesOf(metrics, 'cf_shares_report_shared_instances', { api }).map((s) => s.value)).toEqual([
        report.summary.shared_instances,
      ]);
      const findings: Record<string, number> = {};
      for (const f of report.findings)
        findings[`${f.kind}/${f.severity}`] = (findings[`${f.kind}/${f.severity}`] ?? 0) + 1;
      expect(
        Object.fromEntries(
          samplesOf(metrics, 'cf_shares_report_findings', { api }).map((s) => [
            `${s.labels.kind}/${s.labels.severity}`,
            s.value,
          ]),
        ),
      ).toEqual(findings);
      const [age] = samplesOf(metrics, 'cf_shares_report_age_seconds', { api });
      expect(age!.value).toBeGreaterThanOrEqual(0);
      expect(age!.value).toBeLessThan(600);
      expect(
        samplesOf(metrics, 'cf_shares_queue_jobs', { queue: queueNameFor(QueueName.report, api) })
          .map((s) => s.labels.state)
          .sort(),
      ).toEqual(['active', 'delayed', 'failed', 'waiting']);
      expect(
        Object.fromEntries(
          samplesOf(metrics, 'cf_shares_campaign_items', { campaign: campaignId }).map((s) => [
            s.labels.outcome,
            s.value,
          ]),
        ),
      ).toEqual(byOutcome);
      expect(sumOf(metrics, 'cf_shares_campaign_planned_items', { campaign: campaignId })).toBe(
        Object.keys(outcomes).length,
      );
      // The worker's own client did the crawl: its requests, under a rate limit that does not exempt admins.
      expect(sumOf(metrics, 'cf_shares_cc_requests_total', { api, family: '/v3/service_instances' })).toBeGreaterThan(
        0,
      );
      expect(sumOf(metrics, 'cf_shares_cc_rate_limited_total', { api })).toBeGreaterThan(0);
      expect(sumOf(metrics, 'cf_shares_cc_retries_total', { api })).toBeGreaterThanOrEqual(
        sumOf(metrics, 'cf_shares_cc_rate_limited_total', { api }),
      );
      for (const family of new Set(samplesOf(metrics, 'cf_shares_cc_requests_total').map((s) => s.labels.family)))
        expect(family).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
      for (const [name, type] of metrics.types) {
        expect(name).toMatch(/^cf_shares_/);
        if (type === 'counter') expect(name).toMatch(/_total$/);
      }
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).not.toContain(sim.password);
      expect((await fetch(`${url}/other`)).status).toBe(404);
    } finally {
      await faults(sim.api, {}).catch(() => undefined);
      const exit = await worker.stop();
      expect(exit.code, worker.stderr()).toBe(0);
    }
  });
});
