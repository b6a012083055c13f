import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log.js';
import { createRedisConnection } from '../../core/redis-connection.js';
import { closeAll } from '../../core/close-all.js';
import { createMetrics } from '../metrics/cf-shares-metrics.js';
import type { DashboardAuth } from './dashboard-auth.js';
import { dashboardApp } from './dashboard-app.js';

/** A running dashboard. */
export interface RunningDashboard {
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  close(): Promise<void>;
}

export interface StartDashboardOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly host: string;
  readonly port: number;
  readonly auth: DashboardAuth;
  readonly allowActions: boolean;
  readonly extraApis: readonly string[];
  readonly log: Logger;
}

/**
 * Connects to Redis (one connection for pages and gauges, one for bull-board's queues, so a slow board never holds up
 * a page) and listens. Express, bull-board and prom-client are loaded with this module only: `cf-shares --version`
 * and every other command start without them.
 */
export async function startDashboard(options: StartDashboardOptions): Promise<RunningDashboard> {
  const redis = createRedisConnection(options.redisUrl, { maxRetriesPerRequest: 3 });
  const queueRedis = createRedisConnection(options.redisUrl);
  for (const connection of [redis, queueRedis])
    connection.on('error', (error: Error) =>
      options.log.warn({ err: { message: error.message } }, 'redis connection error'),
    );
  const metrics = createMetrics({ redis, prefix: options.prefix, extraApis: options.extraApis });
  const closeConnections = () => closeAll([() => metrics.close(), () => redis.quit(), () => queueRedis.quit()]);
  let app: Awaited<ReturnType<typeof dashboardApp>>;
  let server: Server;
  try {
    app = await dashboardApp({ ...options, redis, queueRedis, metrics });
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.app.listen(options.port, options.host, (error?: Error) =>
        error ? reject(error) : resolve(listening),
      );
    });
  } catch (error) {
    await closeConnections().catch(() => undefined);
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  return {
    url,
    close: () =>
      closeAll([
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
        () => app.close(),
        closeConnections,
      ]),
  };
}
