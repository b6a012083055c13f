/** The queues of cf-shares. Names are part of the Redis layout: renaming one orphans its jobs. */
export const QueueName = {
  report: 'report',
  unshare: 'unshare',
  campaign: 'campaign',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/**
 * BullMQ key prefix for a cf-shares prefix. The braces make a Redis Cluster hash tag, so every key of every queue
 * of one prefix lands in the same slot and BullMQ's multi-key scripts work on a cluster.
 */
export function bullPrefix(prefix: string): string {
  return `{${prefix}}`;
}
