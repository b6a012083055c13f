import type { RouteDef } from './http-types.js';

/** A matched route and its path parameters. */
export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

/** Matches method + path against `:name` patterns; the pattern doubles as the normalised route name. */
export class Router {
  private readonly compiled: Array<{ route: RouteDef; segments: string[] }>;

  constructor(routes: RouteDef[]) {
    this.compiled = routes.map((route) => ({ route, segments: split(route.pattern) }));
  }

  match(method: string, path: string): RouteMatch | null {
    const parts = split(path);
    for (const { route, segments } of this.compiled) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < segments.length; i++) {
        const seg = segments[i]!;
        const part = parts[i]!;
        if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(part);
        else if (seg !== part) {
          matched = false;
          break;
        }
      }
      if (matched) return { route, params };
    }
    return null;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** A normalised name for a path no route knows: ids replaced by `:guid` so counts stay readable. */
export function normaliseUnknown(method: string, path: string): string {
  const norm = path
    .split('/')
    .map((s) => (/^[0-9a-f-]{16,}$/i.test(s) ? ':guid' : s))
    .join('/');
  return `${method} ${norm || '/'}`;
}
