/** Longest wait between two attempts of one item: async unbinds can take a broker's whole polling interval. */
export const BACKOFF_CAP_MS = 30 * 60_000;

/**
 * Exponential backoff with jitter and a cap for blocked items; the first delay is the campaign's --retry-delay,
 * carried in the job's backoff options. Jitter spreads retries so blocked items do not come back in one burst.
 */
export function campaignBackoff(
  attemptsMade: number,
  _type?: string,
  _error?: Error,
  job?: { opts?: { backoff?: number | { delay?: number } } },
  random: () => number = Math.random,
): number {
  const backoff = job?.opts?.backoff;
  const first = typeof backoff === 'object' && backoff?.delay !== undefined ? backoff.delay : 60_000;
  const exponential = Math.min(BACKOFF_CAP_MS, first * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exponential * (0.75 + random() * 0.5));
}
