import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, startSimProcess, type SimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dumpPrefix, keysOf } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';
import { startCli, startWorker, waitFor, sleep } from '../helpers/campaign-processes.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const suite = cliSuite('notify', () => startSimProcess(['--seed', '11', '--spaces', '30', '--instances', '250']));
const envOf = (sim: SimProcess, prefix: string, extra: Record<string, string> = {}) => ({
  CF_API: sim.api,
  CF_CLIENT_ID: sim.clientId,
  CF_CLIENT_SECRET: sim.clientSecret,
  REDIS_URL,
  CF_SHARES_PREFIX: prefix,
  // Quick retries and takeovers: the defaults are seconds, which tests need not wait for.
  CF_SHARES_NOTIFY_BACKOFF_MS: '200',
  CF_SHARES_LOCK_MS: '2000',
  ...extra,
});

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
});

/** The POSTs of one test: each test posts to its own path. */
const postsTo = (path: string) => receiver.posts.filter((post) => post.path === path);

describe('report --notify', () => {
  it('notifies once for a first report (every share is new) and not for a second with nothing new', async () => {
    const prefix = suite.prefix('once');
    const env = envOf(suite.sim, prefix);
    const path = '/once';
    const first = await runCli(['report', '--out', join(suite.dir, 'once-1'), '--notify', receiver.url(path)], {
      env,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('notifications: 1 delivered, 0 failed, 0 queued for a worker');
    const posts = postsTo(path);
    expect(posts).toHaveLength(1);
    const body = posts[0]!.body;
    const report = JSON.parse(await readFile(join(suite.dir, 'once-1', 'report.json'), 'utf8'));
    expect(body).toMatchObject({
      schema: 'cf-shares/notification@1',
      event: 'report',
      api: suite.sim.api,
      first_report: true,
      shares: report.summary.shares,
      new_shares: report.summary.shares,
      removed_shares: 0,
      notify_on: 'medium',
    });
    expect(body.notification_id).toBe(posts[0]!.notificationId);
    expect(String(body.text)).toMatch(/^cf-shares: first report of http:\/\/127\.0\.0\.1:\d+: \d+ new share\(s\)/);
    expect(body.report_id).toMatch(/^\d{8}T\d{6}Z-/);

    const second = await runCli(['report', '--out', join(suite.dir, 'once-2'), '--notify', receiver.url(path)], {
      env,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('notifications:');
    await sleep(500);
    expect(postsTo(path)).toHaveLength(1);
  });

  it('retries after the receiver answers 500: two POSTs of one notification, delivered once', async () => {
    const prefix = suite.prefix('retry');
    const path = '/retry';
    receiver.script([500]);
    const result = await runCli(
      ['report', '--out', join(suite.dir, 'retry'), '--json', '--notify', receiver.url(path)],
      { env: envOf(suite.sim, prefix) },
    );
    expect(result.code, result.stderr).toBe(0);
    const posts = postsTo(path);
    expect(posts.map((post) => post.status)).toEqual([500, 200]);
    expect(new Set(posts.map((post) => post.notificationId)).size).toBe(1);
  });

  it('a 4xx is final: one POST, the job failed, and the URL never shows outside the notify job', async () => {
    const prefix = suite.prefix('secret');
    const path = '/services/T0SECRET/B0SECRET/xoxTOKENsecret42';
    receiver.script([404]);
    const out = join(suite.dir, 'secret');
    const result = await runCli(['report', '--out', out, '--log-level', 'debug', '--notify', receiver.url(path)], {
      env: envOf(suite.sim, prefix),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('notifications: 0 delivered, 1 failed, 0 queued for a worker');
    expect(postsTo(path)).toHaveLength(1);
    // The origin may show (it says where alerts go); the path, which holds a Slack-style token, never does.
    expect(result.stderr).toContain('http://127.0.0.1');
    for (const secret of ['T0SECRET', 'B0SECRET', 'xoxTOKENsecret42']) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
      for (const file of await readdir(out)) expect(await readFile(join(out, file), 'utf8')).not.toContain(secret);
    }
    // In Redis only the notify job's own hash holds the URL: delivery needs it.
    const keys = await keysOf(suite.redis, prefix);
    const notifyJobKeys = keys.filter((key) => /:notify-[^:]+:notify-report-/.test(key) && !key.endsWith(':logs'));
    expect(notifyJobKeys).toHaveLength(1);
    expect(await suite.redis.hget(notifyJobKeys[0]!, 'data')).toContain('xoxTOKENsecret42');
    expect(await suite.redis.hget(notifyJobKeys[0]!, 'failedReason')).toBe(
      `webhook ${receiver.url('')} answered 404: not retried`,
    );
    await suite.redis.del(notifyJobKeys[0]!);
    expect(await dumpPrefix(suite.redis, prefix)).not.toContain('SECRET');
  });

  it('is delivered once after the worker delivering it is killed with -9 mid-POST', async () => {
    const prefix = suite.prefix('kill');
    const env = envOf(suite.sim, prefix);
    const path = '/kill';
    receiver.script(['hold']);
    const first = startWorker(env);
    try {
      const detached = await runCli(['report', '--detach', '--notify', receiver.url(path)], { env });
      expect(detached.code, detached.stderr).toBe(0);
      await waitFor('the held POST', async () => receiver.held() === 1 && postsTo(path).length === 1, 60_000);
      first.child.kill('SIGKILL');
      await first.exited;
    } finally {
      await first.stop('SIGKILL');
    }
    const second = startWorker(env);
    try {
      const [delivered] = await waitFor('a delivery', async () => {
        const ok = postsTo(path).filter((post) => post.status === 200);
        return ok.length > 0 && ok;
      });
      await sleep(1000); // nothing more may come
      const posts = postsTo(path);
      expect(posts).toHaveLength(2);
      expect(posts.map((post) => post.notificationId)).toEqual([delivered!.notificationId, delivered!.notificationId]);
      expect(receiver.accepted().filter((post) => post.notificationId === delivered!.notificationId)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});

describe('schedule add -- report --notify', () => {
  it('keeps the URL for the workers and shows only its origin', async () => {
    const prefix = suite.prefix('schedule');
    const env = envOf(suite.sim, prefix);
    const url = receiver.url('/services/T1/B1/scheduleTOKEN');
    const added = await runCli(
      ['schedule', 'add', 'nightly', '--cron', '0 2 * * *', '--', 'report', '--notify', url, '--notify-on', 'high'],
      { env },
    );
    expect(added.code, added.stderr).toBe(0);
    const listed = await runCli(['schedule', 'list'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`report --notify ${receiver.url('')}/REDACTED --notify-on high`);
    expect(`${added.stdout}${added.stderr}${listed.stdout}${listed.stderr}`).not.toContain('scheduleTOKEN');
    const bad = await runCli(['schedule', 'add', 'x', '--cron', '0 2 * * *', '--', 'report', '--notify', 'ftp://a/b'], {
      env,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--notify URL number 1 is not an http(s) URL');
  });
});

describe('a scheduled report with --notify', () => {
  it('notifies on its first run and not on the runs after it that find nothing new', async () => {
    const prefix = suite.prefix('tick');
    const env = envOf(suite.sim, prefix);
    const path = '/tick';
    const added = await runCli(
      ['schedule', 'add', 'tick', '--cron', '*/2 * * * * *', '--', 'report', '--notify', receiver.url(path)],
      { env },
    );
    expect(added.code, added.stderr).toBe(0);
    const worker = startWorker(env);
    try {
      // Three runs: the first notifies, the next two find nothing new.
      await waitFor(
        'three scheduled reports',
        async () => {
          const listed = await runCli(['reports', 'list', '--json'], { env });
          const lines = listed.stdout.split('\n').filter((line) => line.startsWith('{'));
          return lines.filter((line) => 'id' in (JSON.parse(line) as object)).length >= 3;
        },
        60_000,
      );
      await sleep(500);
      const posts = postsTo(path);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.status).toBe(200);
      expect(posts[0]!.body).toMatchObject({ event: 'report', first_report: true });
    } finally {
      await runCli(['schedule', 'remove', 'tick'], { env });
      await worker.stop();
    }
  });
});

describe('unshare-all --notify', () => {
  it('tells the receiver once when the campaign ends, with its outcome counts', async () => {
    const sim = await startSimProcess(['--seed', '5', '--spaces', '8', '--instances', '40']);
    const prefix = suite.prefix('campaign');
    const env = envOf(sim, prefix);
    const path = '/campaign';
    // unshare-all works its items with campaign workers only; a report-role worker delivers the alert.
    const deliverer = startCli(['worker', '--serve', 'report', '--log-level', 'warn'], env);
    try {
      const result = await runCli(
        [
          'unshare-all',
          '--yes',
          '--disable-flag',
          '--retry-delay',
          '1',
          '--max-attempts',
          '2',
          '--notify',
          receiver.url(path),
        ],
        { env, timeoutMs: 120_000 },
      );
      expect([0, 3]).toContain(result.code);
      const campaignId = /^campaign: (\S+)$/m.exec(result.stdout)![1]!;
      const [post] = await waitFor('the campaign notification', async () => {
        const posts = postsTo(path);
        return posts.length > 0 && posts;
      });
      await sleep(1000);
      expect(postsTo(path)).toHaveLength(1);
      const body = post!.body as { outcomes: Record<string, number>; total: number; [key: string]: unknown };
      expect(body).toMatchObject({ event: 'campaign', campaign_id: campaignId, status: 'done', plan_hash: null });
      expect(Object.values(body.outcomes).reduce((a, b) => a + b, 0)).toBe(body.total);
      expect(body.total).toBeGreaterThan(0);
      expect(post!.notificationId).toBe(body.notification_id);
      // The URL is forgotten once the notify job holds it.
      expect(await suite.redis.exists(`{${prefix}}:campaigns:${campaignId}:notify`)).toBe(0);
    } finally {
      await deliverer.stop();
      await sim.stop();
    }
  });
});
