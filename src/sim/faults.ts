import { Prng } from './prng.js';

/** Rate limiting as the CC's general limiter does it (cc-api.md §8.1). */
export interface RateLimitOptions {
  /** Requests per user per window. */
  limit: number;
  /** Window length in seconds. */
  windowSeconds: number;
  /** Admins (admin and admin_read_only scopes) are not limited. @defaultValue true, as the real CC */
  exemptAdmins?: boolean;
}

/** Faults injected into Cloud Controller routes (never into `/`, `/_sim`). */
export interface FaultOptions {
  /** Added to every affected request. @defaultValue 0 */
  latencyMs?: number;
  /** Share of affected requests answered 503 CF-ServiceUnavailable or 500 UnknownError. @defaultValue 0 */
  errorRate?: number;
  /** Share of affected requests whose connection is destroyed before any answer. @defaultValue 0 */
  resetRate?: number;
  /** Share of 200 JSON bodies that are truncated. @defaultValue 0 */
  malformedRate?: number;
  /** The first N affected requests after the faults are set are reset, whatever the rates draw (deterministic tests). */
  resetFirst?: number;
  /** The first N affected requests (after any `resetFirst`) get a truncated 200 body. */
  malformedFirst?: number;
  /**
   * The first N affected requests (after any `resetFirst` and `malformedFirst`) are carried out, then their connection
   * is destroyed instead of the answer: a network drop after CC committed the change.
   */
  lostAnswerFirst?: number;
  /** Per-user rate limit. @defaultValue none */
  rateLimit?: RateLimitOptions;
  /** Only these normalised routes (e.g. `GET /v3/service_instances`); by default every `/v3` route. */
  routes?: string[];
}

const FAULT_KEYS = new Set([
  'latencyMs',
  'errorRate',
  'resetRate',
  'malformedRate',
  'resetFirst',
  'malformedFirst',
  'lostAnswerFirst',
  'rateLimit',
  'routes',
]);
const RATE_KEYS = new Set(['limit', 'windowSeconds', 'exemptAdmins']);

/** Validates a FaultOptions value (from code or from `PUT /_sim/faults`); throws a RangeError naming the key. */
export function normaliseFaults(input: unknown): FaultOptions {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new RangeError('faults must be an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!FAULT_KEYS.has(key)) throw new RangeError(`unknown fault option '${key}'`);
  const out: FaultOptions = {};
  if (raw.latencyMs !== undefined) out.latencyMs = nonNegative('latencyMs', raw.latencyMs);
  for (const key of ['resetFirst', 'malformedFirst', 'lostAnswerFirst'] as const) {
    if (raw[key] === undefined) continue;
    const value = nonNegative(key, raw[key]);
    if (!Number.isInteger(value)) throw new RangeError(`${key} must be a whole number`);
    out[key] = value;
  }
  for (const key of ['errorRate', 'resetRate', 'malformedRate'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1))
      throw new RangeError(`${key} must be a number between 0 and 1`);
    out[key] = value;
  }
  if (raw.rateLimit !== undefined) {
    const rl = raw.rateLimit;
    if (typeof rl !== 'object' || rl === null) throw new RangeError('rateLimit must be an object');
    const r = rl as Record<string, unknown>;
    for (const key of Object.keys(r))
      if (!RATE_KEYS.has(key)) throw new RangeError(`unknown rateLimit option '${key}'`);
    const limit = nonNegative('rateLimit.limit', r.limit);
    const windowSeconds = nonNegative('rateLimit.windowSeconds', r.windowSeconds);
    if (windowSeconds <= 0) throw new RangeError('rateLimit.windowSeconds must be > 0');
    if (r.exemptAdmins !== undefined && typeof r.exemptAdmins !== 'boolean')
      throw new RangeError('rateLimit.exemptAdmins must be a boolean');
    out.rateLimit = { limit, windowSeconds, exemptAdmins: r.exemptAdmins !== false };
  }
  if (raw.routes !== undefined) {
    if (!Array.isArray(raw.routes) || raw.routes.some((r) => typeof r !== 'string'))
      throw new RangeError('routes must be an array of strings');
    out.routes = [...(raw.routes as string[])];
  }
  return out;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a number >= 0`);
  return value;
}

/** What the fault injector decided for one request. */
export interface FaultDecision {
  latencyMs: number;
  reset: boolean;
  /** 500 or 503, or 0 for none. */
  errorStatus: 0 | 500 | 503;
  malformed: boolean;
  /** Carry the request out, then drop the connection instead of answering. */
  loseAnswer: boolean;
}

/** Decides faults per request from a seeded stream, so a run with the same seed and request order repeats. */
export class FaultInjector {
  private rng: Prng;
  private resetsLeft: number;
  private malformedLeft: number;
  private lostAnswersLeft: number;

  constructor(
    private faults: FaultOptions,
    private readonly seed: number,
  ) {
    this.rng = new Prng(seed, 'faults');
    this.resetsLeft = faults.resetFirst ?? 0;
    this.malformedLeft = faults.malformedFirst ?? 0;
    this.lostAnswersLeft = faults.lostAnswerFirst ?? 0;
  }

  /** The current fault configuration. */
  get options(): FaultOptions {
    return this.faults;
  }

  /** Replaces the faults and restarts the random stream. */
  replace(faults: FaultOptions): void {
    this.faults = faults;
    this.rng = new Prng(this.seed, 'faults');
    this.resetsLeft = faults.resetFirst ?? 0;
    this.malformedLeft = faults.malformedFirst ?? 0;
    this.lostAnswersLeft = faults.lostAnswerFirst ?? 0;
  }

  /** Whether faults apply to a normalised route. `/v3...` routes by default; `routes` narrows (or widens) that. */
  applies(routeKey: string): boolean {
    if (this.faults.routes) return this.faults.routes.includes(routeKey);
    return / \/v3\//.test(routeKey);
  }

  /** Draws the faults for one request. */
  decide(routeKey: string): FaultDecision {
    const none: FaultDecision = { latencyMs: 0, reset: false, errorStatus: 0, malformed: false, loseAnswer: false };
    if (!this.applies(routeKey)) return none;
    const f = this.faults;
    if (this.resetsLeft > 0) {
      this.resetsLeft -= 1;
      return { ...none, latencyMs: f.latencyMs ?? 0, reset: true };
    }
    if (this.malformedLeft > 0) {
      this.malformedLeft -= 1;
      return { ...none, latencyMs: f.latencyMs ?? 0, malformed: true };
    }
    if (this.lostAnswersLeft > 0) {
      this.lostAnswersLeft -= 1;
      return { ...none, latencyMs: f.latencyMs ?? 0, loseAnswer: true };
    }
    const reset = (f.resetRate ?? 0) > 0 && this.rng.chance(f.resetRate ?? 0);
    const error = !reset && (f.errorRate ?? 0) > 0 && this.rng.chance(f.errorRate ?? 0);
    const errorStatus = error ? (this.rng.chance(0.5) ? 503 : 500) : 0;
    const malformed = (f.malformedRate ?? 0) > 0 && this.rng.chance(f.malformedRate ?? 0);
    return { latencyMs: f.latencyMs ?? 0, reset, errorStatus, malformed, loseAnswer: false };
  }
}
