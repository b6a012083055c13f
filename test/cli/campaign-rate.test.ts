import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { runCli, startSimProcess, cliEnv, REPO_ROOT, type SimProcess } from '../helpers/run-cli.js';
import { REDIS_URL, dropPrefix, keysOf, uniquePrefix } from '../helpers/redis-prefix.js';
import { CampaignStore } from '../../src/features/campaign/campaign-store.js';
import { WINDOW_MS, rateGate } from '../../src/features/campaign/rate-gate.js';

/**
 * "A rate cap that holds": --rate caps the unshare DELETEs the Cloud Controller receives in any one second, across
 * every worker process and retries included, and each campaign has a cap of its own. Measured where it matters, on
 * the simulator's arrival log (GET /_sim/writes), not on our own clock.
 *
 * The gate spaces sends by (1000 ms + margin) / rate on Redis' clock; the margin covers the way from taking a slot to
 * the arrival at CC (an audit entry, then the HTTP request). On this shared 2-core machine, next to other suites,
 * that way sometimes takes 50-100 ms (a process not scheduled), far beyond the default 25 ms a production worker
 * needs, so the workers here run with a margin of 150 ms: the test is about the cap holding across processes,
 * campaigns and retries, not about the OS scheduler. `npm run bench:campaign` measures the default margin and the
 * throughput goal. The upper bounds are hard; the lower bounds are lenient, against what the margin leaves.
 */
const MARGIN_MS = 150;
const attainable = (rate: number): number => (rate * 1000) / (WINDOW_MS + MARGIN_MS);

interface Write {
  at: number;
  path: string;
  route: string;
}

const UNSHARE_ROUTE = 'DELETE /v3/service_instances/:guid/relationships/shared_spaces/:space_guid';

const redis = new Redis(REDIS_URL);
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  redis.disconnect();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The largest number of `times` (ms) inside any half-open window [t, t + 1000). */
function windowMax(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + 1000) end++;
    max = Math.max(max, end - start);
  }
  return max;
}

/** DELETEs per second over their own span, first to last arrival. */
function achievedRate(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.length < 2 ? 0 : (sorted.length - 1) / ((sorted.at(-1)! - sorted[0]!) / 1000);
}

/** `cf-shares worker` processes, resolved once each is ready (so their start-up is not in the measured seconds). */
async function startWorkers(
  count: number,
  env: Record<string, string>,
): Promise<{ stop(): Promise<void>; logs(): string }> {
  const children: ChildProcess[] = [];
  let log = '';
  const ready = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['bin/cf-shares.js', 'worker', '--log-level', 'info'], {
      cwd: REPO_ROOT,
      env: cliEnv({ ...env, CF_SHARES_RATE_MARGIN_MS: String(MARGIN_MS) }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    return new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        log = (
          log +
          text
            .split('\n')
            .filter((line) => !line.includes('"level":30'))
            .join('\n')
        ).slice(-20_000);
        if (text.includes('"msg":"worker ready"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker exited ${code} before it was ready: ${log}`)));
    });
  });
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };
  cleanups.push(stop);
  await Promise.all(ready);
  return { stop, logs: () => log };
}

