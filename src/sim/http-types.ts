import type { Actor } from './actor.js';
import type { SimState } from './sim-state.js';

/** What a route handler answers. `body` is JSON-encoded; status 204/202 bodies are empty. */
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Everything a route handler may use. */
export interface RouteContext {
  state: SimState;
  /** Null only on routes that need no authentication. */
  actor: Actor | null;
  params: Record<string, string>;
  search: URLSearchParams;
  body: unknown;
  baseUrl: string;
  method: string;
}

/** A route handler. Throws CcError for error answers. */
export type Handler = (ctx: RouteContext) => SimResponse | Promise<SimResponse>;

/** One route of the simulated API. */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path pattern with `:name` segments, e.g. `/v3/service_instances/:guid`. Also the normalised route name. */
  pattern: string;
  handler: Handler;
  /** Whether a valid CC token is required. @defaultValue true */
  auth?: boolean;
}

/** The actor of an authenticated route (the server guarantees it is set). */
export function actorOf(ctx: RouteContext): Actor {
  if (!ctx.actor) throw new Error(`route needs an actor`);
  return ctx.actor;
}

/** 200 with a JSON body. */
export const ok = (body: unknown, headers?: Record<string, string>): SimResponse => ({
  status: 200,
  body,
  ...(headers && { headers }),
});
