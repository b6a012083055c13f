import type { Query } from './encode-query.js';
import { batchedPages, paginate, type Page, type Paginator } from './paginate.js';
import type { Transport, TransportResponse } from './transport.js';

/** What every resource module shares: one transport and the list settings (style.md trait 1). */
export interface ResourceContext {
  transport: Transport;
  perPage: number;
  guidBatchSize: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** The job guid of a 202 answer's `Location: .../v3/jobs/:guid`; null for any other answer. */
export function jobGuidOf(response: TransportResponse): string | null {
  if (response.status !== 202) return null;
  const location = response.headers.location;
  const href = Array.isArray(location) ? location[0] : location;
  return href?.split('?')[0]?.split('/').filter(Boolean).pop() ?? null;
}

/** GETs one JSON resource. */
export async function getResource<T>(ctx: ResourceContext, path: string, query?: object): Promise<T> {
  const response = await ctx.transport.request<T>({
    method: 'GET',
    path,
    ...(query === undefined ? {} : { query: query as Query }),
  });
  return response.body;
}

/** A paginator over a list endpoint with the client's `per_page`; a `requestLimit` key in `query` guards the walk. */
export function listResource<T>(ctx: ResourceContext, path: string, query: object = {}): Paginator<T> {
  // Typed query interfaces (one per resource) are plain objects of QueryValue; they lack an index signature.
  const { requestLimit, ...rest } = query as Query & { requestLimit?: number };
  return paginate<T>(ctx.transport, path, rest, {
    perPage: ctx.perPage,
    ...(requestLimit === undefined ? {} : { requestLimit }),
  });
}

/** Escapes a guid or name for use as one path segment. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

/** Pages of a list filtered by a long guid list, split into `guidBatchSize` batches. */
export function listBatchedPages<T>(
  ctx: ResourceContext,
  path: string,
  filterName: string,
  guids: readonly string[],
  query: object = {},
): AsyncGenerator<Page<T>> {
  const { requestLimit, ...rest } = query as Query & { requestLimit?: number };
  return batchedPages<T>(ctx.transport, path, filterName, guids, rest, {
    perPage: ctx.perPage,
    batchSize: ctx.guidBatchSize,
    ...(requestLimit === undefined ? {} : { requestLimit }),
  });
}
