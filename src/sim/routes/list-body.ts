import type { RouteContext } from '../http-types.js';
import { matchesLabels } from '../label-selector.js';
import { paginate, type PageOptions } from '../pagination.js';
import type { ParsedQuery } from '../query.js';

/**
 * A paginated list body: `{pagination, resources, included?}`. Presents only the requested page, so a 5000-item
 * page of a 100k collection costs 5000 presentations.
 */
export function listBody<T>(
  ctx: RouteContext,
  path: string,
  query: ParsedQuery,
  items: readonly T[],
  present: (item: T) => unknown,
  included?: (page: T[]) => Record<string, unknown[]> | undefined,
  options?: PageOptions,
): Record<string, unknown> {
  const { pagination, page } = paginate(items, query, ctx.baseUrl, path, options);
  const body: Record<string, unknown> = { pagination, resources: page.map(present) };
  const extra = included?.(page);
  if (extra && Object.keys(extra).length > 0) body.included = extra;
  return body;
}

/** A filter predicate for a comma-list parameter: passes everything when the parameter is absent. */
export function inList(query: ParsedQuery, name: string): (value: string | null | undefined) => boolean {
  const list = query.lists.get(name);
  if (!list) return () => true;
  const set = new Set(list);
  return (value) => value !== null && value !== undefined && set.has(value);
}

/** Labels of a resource the simulator never labels. */
export const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** A filter predicate for `label_selector`: passes everything when the parameter is absent. */
export function labelMatch(query: ParsedQuery): (labels: Readonly<Record<string, string>>) => boolean {
  const requirements = query.labelSelector;
  if (!requirements) return () => true;
  return (labels) => matchesLabels(labels, requirements);
}