describe('--rate caps the unshares the Cloud Controller receives', () => {
  // seed 5, 40 spaces, 800 instances, 4 orgs: 263 shares, by target org 86 / 81 / 57 / 39. org-003 and org-004 hold
  // scripted async and busy bindings, so blocked items retry inside the measured campaigns.
  let sim: SimProcess;
  let env: Record<string, string>;
  let store: CampaignStore;

  beforeAll(async () => {
    sim = await startSimProcess(['--seed', '5', '--spaces', '40', '--instances', '800', '--orgs', '4']);
    const prefix = uniquePrefix('rate');
    cleanups.push(
      () => sim.stop(),
      () => dropPrefix(redis, prefix),
    );
    env = {
      CF_API: sim.api,
      CF_USERNAME: sim.username,
      CF_PASSWORD: sim.password,
      REDIS_URL,
      CF_SHARES_PREFIX: prefix,
    };
    store = new CampaignStore(redis, prefix);
  });

  const detach = async (args: string[]): Promise<string> => {
    const result = await runCli(['unshare-all', '--yes', '--disable-flag', '--detach', '--retry-delay', '1', ...args], {
      env,
    });
    expect(result.code, result.stderr).toBe(0);
    return /^campaign: (\S+)$/m.exec(result.stdout)![1]!;
  };

  /** Waits for the campaign to end by reading Redis from here: no follower process competing for the CPU meanwhile. */
  const ended = async (id: string, timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const meta = await store.meta(id);
      if ((meta?.status === 'done' || meta?.status === 'cancelled') && (await store.verification(id)))
        return meta.status;
      if (Date.now() > deadline) return meta?.status ?? 'missing';
      await sleep(250);
    }
  };

  /** Arrival times of the unshare DELETEs of one campaign's planned shares, retries included. */
  const arrivalsOf = async (id: string): Promise<number[]> => {
    const planned = new Set(
      (await store.items(id)).map(
        (item) =>
          `/v3/service_instances/${item.instance.guid}/relationships/shared_spaces/${'target' in item ? item.target.space_guid : ''}`,
      ),
    );
    const { writes } = (await (await fetch(`${sim.api}/_sim/writes`)).json()) as { writes: Write[] };
    return writes.filter((write) => write.route === UNSHARE_ROUTE && planned.has(write.path)).map((write) => write.at);
  };

  for (const [workers, org] of [
    [1, 'org-004'],
    [4, 'org-003'],
  ] as const) {
    it(`at --rate 8 with ${workers} worker process(es): never more than 8 in any second, retries included`, async () => {
      const pool = await startWorkers(workers, env);
      const id = await detach(['--rate', '8', '--max-attempts', '3', '--target-org', org]);
      expect(await ended(id), pool.logs()).toBe('done');
      await pool.stop();
      const total = (await store.meta(id))!.total;
      const times = await arrivalsOf(id);
      const max = windowMax(times);
      console.info(
        `rate 8, ${workers} worker(s): ${times.length} DELETEs for ${total} items, max ${max} in a second, ${achievedRate(times).toFixed(2)}/s`,
      );
      expect(times.length).toBeGreaterThan(total); // the blocked item's retries are in
      expect(max).toBeLessThanOrEqual(8);
      // The cap is reached, not just respected: 7 fit in a second at the test's margin.
      expect(max).toBeGreaterThanOrEqual(6);
    }, 60_000);
  }

  it('two campaigns at once on the same workers each hold their own cap, and the slow one does not slow the fast one', async () => {
    const pool = await startWorkers(4, env);
    const slow = await detach(['--rate', '2', '--max-attempts', '2', '--target-org', 'org-001']);
    // The slow campaign's jobs are queued first, in front of the fast one's, and its window is in use.
    await sleep(1500);
    const fast = await detach(['--rate', '15', '--max-attempts', '2', '--target-org', 'org-002']);
    expect(await ended(fast), pool.logs()).toBe('done');
    const cancelled = await runCli(['campaign', 'cancel', slow], { env });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(await ended(slow)).toBe('cancelled');
    await pool.stop();

    const fastTimes = await arrivalsOf(fast);
    const slowTimes = await arrivalsOf(slow);
    const fastRate = achievedRate(fastTimes);
    const during = slowTimes.filter((at) => at >= Math.min(...fastTimes) && at <= Math.max(...fastTimes));
    console.info(
      `fast (rate 15): ${fastTimes.length} DELETEs, max ${windowMax(fastTimes)} in a second, ${fastRate.toFixed(2)}/s; ` +
        `slow (rate 2): ${slowTimes.length} DELETEs (${during.length} while the fast one ran), max ${windowMax(slowTimes)} in a second`,
    );
    expect(fastTimes.length).toBeGreaterThanOrEqual((await store.meta(fast))!.total);
    expect(windowMax(fastTimes)).toBeLessThanOrEqual(15);
    expect(windowMax(slowTimes)).toBeLessThanOrEqual(2);
    // The slow campaign went on meanwhile, at its own pace ...
    expect(during.length).toBeGreaterThan(0);
    // ... and the fast one ran near what its cap allows (15/s less the margin), not near the slow one's 2/s.
    expect(fastRate).toBeGreaterThanOrEqual(0.8 * attainable(15));
  }, 60_000);
});

