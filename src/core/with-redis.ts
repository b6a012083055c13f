import type { RedisClient } from './redis-connection.js';
import { assertRedisReachable, createRedisConnection } from './redis-connection.js';

/**
 * Opens a Redis connection for data commands, runs `use` with it and always disconnects, also when `use` throws.
 * With `check`, Redis is probed first, so a wrong --redis fails in seconds with one line instead of hanging.
 */
export async function withRedis<T>(
  redisUrl: string,
  use: (redis: RedisClient) => Promise<T>,
  options: { check?: boolean } = {},
): Promise<T> {
  if (options.check) await assertRedisReachable(redisUrl);
  const redis = createRedisConnection(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
