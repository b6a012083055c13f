import pLimit from 'p-limit';
import type { FleetEntry } from '../config/fleet-file.js';
import { DEFAULTS } from './defaults.js';

/** What one foundation's share of a fan-out gave: its value, or the error that stopped it (never both). */
export type FoundationOutcome<T> =
  | { readonly entry: FleetEntry; readonly value: T; readonly error?: undefined }
  | { readonly entry: FleetEntry; readonly value?: undefined; readonly error: unknown };

/**
 * Runs `work` for every foundation, a few at a time, and returns every outcome in the file's order: one foundation
 * that is down or misconfigured never stops the others (`report --foundation all`).
 */
export async function forEachFoundation<T>(
  entries: readonly FleetEntry[],
  work: (entry: FleetEntry) => Promise<T>,
  concurrency: number = DEFAULTS.fleetConcurrency,
): Promise<Array<FoundationOutcome<T>>> {
  const limit = pLimit(concurrency);
  return Promise.all(
    entries.map((entry) =>
      limit(async (): Promise<FoundationOutcome<T>> => {
        try {
          return { entry, value: await work(entry) };
        } catch (error) {
          return { entry, error };
        }
      }),
    ),
  );
}
