import { Counter, Gauge, Registry } from 'prom-client';
import type { RedisClient } from '../../core/redis-connection.js';
import type { SendObservation } from '../../client/index.js';
import { QUEUE_STATES, snapshotReader, type MetricsSnapshot } from './metrics-snapshot.js';

/** What a process serves on `/metrics`. */
export interface CfSharesMetrics {
  readonly registry: Registry;
  /** The observer of one foundation's client (`StartWorkersOptions.observeSends`): counts requests, retries, 429s. */
  observeSends(api: string): (send: SendObservation) => void;
  /** The text of a scrape, in Prometheus' exposition format. */
  scrape(): Promise<string>;
  close(): Promise<void>;
}

export interface CfSharesMetricsOptions {
  readonly redis: RedisClient;
  readonly prefix: string;
  /** Foundations of a fleet file, shown even before a worker of theirs registered them. */
  readonly extraApis?: readonly string[];
  /** Injectable for tests. @defaultValue Date.now */
  readonly now?: () => number;
}

/**
 * The metrics of issue 9 in one registry (its own, not prom-client's global one, so two in one process never clash).
 * Gauges read Redis when scraped (`collect`), so any process sharing the Redis, a worker or the dashboard, shows the
 * same figures; CC request counters are this process's own. Labels carry API URLs, queue names, campaign ids and
 * endpoint families: never a credential.
 */
export function createMetrics(options: CfSharesMetricsOptions): CfSharesMetrics {
  const registry = new Registry();
  const reader = snapshotReader(options);
  const now = options.now ?? Date.now;
  // Every gauge's collect() runs in the same scrape: they share one read of Redis.
  let pending: Promise<MetricsSnapshot> | undefined;
  const snapshot = (): Promise<MetricsSnapshot> => {
    pending ??= reader.read().finally(() => {
      setImmediate(() => (pending = undefined));
    });
    return pending;
  };
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (set: (labels: Record<L, string>, value: number) => void, data: MetricsSnapshot) => void,
  ): void => {
    registry.registerMetric(
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: [],
        async collect() {
          const data = await snapshot();
          this.reset();
          fill((labels, value) => this.set(labels as never, value), data);
        },
      }),
    );
  };

  gauge('cf_shares_report_shares', 'Shares in the latest stored report of the foundation', ['api'], (set, data) => {
    for (const r of data.reports) set({ api: r.api }, r.shares);
  });
  gauge(
    'cf_shares_report_shared_instances',
    'Shared service instances in the latest stored report of the foundation',
    ['api'],
    (set, data) => {
      for (const r of data.reports) set({ api: r.api }, r.sharedInstances);
    },
  );
  gauge(
    'cf_shares_report_findings',
    'Findings in the latest stored report of the foundation, by kind and severity',
    ['api', 'kind', 'severity'],
    (set, data) => {
      for (const r of data.reports)
        for (const f of r.findings) set({ api: r.api, kind: f.kind, severity: f.severity }, f.count);
    },
  );
  gauge(
    'cf_shares_report_age_seconds',
    'Seconds since the latest stored report of the foundation was generated',
    ['api'],
    (set, data) => {
      for (const r of data.reports) set({ api: r.api }, Math.max(0, (now() - Date.parse(r.generatedAt)) / 1000));
    },
  );
  gauge('cf_shares_queue_jobs', 'Jobs of a cf-shares queue by state', ['queue', 'state'], (set, data) => {
    for (const q of data.queues) for (const state of QUEUE_STATES) set({ queue: q.queue, state }, q.counts[state]);
  });
  gauge(
    'cf_shares_campaign_items',
    'Items of a stored campaign by final outcome',
    ['campaign', 'api', 'outcome'],
    (set, data) => {
      for (const c of data.campaigns)
        for (const [outcome, n] of Object.entries(c.outcomes)) set({ campaign: c.id, api: c.api, outcome }, n);
    },
  );
  gauge(
    'cf_shares_campaign_planned_items',
    'Items planned by a stored campaign (final or not)',
    ['campaign', 'api', 'status'],
    (set, data) => {
      for (const c of data.campaigns) set({ campaign: c.id, api: c.api, status: c.status }, c.total);
    },
  );

  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['api', 'family'], registers: [registry] });
  const requests = counter(
    'cf_shares_cc_requests_total',
    'HTTP requests sent to CC and UAA by this process, retries included',
  );
  const retries = counter(
    'cf_shares_cc_retries_total',
    'Requests this process sent again after a fault (429, 5xx, network)',
  );
  const rateLimited = counter('cf_shares_cc_rate_limited_total', 'Answers 429 Too Many Requests this process received');

  return {
    registry,
    observeSends: (api) => (send) => {
      const labels = { api, family: send.family };
      requests.inc(labels);
      if (send.retry) retries.inc(labels);
      if (send.status === 429) rateLimited.inc(labels);
    },
    scrape: () => registry.metrics(),
    close: () => reader.close(),
  };
}
