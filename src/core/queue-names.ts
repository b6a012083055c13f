import { createHash } from 'node:crypto';
import { normaliseApi } from '../config/api-url.js';

/** The kinds of queue of cf-shares. Names are part of the Redis layout: renaming one orphans its jobs. */
export const QueueName = {
  report: 'report',
  unshare: 'unshare',
  campaign: 'campaign',
  /** Webhook deliveries (`--notify`): served by the report role's workers. */
  notify: 'notify',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/**
 * The key prefix of what belongs to the whole cf-shares prefix (the foundation registry, the report and campaign
 * indexes). The braces make a Redis Cluster hash tag: keys a transaction touches together share one slot.
 */
export function bullPrefix(prefix: string): string {
  return `{${prefix}}`;
}

/** Whether a connection is to a Redis Cluster: ioredis sets `isCluster` on both of its clients. */
export interface KeyLayout {
  readonly isCluster: boolean;
}

/**
 * The key prefix of one foundation's queues and records (BullMQ's `prefix`, campaign parts, report files). On a Redis
 * Cluster it is a hash tag of its own, `{prefix:foundationKey}`, so each foundation's keys share one slot (BullMQ's
 * scripts and cf-shares' transactions stay inside it) and different foundations spread over the cluster. On one
 * Redis it stays `{prefix}`, the layout of earlier versions, so queued jobs, schedules and stored records of a single
 * Redis keep their keys.
 */
export function foundationPrefix(prefix: string, api: string, layout: KeyLayout): string {
  return layout.isCluster ? `{${prefix}:${foundationKey(api)}}` : bullPrefix(prefix);
}

/**
 * A short, stable, readable key for a foundation: its API host plus a hash of the whole normalised URL, so two
 * foundations on one host (different ports or paths) never share a key. BullMQ queue names must not contain ':'.
 */
export function foundationKey(api: string): string {
  const url = new URL(api);
  const host = url.host.toLowerCase().replace(/[^a-z0-9.-]/g, '_');
  const hash = createHash('sha256').update(normaliseApi(api)).digest('hex').slice(0, 8);
  return `${host}-${hash}`;
}

/**
 * The queue of one kind for one foundation. Each foundation has its own queues, so a worker listens only to the
 * foundations it is logged in to, and a job nobody can serve waits on its queue instead of failing elsewhere.
 */
export function queueNameFor(kind: QueueName, api: string): string {
  return `${kind}-${foundationKey(api)}`;
}
