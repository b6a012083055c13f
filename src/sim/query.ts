import { badQuery } from './errors.js';

/** What a list endpoint accepts (`*_list_message.rb` in CC). */
export interface ListSpec {
  /** Comma-list filters, e.g. `guids`, `space_guids`. */
  lists?: string[];
  /** Single-value parameters, with their allowed values when they are an enum. */
  singles?: Record<string, string[] | null>;
  /** Timestamp filters accepting `[lt|lte|gt|gte]`. */
  timestamps?: string[];
  /** Allowed `order_by` values (without `-`). */
  orderBy?: string[];
  /** Allowed `include` values. */
  includes?: string[];
  /** Allowed `fields[resource]` keys per resource. */
  fields?: Record<string, string[]>;
  /** Whether `page`/`per_page` apply. @defaultValue true */
  paginated?: boolean;
  /** Accepted and ignored (e.g. `label_selector`). */
  ignored?: string[];
}

/** A timestamp filter: `created_ats=a,b` (op `eq`) or `created_ats[gt]=a`. */
export interface TimestampFilter {
  op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
  values: string[];
}

/** A validated query. */
export interface ParsedQuery {
  page: number;
  perPage: number;
  orderBy: { key: string; desc: boolean } | null;
  lists: Map<string, string[]>;
  singles: Map<string, string>;
  timestamps: Map<string, TimestampFilter[]>;
  include: string[];
  fields: Map<string, string[]>;
  /** Every parameter as given, for pagination links. */
  entries: Array<[string, string]>;
}

const TS_OPS = new Set(['lt', 'lte', 'gt', 'gte']);

/** Parses and validates a query string the way CC's list messages do; throws 400 CF-BadQueryParameter. */
export function parseQuery(search: URLSearchParams, spec: ListSpec): ParsedQuery {
  const paginated = spec.paginated !== false;
  const allowed = [
    ...(paginated ? ['page', 'per_page'] : []),
    ...(spec.orderBy ? ['order_by'] : []),
    ...(spec.lists ?? []),
    ...Object.keys(spec.singles ?? {}),
    ...(spec.timestamps ?? []),
    ...(spec.includes ? ['include'] : []),
    ...(spec.fields ? ['fields'] : []),
    ...(spec.ignored ?? []),
  ];
  const entries = [...search.entries()];
  const unknown: string[] = [];
  for (const [rawKey] of entries) {
    const base = rawKey.replace(/\[.*$/, '');
    if (!allowed.includes(base) && !unknown.includes(base)) unknown.push(base);
  }
  if (unknown.length > 0) {
    throw badQuery(`Unknown query parameter(s): '${unknown.join("', '")}'. Valid parameters are: '${allowed.join("', '")}'`);
  }
  const parsed: ParsedQuery = {
    page: 1, perPage: 50, orderBy: null, lists: new Map(), singles: new Map(), timestamps: new Map(), include: [], fields: new Map(), entries,
  };
  for (const [key, value] of entries) {
    const base = key.replace(/\[.*$/, '');
    const bracket = /\[(.*)\]$/.exec(key)?.[1];
    if (base === 'page') parsed.page = positive('Page', value);
    else if (base === 'per_page') {
      parsed.perPage = positive('Per page', value);
      // cc-api.md §7: 1..5000.
      if (parsed.perPage > 5000) throw badQuery('Per page must be between 1 and 5000');
    } else if (base === 'order_by') {
      const desc = value.startsWith('-');
      const k = value.replace(/^[-+]/, '');
      if (!spec.orderBy?.includes(k)) throw badQuery(`Order by can only be: '${(spec.orderBy ?? []).join("', '")}'`);
      parsed.orderBy = { key: k, desc };
    } else if (spec.lists?.includes(base)) {
      parsed.lists.set(base, value === '' ? [] : value.split(','));
    } else if (spec.singles && base in spec.singles) {
      const allowedValues = spec.singles[base];
      if (allowedValues && !allowedValues.includes(value)) {
        throw badQuery(`${humanise(base)} must be one of '${allowedValues.join("', '")}'`);
      }
      parsed.singles.set(base, value);
    } else if (spec.timestamps?.includes(base)) {
      const op = bracket ?? 'eq';
      if (op !== 'eq' && !TS_OPS.has(op)) throw badQuery(`${humanise(base)} has an invalid relational operator: '${op}'`);
      const values = value.split(',');
      // CC's validator takes whole seconds in UTC only (it "does not accept fractional seconds").
      if (values.some((v) => !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v) || Number.isNaN(Date.parse(v)))) throw badQuery(`${humanise(base)} has an invalid timestamp format. Timestamps should be formatted as 'YYYY-MM-DDThh:mm:ssZ'`);
      const list = parsed.timestamps.get(base) ?? [];
      list.push({ op: op as TimestampFilter['op'], values });
      parsed.timestamps.set(base, list);
    } else if (base === 'include') {
      const wanted = value.split(',');
      for (const w of wanted) {
        if (!spec.includes?.includes(w)) {
          throw badQuery(`Invalid included resource: '${w}'. Valid included resources are: '${(spec.includes ?? []).join("', '")}'`);
        }
        if (parsed.include.includes(w)) throw badQuery(`Duplicate included resource: '${w}'`);
        parsed.include.push(w);
      }
    } else if (base === 'fields') {
      const resources = spec.fields ?? {};
      const resource = bracket ?? '';
      const keys = resources[resource];
      if (!keys) throw badQuery(`Fields [${resource}] valid resources are: '${Object.keys(resources).join("', '")}'`);
      const wanted = value.split(',');
      if (wanted.some((w) => !keys.includes(w))) throw badQuery(`Fields valid keys for '${resource}' are: '${keys.join("', '")}'`);
      parsed.fields.set(resource, wanted);
    }
  }
  return parsed;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw badQuery(`${name} must be a positive integer`);
  return n;
}

function humanise(key: string): string {
  const text = key.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Whether `at` passes every timestamp filter given for one field. */
export function matchesTimestamps(at: string, filters: TimestampFilter[] | undefined): boolean {
  if (!filters) return true;
  const t = Date.parse(at);
  return filters.every((f) => {
    const v = f.values.map((x) => Date.parse(x));
    switch (f.op) {
      case 'eq': return v.includes(t);
      case 'lt': return t < v[0]!;
      case 'lte': return t <= v[0]!;
      case 'gt': return t > v[0]!;
      case 'gte': return t >= v[0]!;
    }
  });
}
