import type { RateLimitOptions } from './faults.js';
import { hashString } from './prng.js';

/** Outcome for one request: headers to add, and whether it is over the limit. */
export interface RateDecision {
  limited: boolean;
  headers: Record<string, string>;
}

/**
 * The CC general rate limiter (cc-api.md §8.1), for one process: a per-user counter per window, each user's window
 * offset by a hash of the guid; headers on every limited (non-exempt) response; `X-RateLimit-Remaining` is CC's
 * estimate, `floor(((limit - count) / limit), 1 decimal) * limit`.
 */
export class RateLimiter {
  private counts = new Map<string, { windowEnd: number; count: number }>();

  constructor(private readonly options: RateLimitOptions) {}

  check(userGuid: string, isAdmin: boolean, nowMs = Date.now()): RateDecision | null {
    if (isAdmin && this.options.exemptAdmins !== false) return null;
    const windowMs = this.options.windowSeconds * 1000;
    const offset = hashString(userGuid) % windowMs;
    const windowEnd = Math.floor((nowMs - offset) / windowMs) * windowMs + windowMs + offset;
    let entry = this.counts.get(userGuid);
    if (!entry || entry.windowEnd !== windowEnd) this.counts.set(userGuid, (entry = { windowEnd, count: 0 }));
    entry.count++;
    const limit = this.options.limit;
    const limited = entry.count > limit;
    const ratio = limit > 0 ? Math.max(0, (limit - entry.count) / limit) : 0;
    const remaining = Math.floor((Math.floor(ratio * 10) / 10) * limit);
    const resetSeconds = Math.ceil(windowEnd / 1000);
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': String(resetSeconds),
    };
    if (limited) headers['Retry-After'] = String(Math.max(1, resetSeconds - Math.floor(nowMs / 1000)));
    return { limited, headers };
  }
}
