import type { RedisClient } from '../../core/redis-connection.js';
import { QueueName, queueNameFor } from '../../core/queue-names.js';
import { knownFoundations } from '../../core/foundation-registry.js';

/**
 * The queue names the dashboard shows: every kind of queue of every foundation the prefix registered, and of every
 * foundation of the fleet file when one is given (so a foundation whose worker never ran still shows).
 */
export async function dashboardQueueNames(
  redis: RedisClient,
  prefix: string,
  extraApis: readonly string[],
): Promise<Array<{ name: string; api: string }>> {
  const apis = [...new Set([...(await knownFoundations(redis, prefix)), ...extraApis])].sort();
  return apis.flatMap((api) => Object.values(QueueName).map((kind) => ({ name: queueNameFor(kind, api), api })));
}
