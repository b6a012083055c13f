import { describe, expect, it } from 'vitest';
import { createPacer } from '../../src/client/pacing.js';

/** A fake clock whose sleep advances time, so pacing is tested without timers. */
function fakeClock() {
  let now = 1_000_000;
  const waits: number[] = [];
  return {
    now: () => now,
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe('createPacer', () => {
  it('spaces request starts at 1000/perSecond ms per group', async () => {
    const clock = fakeClock();
    const pacer = createPacer({
      read: { perSecond: 10, maxInFlight: 1 },
      write: { perSecond: 2, maxInFlight: 1 },
      now: clock.now,
      sleep: clock.sleep,
    });
    const starts: [string, number][] = [];
    const run = (group: 'read' | 'write') => pacer.run(group, async () => void starts.push([group, clock.now()]));
    await Promise.all([run('read'), run('read'), run('read')]);
    expect(clock.waits).toEqual([100, 100]);
    clock.waits.length = 0;
    await Promise.all([run('write'), run('write')]);
    expect(clock.waits).toEqual([500]);
  });

  it('0 per second means unlimited', async () => {
    const clock = fakeClock();
    const pacer = createPacer({
      read: { perSecond: 0, maxInFlight: 4 },
      write: { perSecond: 0, maxInFlight: 1 },
      now: clock.now,
      sleep: clock.sleep,
    });
    await Promise.all(Array.from({ length: 20 }, () => pacer.run('read', async () => 1)));
    expect(clock.waits).toEqual([]);
  });

  it('caps requests in flight per group', async () => {
    const clock = fakeClock();
    const pacer = createPacer({
      read: { perSecond: 0, maxInFlight: 3 },
      write: { perSecond: 0, maxInFlight: 1 },
      now: clock.now,
      sleep: clock.sleep,
    });
    let inFlight = 0;
    let peak = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const task = () =>
      pacer.run('read', async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await gate;
        inFlight -= 1;
      });
    const all = Promise.all(Array.from({ length: 7 }, task));
    await new Promise((resolve) => setImmediate(resolve));
    expect(inFlight).toBe(3);
    release();
    await all;
    expect(peak).toBe(3);
  });
});
