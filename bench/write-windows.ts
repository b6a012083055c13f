/**
 * Figures of a rate cap, from the write log of the simulator (`GET /_sim/writes`): when each write ARRIVED at the
 * Cloud Controller, which is what a cap on CC's load is about.
 */

/** The route of an unshare in `/_sim/writes` and `/_sim/requests`. */
export const UNSHARE_ROUTE = 'DELETE /v3/service_instances/:guid/relationships/shared_spaces/:space_guid';

/** One entry of `GET /_sim/writes`. */
export interface SimWrite {
  at: number;
  method: string;
  path: string;
  route: string;
  status: number | null;
  request_id: string;
}

/** The largest number of `times` (ms) inside any half-open window [t, t + windowMs). */
export function windowMax(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + windowMs) end++;
    max = Math.max(max, end - start);
  }
  return max;
}

/** Writes per second over their own span, first to last arrival: (n - 1) intervals over the span. */
export function achievedRate(times: readonly number[]): number {
  if (times.length < 2) return 0;
  const sorted = [...times].sort((a, b) => a - b);
  return (sorted.length - 1) / ((sorted.at(-1)! - sorted[0]!) / 1000);
}

/** The p-quantile (0..1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** The simulator's write log. */
export async function simWrites(api: string): Promise<SimWrite[]> {
  return ((await (await fetch(`${api}/_sim/writes`)).json()) as { writes: SimWrite[] }).writes;
}

/**
 * Writes per second while the gate was what limited them: from the first to the last FIRST arrival of a path, every
 * write arriving in that span counted (retries too), so the late retries of blocked items, which wait for their
 * backoff rather than for the gate, do not stretch the span.
 */
export function mainPhaseRate(writes: ReadonlyArray<Pick<SimWrite, 'at' | 'path'>>): number {
  const first = new Map<string, number>();
  for (const write of writes) first.set(write.path, Math.min(first.get(write.path) ?? Infinity, write.at));
  const firsts = [...first.values()].sort((a, b) => a - b);
  if (firsts.length < 2) return 0;
  const [from, to] = [firsts[0]!, firsts.at(-1)!];
  const inside = writes.filter((write) => write.at >= from && write.at <= to).length;
  return (inside - 1) / ((to - from) / 1000);
}
