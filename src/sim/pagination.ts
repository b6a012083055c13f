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

/**
 * A link to one page. Like Rails' `to_query`, every parameter is repeated (filters, `order_by`, `include`,
 * `fields`, `per_page`), keys are sorted alphabetically and values are percent-encoded (a comma becomes `%2C`).
 */
export function pageHref(baseUrl: string, path: string, query: ParsedQuery, page: number): string {
  const params = query.entries.filter(([k]) => k !== 'page' && k !== 'per_page');
  params.push(['page', String(page)], ['per_page', String(query.perPage)]);
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${baseUrl}${path}?${text}`;
}

/** Slices one page of `items` (already filtered and ordered) and builds its pagination object. */
export function paginate<T>(items: readonly T[], query: ParsedQuery, baseUrl: string, path: string): { pagination: Pagination; page: T[] } {
  const total = items.length;
  // total_pages is at least 1 even for an empty list (cc-api.md §7).
  const totalPages = Math.max(1, Math.ceil(total / query.perPage));
  const start = (query.page - 1) * query.perPage;
  const page = items.slice(start, start + query.perPage);
  const href = (p: number): { href: string } => ({ href: pageHref(baseUrl, path, query, p) });
  return {
    pagination: {
      total_results: total,
      total_pages: totalPages,
      first: href(1),
      last: href(totalPages),
      next: query.page < totalPages ? href(query.page + 1) : null,
      previous: query.page > 1 ? href(query.page - 1) : null,
    },
    page,
  };
}

/** Orders records by `order_by` (created_at / updated_at / name), default order by index (the database id). */
export function orderRecords<T extends { index: number; createdAt: string; name?: string | null }>(items: T[], orderBy: ParsedQuery['orderBy']): T[] {
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
