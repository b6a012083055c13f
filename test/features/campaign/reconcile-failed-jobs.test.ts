import { afterAll, describe, expect, it } from 'vitest';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../helpers/redis-prefix.js';
import { CampaignStore } from '../../../src/features/campaign/campaign-store.js';
import { reconcileFailedJobs } from '../../../src/features/campaign/campaign-queue.js';
import { campaignMeta } from '../../helpers/campaign-meta.js';
import type { PlanItem } from '../../../src/features/campaign/campaign-model.js';
import type { UnshareJobData } from '../../../src/features/campaign/unshare-processor.js';

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const prefix = uniquePrefix('reconcile');
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

const API = 'https://api.example.com';
const meta = campaignMeta({ id: 'c1', api: API, total: 2 });
const item = (n: number): PlanItem => ({
  id: `c1-i${n}`,
  instance: { guid: `i${n}`, name: `db-${n}`, offering: 'db', plan: 'small' },
  source: { org: 'o', space: 's', space_guid: 'src' },
  target: { org: 'o2', space: 't', space_guid: `t${n}`, org_guid: 'og' },
  bindings: [],
});

describe('reconcileFailedJobs', () => {
  it('records failed for a job that failed without an outcome, saying when its unshare went out unanswered', async () => {
    const store = new CampaignStore(redis, prefix);
    await store.create(meta, [item(1), item(2)]);
    // Item 1 sent its unshare and never heard back; item 2 sent nothing.
    await store.auditSent(
      meta.id,
      {
        id: 'req-1',
        at: '2026-12-03T10:00:00.000Z',
        identity: 'tester',
        method: 'DELETE',
        path: '/v3/service_instances/i1/relationships/shared_spaces/t1',
        send: 1,
        itemId: 'c1-i1',
      },
      { unshare: true },
    );
    const name = 'unshare-reconcile';
    const queue = new Queue<UnshareJobData>(name, { connection: redis, prefix: `{${prefix}}` });
    // A job BullMQ itself fails (here: an unrecoverable error), as one that stalled out would.
    const worker = new Worker<UnshareJobData>(
      name,
      async (job: Job<UnshareJobData>) => {
        throw new UnrecoverableError(`gave up on ${job.data.itemId}`);
      },
      { connection: redis, prefix: `{${prefix}}` },
    );
    let count = 0;
    const failed = new Promise<void>((resolve) => worker.on('failed', () => (count += 1) === 2 && resolve()));
    await queue.add('u', { campaignId: meta.id, itemId: 'c1-i1', api: API }, { jobId: 'c1-i1' });
    await queue.add('u', { campaignId: meta.id, itemId: 'c1-i2', api: API }, { jobId: 'c1-i2' });
    await failed;
    await worker.close();

    const ended: string[] = [];
    expect(await reconcileFailedJobs(queue, store, async (id) => void ended.push(id))).toBe(2);
    await queue.close();
    const [one, two] = [await store.outcome(meta.id, 'c1-i1'), await store.outcome(meta.id, 'c1-i2')];
    expect(one).toMatchObject({ outcome: 'failed' });
    expect(one!.reason).toContain('gave up on c1-i1');
    expect(one!.reason).toContain(
      'its unshare DELETE /v3/service_instances/i1/relationships/shared_spaces/t1 (request id req-1, 2026-12-03T10:00:00.000Z) went out and its answer is unknown',
    );
    expect(two).toMatchObject({ outcome: 'failed' });
    expect(two!.reason).not.toContain('went out');
    expect(ended).toEqual([meta.id]);
  });
});
