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
 * BullMQ key prefix for a cf-shares prefix. The braces make a Redis Cluster hash tag, so every key of every queue
 * of one prefix lands in the same slot and BullMQ's multi-key scripts work on a cluster.
 */
export function bullPrefix(prefix: string): string {
  return `{${prefix}}`;
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
