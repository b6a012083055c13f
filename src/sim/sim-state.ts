import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Foundation } from './foundation.js';
import { generateFoundation, type GeneratedIdentities, type ScriptedBindings } from './generate-foundation.js';
import type { Knobs } from './options.js';

/** The longest delay one node timer takes (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The mutable simulator state: the foundation plus background work (async unbinds, jobs) that a reset cancels. */
export class SimState {
  foundation!: Foundation;
  identities!: GeneratedIdentities;
  scripted!: ScriptedBindings;
  private timers = new Set<NodeJS.Timeout>();
  /** How far the simulator's clock runs ahead of the real one (`POST /_sim/clock/advance`). */
  private clockOffsetMs = 0;

  constructor(
    readonly knobs: Knobs,
    readonly tokenTtlSeconds: number,
    readonly log: Logger | undefined,
    /** The simulator's own region technical key (cc-api.md §14). */
    readonly landscape = 'cf-eu10',
  ) {
    this.regenerate();
  }

  /** Rebuilds the foundation from the original seed and knobs, cancels background work and resets the clock. */
  regenerate(): void {
    this.cancelTimers();
    this.clockOffsetMs = 0;
    const generated = generateFoundation(this.knobs, this.landscape);
    this.foundation = generated.foundation;
    this.identities = generated.identities;
    this.scripted = generated.scripted;
  }

  /**
   * Runs `fn` after `ms` unless the simulator is reset or closed first. Any delay works: an async unbind may poll
   * for a week (cc-api.md §3.3), and node fires a timer over ~24.8 days at once, so long delays run in steps.
   */
  later(ms: number, fn: () => void): void {
    const foundation = this.foundation;
    const arm = (remaining: number): void => {
      const step = Math.min(remaining, MAX_TIMER_MS);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        // A reset replaced the foundation: this work belonged to the old one.
        if (this.foundation !== foundation) return;
        if (remaining > step) arm(remaining - step);
        else fn();
      }, step);
      timer.unref();
      this.timers.add(timer);
    };
    arm(Math.max(0, ms));
  }

  /** Cancels every pending background step. */
  cancelTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** A fresh guid for a runtime-created record (jobs, events). */
  newGuid(): string {
    return randomUUID();
  }

  /** Now, in CC's timestamp format, on the simulator's clock. */
  now(): string {
    return new Date(this.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Now in epoch milliseconds on the simulator's clock (the real clock plus any advance). */
  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /**
   * Moves the simulator's clock forward (pending broker share windows expire, timestamps jump). Background work
   * (async jobs) still runs on real time.
   */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** How far the clock has been advanced, in milliseconds. */
  get clockOffset(): number {
    return this.clockOffsetMs;
  }
}
