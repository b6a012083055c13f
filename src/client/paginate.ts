import type { Query } from './encode-query.js';
import { parsePage, type FieldSelection, type PageMappers } from './parse-page.js';
import { MalformedResponseError, PaginationError, SingleResultError } from './errors.js';
import { redactUrl } from './redact-url.js';
import type { Transport } from './transport.js';

/** CC's pagination object (cc-api.md §7). */
export interface Pagination {
  total_results: number;
  total_pages: number;
  first?: { href: string } | null;
  last?: { href: string } | null;
  next: { href: string } | null;
  previous?: { href: string } | null;
}

/** `included` resources (from `include=` or `fields[...]=`), by plural name. */
export type Included = Record<string, unknown[]>;

/** One page of a list response. */
export interface Page<T> {
  pagination: Pagination;
  resources: T[];
  included: Included;
}

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** `per_page` when the query has none. @defaultValue 5000 */
  perPage?: number;
  /** Throw {@link PaginationError} instead of sending more than this many page requests. */
  requestLimit?: number;
  /** Map each row as its page is parsed (see {@link Paginator.map}). */
  mappers?: PageMappers;
}

/** An async iterable over every resource of a list, with helpers. Each iteration walks the pages again. */
export interface Paginator<T> extends AsyncIterable<T> {
  /** The pages themselves, with `included`. */
  pages(): AsyncGenerator<Page<T>>;
  /** Every resource. */
  all(): Promise<T[]>;
  /** Every resource, plus `included` merged across pages (deduplicated by guid). */
  allWithIncluded(): Promise<{ resources: T[]; included: Included }>;
  /** The first resource, or `undefined`; reads one page only. */
  first(): Promise<T | undefined>;
  /** The only resource; throws {@link SingleResultError} for zero or several. */
  single(): Promise<T>;
  /**
   * The same listing with each resource replaced by `resource(row)`, and each item of an `included` list by
   * `included(name, item)`, as each page is parsed (`parse-page.ts`): a caller that keeps a little of every row of a
   * 5000-row page never holds the page's full rows, only one at a time. The same requests are sent.
   */
  map<U>(resource: (row: T) => U, included?: (name: string, item: unknown) => unknown): Paginator<U>;
  /**
   * The same listing with only the selected members of each resource (and of each item of the named `included`
   * lists) parsed; the rest of each row is skipped in the body's bytes, never decoded (`parse-page.ts`). Comes before
   * any `map`, whose mappers then see the selected members only. The same requests are sent.
   */
  select(resource: FieldSelection, included?: Readonly<Record<string, FieldSelection>>): Paginator<Selected<T>>;
}

/** What a selection leaves of a resource: any member may be absent, at any depth. */
export type Selected<T> = T extends readonly (infer E)[]
  ? Selected<E>[]
  : T extends object
    ? { [K in keyof T]?: Selected<T[K]> }
    : T;

/** `url` is called only for an error message: most pages are fine, and redacting a URL of 200 guids is not free. */
function checkPage(body: unknown, url: () => string): Page<unknown> {
  const record = body as Record<string, unknown> | undefined;
  const pagination = record?.pagination as Record<string, unknown> | undefined;
  if (!record || !Array.isArray(record.resources) || typeof pagination !== 'object' || pagination === null) {
    throw new MalformedResponseError({
      method: 'GET',
      url: url(),
      status: 200,
      reason: 'expected a paginated list {pagination, resources}',
    });
  }
  const next = pagination.next as { href?: unknown } | null | undefined;
  if (next !== null && next !== undefined && typeof next.href !== 'string') {
    throw new MalformedResponseError({ method: 'GET', url: url(), status: 200, reason: 'pagination.next has no href' });
  }
  const included = typeof record.included === 'object' && record.included !== null ? (record.included as Included) : {};
  return {
    pagination: {
      ...(pagination as unknown as Pagination),
      next: (next as { href: string } | null | undefined) ?? null,
    },
    resources: record.resources,
    included,
  };
}

/**
 * Walks a CC list by following `pagination.next.href` until it is null (style.md trait 2). The href is followed as
 * given (CC repeats every filter in it, cc-api.md §7) but always against the API origin, so the token never goes to
 * another host.
 */