/**
 * The gate's own decisions, as it records them (Redis' clock): stamps taken in this process after `acquire` returns
 * would measure this process's event loop as well, which a loaded CI machine stalls (a clean-clone run once saw 4
 * stamps within a second at rate 3 in a test that took 21 s instead of 4).
 */
describe('the write gate itself (several clients of one Redis, no CC in between)', () => {
  const clients: Redis[] = [];
  const key = `{${uniquePrefix('gate')}}:campaigns:c:write-window`;
  beforeAll(() => {
    for (let i = 0; i < 3; i++) clients.push(new Redis(REDIS_URL));
  });
  afterAll(async () => {
    const keys = await keysOf(redis, key);
    if (keys.length > 0) await redis.del(...keys);
    for (const client of clients) client.disconnect();
  });
  const recorded = (at: number | undefined): number => {
    expect(at, 'the gate confirmed a moment for the send').toEqual(expect.any(Number));
    return at!;
  };

  it('paces concurrent senders of three processes one by one, within the cap and close to it', async () => {
    const rate = 10;
    const times: number[] = [];
    // 3 "processes" x 4 concurrent jobs, 36 sends: the first come first served schedule serves them all in turn.
    await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 3; i++) {
            times.push(recorded(await rateGate(client, `${key}:a`, rate).acquire()));
          }
        }),
      ),
    );
    expect(windowMax(times)).toBeLessThanOrEqual(rate);
    // One by one: a 1025/10 ms spacing leaves at most 2 sends in any 200 ms (3 with a hiccup), never a burst.
    const sorted = [...times].sort((a, b) => a - b);
    const inAny200 = Math.max(...sorted.map((t) => sorted.filter((u) => u >= t && u < t + 200).length));
    expect(inAny200).toBeLessThanOrEqual(3);
    // Not starved: a gate that spaced sends twice too far apart, or served one process only, fails here. How close
    // to the cap it gets is a speed figure, measured by `npm run bench:campaign` (goal >= 0.95 of the cap), not in a
    // timed test: on a loaded 2-CPU machine this run once reached 8.95 of 10.
    expect(achievedRate(times)).toBeGreaterThanOrEqual(0.5 * rate);
  });

  it('tells callers asking at once to hold one by one, and gives the others their own place in line', async () => {
    // At 2 per second (a send every 512.5 ms), only one of ten callers asking together should hold a worker slot.
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => rateGate(clients[i % 3]!, `${key}:b`, 2).waitMs()),
    );
    const sorted = [...answers].sort((a, b) => a - b);
    expect(sorted.filter((wait) => wait <= 250)).toHaveLength(1);
    // The rest come back one spacing apart (told to return a little before their turn), not all at once.
    for (let i = 2; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThan(400);
  });

  it('a sender that wakes far too late, with later sends already placed, takes a new moment instead of crowding them', async () => {
    // 3 per second, 6 senders at once: six moments 341.7 ms apart are placed at the start. One sender oversleeps
    // by 400 ms; going then would put 4 sends within a second (its own and the three placed after its moment).
    const rate = 3;
    const times: number[] = [];
    let sleeps = 0;
    const sleepy = (ms: number): Promise<void> =>
      new Promise((resolve) => setTimeout(resolve, ms + (++sleeps === 2 ? 400 : 0)));
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        for (let round = 0; round < 2; round++) {
          times.push(recorded(await rateGate(clients[i % 3]!, `${key}:c`, rate, { sleep: sleepy }).acquire()));
        }
      }),
    );
    expect(times).toHaveLength(12);
    expect(windowMax(times)).toBeLessThanOrEqual(rate);
  });
});
