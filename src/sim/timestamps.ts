import type { LastOperation } from './model.js';

const BASE_MS = Date.UTC(2024, 0, 1);

/** A deterministic timestamp `seconds` after the foundation's epoch, in CC's format (no milliseconds). */
export function stamp(seconds: number): string {
  // Hot path at 300k records: a day-prefix cache and a two-digit table instead of a Date per call.
  const whole = Math.floor(seconds);
  const day = Math.floor(whole / 86_400);
  let prefix = DAY_PREFIX.get(day);
  if (prefix === undefined) {
    prefix = new Date(BASE_MS + day * 86_400_000).toISOString().slice(0, 11);
    DAY_PREFIX.set(day, prefix);
  }
  const rest = whole - day * 86_400;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  return `${prefix}${TWO[h]}:${TWO[m]}:${TWO[rest % 60]}Z`;
}

const DAY_PREFIX = new Map<number, string>();
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** A succeeded create operation at `at`. */
export function succeeded(at: string): LastOperation {
  return { type: 'create', state: 'succeeded', description: 'Operation succeeded', createdAt: at, updatedAt: at };
}
