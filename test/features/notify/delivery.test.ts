import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../../../src/log.js';
import { QueueName, bullPrefix, queueNameFor } from '../../../src/core/queue-names.js';
import { enqueueNotifications } from '../../../src/features/notify/enqueue-notification.js';
import { notifyProcessor } from '../../../src/features/notify/notify-processor.js';
import { notificationId, type NotifyJobData } from '../../../src/features/notify/notify-model.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../helpers/redis-prefix.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';

const API = 'https://api.delivery.example';
const payload = {
  schema: 'cf-shares/notification@1',
  event: 'report',
  text: 'hi',
} as unknown as NotifyJobData['payload'];

let receiver: WebhookReceiver;
let redis: Redis;
const lines: string[] = [];
const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
let prefix: string;
let worker: Worker | undefined;
let workerRedis: Redis | undefined;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  process.env.CF_SHARES_NOTIFY_BACKOFF_MS = '50';
});
afterEach(async () => {
  await worker?.close();
  workerRedis?.disconnect();
  worker = undefined;
  workerRedis = undefined;
  await dropPrefix(redis, prefix);
});
afterAll(async () => {
  delete process.env.CF_SHARES_NOTIFY_BACKOFF_MS;
  await receiver.close();
  redis.disconnect();
});

/** Queues one notification to `url` and runs a real worker until the job completes or fails for good. */
async function deliver(url: string, subject: string): Promise<{ state: string; reason?: string; id: string }> {
  prefix = uniquePrefix('notify-delivery');
  const name = queueNameFor(QueueName.notify, API);
  const id = notificationId(subject, url);
  await enqueueNotifications(redis, prefix, API, [{ url, notificationId: id, payload }]);
  workerRedis = redis.duplicate();
  worker = new Worker(name, notifyProcessor(log), { connection: workerRedis, prefix: bullPrefix(prefix) });
  const queue = new Queue(name, { connection: redis, prefix: bullPrefix(prefix) });
  try {
    for (;;) {
      const state = await queue.getJobState(id);
      if (state === 'completed') return { state, id };
      if (state === 'failed') return { state, id, reason: (await queue.getJob(id))!.failedReason };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await queue.close();
  }
}

describe('notify delivery (real Redis, real BullMQ worker, real HTTP)', () => {
  it.each([[408], [429], [502]])('retries after %i and delivers once', async (status) => {
    const path = `/retry-${status}`;
    receiver.script([status, status]);
    const end = await deliver(receiver.url(path), `s-${status}`);
    expect(end.state).toBe('completed');
    const posts = receiver.posts.filter((post) => post.path === path);
    expect(posts.map((post) => post.status)).toEqual([status, status, 200]);
    expect(new Set(posts.map((post) => post.notificationId))).toEqual(new Set([end.id]));
  });

  it.each([[400], [403], [410]])('a %i is final: one POST, the job failed with the origin only', async (status) => {
    const path = `/final-${status}/tokenXYZ`;
    receiver.script([status]);
    const end = await deliver(receiver.url(path), `f-${status}`);
    expect(end.state).toBe('failed');
    expect(end.reason).toBe(`webhook ${receiver.url('')} answered ${status}: not retried`);
    expect(receiver.posts.filter((post) => post.path === path)).toHaveLength(1);
    expect(lines.join('')).not.toContain('tokenXYZ');
  });

  it('retries a network error, naming the origin and the error code only', async () => {
    // A port that refuses connections: listen, note it, close.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const end = await deliver(`http://127.0.0.1:${port}/T/B/netTOKEN`, 'net');
    expect(end.state).toBe('failed');
    expect(end.reason).toBe(`webhook http://127.0.0.1:${port} unreachable (ECONNREFUSED)`);
    const attempts = lines.filter((line) => line.includes('network error') && line.includes(end.id));
    expect(attempts.length).toBe(8);
    expect(lines.join('')).not.toContain('netTOKEN');
  });

  it('queuing one notification twice (a retried report or finalisation job) adds one job', async () => {
    prefix = uniquePrefix('notify-twice');
    const url = receiver.url('/twice');
    const data: NotifyJobData = { url, notificationId: notificationId('report-x-1', url), payload };
    await enqueueNotifications(redis, prefix, API, [data]);
    await enqueueNotifications(redis, prefix, API, [data]);
    const queue = new Queue(queueNameFor(QueueName.notify, API), { connection: redis, prefix: bullPrefix(prefix) });
    try {
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await queue.close();
    }
  });
});