export function paginate<T>(
  transport: Transport,
  path: string,
  query: Query = {},
  options: PaginateOptions = {},
): Paginator<T> {
  const perPage = options.perPage ?? 5000;
  const firstQuery: Query = { per_page: perPage, ...query };
  const { mappers } = options;

  async function* pages(): AsyncGenerator<Page<T>> {
    let nextPath: string | undefined = path;
    let nextQuery: Query | undefined = firstQuery;
    const seen = new Set<string>();
    let requests = 0;
    while (nextPath !== undefined) {
      if (options.requestLimit !== undefined && requests >= options.requestLimit) {
        throw new PaginationError(
          `stopped listing ${path} after ${requests} page requests (requestLimit ${options.requestLimit})`,
        );
      }
      requests += 1;
      const [pagePath, pageQuery] = [nextPath, nextQuery];
      const response = await transport.request<unknown>({
        method: 'GET',
        path: nextPath,
        ...(nextQuery === undefined ? {} : { query: nextQuery }),
        ...(mappers === undefined ? {} : { parseBody: (body: Uint8Array) => parsePage(body, mappers) }),
      });
      const page = checkPage(response.body, () => redactUrl(transport.resolve(pagePath, pageQuery))) as Page<T>;
      yield page;
      const href = page.pagination.next?.href;
      if (href === undefined) return;
      const next = new URL(href, transport.api);
      const key = next.pathname + next.search;
      if (seen.has(key)) throw new PaginationError(`CC sent the same next link twice while listing ${path}`);
      seen.add(key);
      nextPath = relativeToApi(transport, next);
      nextQuery = undefined;
    }
  }

  async function* resources(): AsyncGenerator<T> {
    for await (const page of pages()) yield* page.resources;
  }

  return {
    [Symbol.asyncIterator]: resources,
    pages,
    async all() {
      const all: T[] = [];
      for await (const item of resources()) all.push(item);
      return all;
    },
    async allWithIncluded() {
      const all: T[] = [];
      const included: Included = {};
      const seen = new Map<string, Set<string>>();
      for await (const page of pages()) {
        all.push(...page.resources);
        for (const [name, items] of Object.entries(page.included)) {
          const bucket = (included[name] ??= []);
          const guids = seen.get(name) ?? new Set<string>();
          seen.set(name, guids);
          for (const item of items) {
            const guid = (item as { guid?: unknown }).guid;
            if (typeof guid === 'string') {
              if (guids.has(guid)) continue;
              guids.add(guid);
            }
            bucket.push(item);
          }
        }
      }
      return { resources: all, included };
    },
    async first() {
      for await (const item of resources()) return item;
      return undefined;
    },
    async single() {
      const found: T[] = [];
      for await (const item of resources()) {
        found.push(item);
        if (found.length > 1) break;
      }
      if (found.length !== 1 || found[0] === undefined) throw new SingleResultError(path, found.length);
      return found[0];
    },
    map<U>(resource: (row: T) => U, included?: (name: string, item: unknown) => unknown): Paginator<U> {
      const mapRow = resource as (row: unknown) => unknown;
      // Mapping a mapped listing maps what the first mapper made.
      const composed: PageMappers = {
        ...(mappers?.select && { select: mappers.select }),
        ...(mappers?.selectIncluded && { selectIncluded: mappers.selectIncluded }),
        resource: mappers ? (row) => mapRow(mappers.resource(row)) : mapRow,
        ...((included ?? mappers?.included) && {
          included: (name, item) => {
            const first = mappers?.included ? mappers.included(name, item) : item;
            return included ? included(name, first) : first;
          },
        }),
      };
      return paginate<U>(transport, path, query, { ...options, mappers: composed });
    },
    select(resource: FieldSelection, included?: Readonly<Record<string, FieldSelection>>) {
      // A mapper made for whole rows would read members the selection leaves out.
      if (mappers) throw new Error(`select() must come before map() (listing ${path})`);
      return paginate<Selected<T>>(transport, path, query, {
        ...options,
        mappers: { resource: (row) => row, select: resource, ...(included && { selectIncluded: included }) },
      });
    },
  };
}

function relativeToApi(transport: Transport, url: URL): string {
  // Keep path and query exactly as given; drop the origin (and the API root's own path prefix, if any).
  const prefix = transport.api.pathname.replace(/\/$/, '');
  const pathname = prefix && url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
  return pathname + url.search;
}

/** Options of {@link batchedList}. */
export interface BatchedListOptions extends PaginateOptions {
  /** Guids per request. @defaultValue 200 */
  batchSize?: number;
}

/**
 * Lists `path` filtered by `filterName=<guids>`, splitting the guids into batches of `batchSize` so URLs stay short,
 * and yields the pages of every batch in turn (with their `included`). Duplicate guids are sent once.
 */
export async function* batchedPages<T>(
  transport: Transport,
  path: string,
  filterName: string,
  guids: readonly string[],
  query: Query = {},
  options: BatchedListOptions = {},
): AsyncGenerator<Page<T>> {
  const unique = [...new Set(guids)];
  const size = options.batchSize ?? 200;
  for (let start = 0; start < unique.length; start += size) {
    const batch = unique.slice(start, start + size);
    yield* paginate<T>(transport, path, { ...query, [filterName]: batch }, options).pages();
  }
}

/** Like {@link batchedPages}, yielding resources. */
export async function* batchedList<T>(
  transport: Transport,
  path: string,
  filterName: string,
  guids: readonly string[],
  query: Query = {},
  options: BatchedListOptions = {},
): AsyncGenerator<T> {
  for await (const page of batchedPages<T>(transport, path, filterName, guids, query, options)) yield* page.resources;
}
