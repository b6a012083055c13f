import type { ParsedQuery } from './query.js';

/** The v3 pagination object (cc-api.md §7). */
export interface Pagination {
  total_results: number;
  total_pages: number;
  first: { href: string };
  last: { href: string };
  next: { href: string } | null;
  previous: { href: string } | null;
}

/** Ruby's `CGI.escape`, which Rails' `to_query` uses: a space is `+`, and `!'()*` are escaped too. */
function cgiEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * A link to one page, as `PaginatedListPresenter` builds it: `per_page`, `order_by` (only when given, with its
 * direction as `+`/`-`) and every filter as `to_param_hash` renders it, then `to_query` escapes each pair and sorts
 * the pairs.
 */
export function pageHref(baseUrl: string, path: string, query: ParsedQuery, page: number): string {
  const params: Array<[string, string]> = [
    ...query.linkParams,
    ['per_page', String(query.perPage)],
    ['page', String(page)],
  ];
  if (query.orderBy) params.push(['order_by', `${query.orderBy.desc ? '-' : '+'}${query.orderBy.key}`]);
  const pairs = params.map(([k, v]) => `${cgiEscape(k)}=${cgiEscape(v)}`).sort();
  return `${baseUrl}${path}?${pairs.join('&')}`;
}

/** How the total is counted. */
export interface PageOptions {
  /**
   * CC's default `SequelPaginator` reads the total from a window function on the rows of the page itself, so a page
   * past the end reports `total_results` 0 (and `total_pages` 1). `ListPaginator` (feature flags) counts the whole
   * list. @defaultValue true
   */
  totalFromPage?: boolean;
}

/** Slices one page of `items` (already filtered and ordered) and builds its pagination object. */
export function paginate<T>(
  items: readonly T[],
  query: ParsedQuery,
  baseUrl: string,
  path: string,
  options: PageOptions = {},
): { pagination: Pagination; page: T[] } {
  const start = (query.page - 1) * query.perPage;
  const page = items.slice(start, start + query.perPage);
  const total = options.totalFromPage === false || page.length > 0 ? items.length : 0;
  // total_pages is at least 1 even for an empty list (cc-api.md §7).
  const totalPages = Math.max(1, Math.ceil(total / query.perPage));
  const href = (p: number): { href: string } => ({ href: pageHref(baseUrl, path, query, p) });
  return {
    pagination: {
      total_results: total,
      total_pages: totalPages,
      first: href(1),
      last: href(totalPages),
      next: query.page + 1 <= totalPages ? href(query.page + 1) : null,
      previous: query.page > 1 ? href(query.page - 1) : null,
    },
    page,
  };
}

/** Orders records by `order_by` (created_at / updated_at / name), default order by index (the database id). */
export function orderRecords<T extends { index: number; createdAt: string; name?: string | null }>(
  items: T[],
  orderBy: ParsedQuery['orderBy'],
): T[] {
  if (!orderBy) return items;
  const dir = orderBy.desc ? -1 : 1;
  const key = orderBy.key;
  return [...items].sort((a, b) => {
    let cmp: number;
    if (key === 'name') cmp = (a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : 0;
    else cmp = a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
    return cmp !== 0 ? cmp * dir : a.index - b.index;
  });
}
