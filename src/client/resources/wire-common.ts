/** Wire shapes shared by every CC v3 resource (cc-api.md; fixtures in test/fixtures/cc-docs). */

/** `{href}` link. */
export interface Link {
  href: string;
  method?: string;
}

/** A to-one relationship; `data` is null when unset. */
export interface ToOne {
  data: { guid: string } | null;
}

/** A to-many relationship. */
export interface ToMany {
  data: { guid: string }[];
}

/** Labels and annotations. */
export interface Metadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** `last_operation` of service instances and bindings. */
export interface LastOperation {
  type: 'create' | 'update' | 'delete';
  state: 'initial' | 'in progress' | 'succeeded' | 'failed';
  description?: string | null;
  created_at: string;
  updated_at: string;
}

/** Fields every v3 resource has. */
export interface BaseResource {
  guid: string;
  created_at: string;
  updated_at: string;
}

/** Common list query keys (cc-api.md §7). */
export interface ListQueryBase {
  per_page?: number;
  order_by?: string;
  label_selector?: string;
  created_ats?: string | TimestampFilter;
  updated_ats?: string | TimestampFilter;
  /** Stop after this many page requests (see `paginate`). Not sent to CC. */
  requestLimit?: number;
}

/** `created_ats[gt]=...` style operators. */
export interface TimestampFilter {
  lt?: string;
  lte?: string;
  gt?: string;
  gte?: string;
}
