import pLimit, { type LimitFunction } from 'p-limit';

/** Reads (GET) and writes (everything else) are paced separately: unshares are slow and heavy on CC (cc-api.md §1.2). */
export type RequestGroup = 'read' | 'write';

/** Limits of one group. */
export interface GroupLimits {
  /** Requests started per second; 0 means unlimited. */
  perSecond: number;
  /** Requests in flight at once. */
  maxInFlight: number;
}

/** Input of {@link createPacer}. */
export interface PacerOptions {
  read: GroupLimits;
  write: GroupLimits;
  now?: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Gives request sends a per-group start-rate cap and in-flight cap. */
export interface Pacer {
  /**
   * Waits for a slot of the group and for the group's next start time; the caller sends, then calls the returned
   * release once the send has its answer (or none). Releasing twice is harmless.
   */
  acquire(group: RequestGroup): Promise<() => void>;
  /** Runs `fn` inside one slot. */
  run<T>(group: RequestGroup, fn: () => Promise<T>): Promise<T>;
}

interface Group {
  limit: LimitFunction;
  intervalMs: number;
  nextStart: number;
}

/**
 * Creates a pacer. The rate cap spaces request starts at least `1000 / perSecond` ms apart (a token bucket of size 1),
 * which keeps a steady load rather than bursts; the in-flight cap is p-limit.
 */
export function createPacer(options: PacerOptions): Pacer {
  const now = options.now ?? Date.now;
  const make = (limits: GroupLimits): Group => ({
    limit: pLimit(limits.maxInFlight),
    intervalMs: limits.perSecond > 0 ? 1000 / limits.perSecond : 0,
    nextStart: 0,
  });
  const groups: Record<RequestGroup, Group> = { read: make(options.read), write: make(options.write) };

  const spaceStart = async (group: Group): Promise<void> => {
    if (group.intervalMs <= 0) return;
    const current = now();
    const start = Math.max(current, group.nextStart);
    group.nextStart = start + group.intervalMs;
    if (start > current) await options.sleep(start - current);
  };

  return {
    acquire(groupName) {
      const group = groups[groupName];
      // The slot is held by a p-limit task that ends when the caller releases: a send is not a function we can hand
      // to p-limit, since it begins in one got hook and ends in another.
      return new Promise((resolveAcquire, rejectAcquire) => {
        void group.limit(
          () =>
            new Promise<void>((release) => {
              spaceStart(group).then(
                () => resolveAcquire(release),
                (error: unknown) => {
                  release();
                  rejectAcquire(error);
                },
              );
            }),
        );
      });
    },
    async run(groupName, fn) {
      const release = await this.acquire(groupName);
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
