import type { Paginator } from './paginate.js';
import { getResource, listResource, seg, type ResourceContext } from './resource-context.js';

/**
 * The verbs every CC collection shares (style.md trait 1, go-cfclient): `get`, `list`, `listAll`, `first`, `single`.
 * Resource modules extend it and add their own CC verbs.
 */
export class CollectionResource<T, Q extends object> {
  constructor(
    protected readonly ctx: ResourceContext,
    /** e.g. `/v3/spaces`. */
    protected readonly path: string,
  ) {}

  /** `GET <path>/:guid`. */
  get(guid: string): Promise<T> {
    return getResource(this.ctx, `${this.path}/${seg(guid)}`);
  }

  /** `GET <path>` as an async iterable over every page. */
  list(query?: Q): Paginator<T> {
    return listResource(this.ctx, this.path, query ?? {});
  }

  /** Every resource matching `query`. */
  listAll(query?: Q): Promise<T[]> {
    return this.list(query).all();
  }

  /** The first match or `undefined`, asking CC for one resource only. */
  first(query?: Q): Promise<T | undefined> {
    return listResource<T>(this.ctx, this.path, { per_page: 1, ...query }).first();
  }

  /** The only match; throws `SingleResultError` for none or several (asks CC for two to tell). */
  single(query?: Q): Promise<T> {
    return listResource<T>(this.ctx, this.path, { per_page: 2, ...query }).single();
  }
}
