import { Queue } from 'bullmq';
import type { RedisClient } from '../../core/redis-connection.js';
import { QueueName, foundationPrefix, queueNameFor } from '../../core/queue-names.js';
import { knownFoundations } from '../../core/foundation-registry.js';
import { ReportStore } from '../report/report-store.js';
import type { Report } from '../report/report-model.js';
import { CampaignStore } from '../campaign/campaign-store.js';

/** Job states a queue gauge shows: what waits, runs, waits for a later time, and what failed. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** The latest stored report of one foundation, as the report gauges show it. */
export interface ReportFigures {
  readonly api: string;
  readonly shares: number;
  readonly sharedInstances: number;
  /** Findings by kind and severity. */
  readonly findings: ReadonlyArray<{ kind: string; severity: string; count: number }>;
  readonly generatedAt: string;
}

/** What one scrape reads from Redis. */
export interface MetricsSnapshot {
  readonly reports: readonly ReportFigures[];
  readonly queues: ReadonlyArray<{ queue: string; counts: Readonly<Record<(typeof QUEUE_STATES)[number], number>> }>;
  readonly campaigns: ReadonlyArray<{
    id: string;
    api: string;
    status: string;
    total: number;
    outcomes: Readonly<Record<string, number>>;
  }>;
}

/** Where the snapshot reads: the Redis of the prefix, and foundations to show beyond those the prefix registered. */
export interface SnapshotSource {
  readonly redis: RedisClient;
  readonly prefix: string;
  /** Foundations of a fleet file, shown even before any worker of theirs registered them. */
  readonly extraApis?: readonly string[];
}

/**
 * Reads what the gauges show, once per scrape: the latest report of every foundation of the prefix, the job counts of
 * each of their queues, and every stored campaign's outcomes. Queue objects are kept between scrapes (they hold no
 * connection of their own: they use `redis`); `close()` closes them.
 */
export function snapshotReader(source: SnapshotSource): { read(): Promise<MetricsSnapshot>; close(): Promise<void> } {
  const queues = new Map<string, Queue>();
  const queueOf = (name: string, api: string): Queue => {
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, { connection: source.redis, prefix: foundationPrefix(source.prefix, api, source.redis) });
      queues.set(name, queue);
    }
    return queue;
  };
  // A stored report never changes: its figures are read once per report, not parsed again at every scrape (a
  // report.json of 10k shares is megabytes).
  const figuresById = new Map<string, ReportFigures>();
  return {
    async read() {
      const apis = [
        ...new Set([...(await knownFoundations(source.redis, source.prefix)), ...(source.extraApis ?? [])]),
      ];
      apis.sort();
      const reports = await latestReports(source.redis, source.prefix, apis, figuresById);
      const queueRows = [];
      for (const api of apis)
        for (const kind of Object.values(QueueName)) {
          const name = queueNameFor(kind, api);
          const counts = await queueOf(name, api).getJobCounts(...QUEUE_STATES);
          queueRows.push({
            queue: name,
            counts: Object.fromEntries(QUEUE_STATES.map((state) => [state, counts[state] ?? 0])) as Record<
              (typeof QUEUE_STATES)[number],
              number
            >,
          });
        }
      const store = new CampaignStore(source.redis, source.prefix);
      const campaigns = [];
      for (const meta of await store.list()) {
        const outcomes: Record<string, number> = {};
        for (const { outcome } of Object.values(await store.outcomes(meta.id)))
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        campaigns.push({ id: meta.id, api: meta.api, status: meta.status, total: meta.total, outcomes });
      }
      return { reports, queues: queueRows, campaigns };
    },
    close: async () => {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

/** The latest report of each foundation that has one: its summary counts, and findings counted by kind and severity. */
async function latestReports(
  redis: RedisClient,
  prefix: string,
  apis: readonly string[],
  cache: Map<string, ReportFigures>,
): Promise<ReportFigures[]> {
  const store = new ReportStore(redis, prefix);
  const figures: ReportFigures[] = [];
  for (const api of apis) {
    const [latest] = await store.list(1, api);
    const cached = latest && cache.get(latest.id);
    if (cached) {
      figures.push(cached);
      continue;
    }
    const text = latest && (await store.latestFile(api, 'report.json'));
    if (!latest || !text) continue;
    const report = JSON.parse(text) as Report;
    const byKey = new Map<string, { kind: string; severity: string; count: number }>();
    for (const { kind, severity } of report.findings) {
      const key = `${kind}\u0000${severity}`;
      const row = byKey.get(key) ?? { kind, severity, count: 0 };
      row.count += 1;
      byKey.set(key, row);
    }
    const read: ReportFigures = {
      api,
      shares: report.summary.shares,
      sharedInstances: report.summary.shared_instances,
      findings: [...byKey.values()],
      generatedAt: latest.generatedAt,
    };
    // Only the latest report of each foundation is ever asked for again: the cache holds no more than that.
    for (const [id, old] of cache) if (old.api === api) cache.delete(id);
    cache.set(latest.id, read);
    figures.push(read);
  }
  return figures;
}
