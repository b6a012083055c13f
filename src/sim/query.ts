import { badQuery } from './errors.js';
import { parseLabelSelector, type LabelRequirement } from './label-selector.js';
import { joinListValue, splitListValue } from './list-values.js';

/** What a list endpoint accepts (`*_list_message.rb` in CC). */
export interface ListSpec {
  /** Comma-list filters, e.g. `guids`, `space_guids`. */
  lists?: string[];
  /** Single-value parameters: an enum of allowed values, `'boolean'` (`'true'|'false'`), or null for any value. */
  singles?: Record<string, string[] | 'boolean' | null>;
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
  /** Whether `label_selector` applies (CC's `MetadataListMessage`). */
  labelSelector?: boolean;
  /** Parameters that are known but refused, with the message (feature flags refuse `created_ats`). */
  refused?: Record<string, string>;
  /** Accepted and ignored. */
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
  /** Null when no `label_selector` was given. */
  labelSelector: LabelRequirement[] | null;
  /** What pagination links repeat besides page, per_page and order_by, as CC's `to_param_hash` renders it. */
  linkParams: Array<[string, string]>;
}

const TS_OPS = new Set(['lt', 'lte', 'gt', 'gte']);
const TS_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Parses and validates a query string the way CC's list messages do. Every failing check adds a message and they
 * are all reported at once, joined with ", " (`invalid_param!(message.errors.full_messages)`), in the order CC's
 * validators run: pagination, order_by, timestamps, label_selector, unknown parameters, then the resource's own.
 * Throws 400 CF-BadQueryParameter.
 */
export function parseQuery(search: URLSearchParams, spec: ListSpec): ParsedQuery {
  const allowed = allowedKeys(spec);
  const plain = new Map<string, string>();
  const nested = new Map<string, Map<string, string>>();
  const unknown: string[] = [];
  for (const [rawKey, value] of search) {
    const bracket = /^([^[]*)\[(.*)\]$/.exec(rawKey);
    const base = bracket ? bracket[1]! : rawKey;
    if (!allowed.includes(base)) {
      if (!unknown.includes(base)) unknown.push(base);
      continue;
    }
    // Rails keeps the last of repeated parameters.
    if (bracket) {
      let sub = nested.get(base);
      if (!sub) nested.set(base, (sub = new Map()));
      sub.set(bracket[2]!, value);
    } else {
      plain.set(base, value);
    }
  }

  const errors: string[] = [];
  const q: ParsedQuery = {
    page: 1,
    perPage: 50,
    orderBy: null,
    lists: new Map(),
    singles: new Map(),
    timestamps: new Map(),
    include: [],
    fields: new Map(),
    labelSelector: null,
    linkParams: [],
  };
  if (spec.paginated !== false) parsePagination(plain, q, errors);
  parseOrderBy(plain.get('order_by'), spec, q, errors);
  for (const key of spec.timestamps ?? []) parseTimestamps(key, plain.get(key), nested.get(key), q, errors);
  const selector = plain.get('label_selector');
  if (spec.labelSelector && selector !== undefined) {
    const parsed = parseLabelSelector(selector);
    errors.push(...parsed.errors);
    q.labelSelector = parsed.requirements;
    q.linkParams.push(['label_selector', selector]);
  }
  if (unknown.length > 0)
    errors.push(
      `Unknown query parameter(s): '${unknown.join("', '")}'. Valid parameters are: '${allowed.join("', '")}'`,
    );
  for (const [key, message] of Object.entries(spec.refused ?? {}))
    if (plain.has(key) || nested.has(key)) errors.push(message);

  for (const key of spec.lists ?? []) {
    const value = plain.get(key);
    if (value === undefined) continue;
    const values = splitListValue(value);
    q.lists.set(key, values);
    q.linkParams.push([key, joinListValue(values)]);
  }
  for (const [key, kind] of Object.entries(spec.singles ?? {})) parseSingle(key, kind, plain.get(key), q, errors);
  if (spec.includes && plain.has('include')) parseInclude(plain.get('include')!, spec.includes, q, errors);
  if (spec.fields && (plain.has('fields') || nested.has('fields')))
    parseFields(nested.get('fields'), spec.fields, q, errors);
  for (const key of spec.ignored ?? []) {
    if (plain.has(key)) q.linkParams.push([key, plain.get(key)!]);
    for (const [sub, value] of nested.get(key) ?? []) q.linkParams.push([`${key}[${sub}]`, value]);
  }

  if (errors.length > 0) throw badQuery(errors.join(', '));
  return q;
}

/** CC's `allowed_keys` order: pagination first, then timestamps and guids (ListMessage), then the resource's own. */
function allowedKeys(spec: ListSpec): string[] {
  const lists = spec.lists ?? [];
  const keys = [
    ...(spec.paginated !== false ? ['page', 'per_page'] : []),
    ...(spec.orderBy ? ['order_by'] : []),
    ...(spec.timestamps ?? []),
    ...(lists.includes('guids') ? ['guids'] : []),
    ...lists.filter((k) => k !== 'guids'),
    ...Object.keys(spec.singles ?? {}),
    ...(spec.includes ? ['include'] : []),
    ...(spec.fields ? ['fields'] : []),
    ...Object.keys(spec.refused ?? {}),
    ...(spec.labelSelector ? ['label_selector'] : []),
    ...(spec.ignored ?? []),
  ];
  return [...new Set(keys)];
}

/** Ruby's `String#to_i`: leading digits (after optional whitespace and sign), else 0. */
function rubyToI(value: string): number {
  const m = /^\s*([+-]?\d+(?:_\d+)*)/.exec(value);
  return m ? Number(m[1]!.replace(/_/g, '')) : 0;
}

/** `PaginationPageValidator` (`CC:app/messages/list_message.rb`). */
function parsePagination(plain: Map<string, string>, q: ParsedQuery, errors: string[]): void {
  const page = plain.get('page');
  if (page !== undefined) {
    const n = rubyToI(page);
    if (n > 0) q.page = n;
    else errors.push('Page must be a positive integer');
  }
  const perPage = plain.get('per_page');
  if (perPage !== undefined) {
    const n = rubyToI(perPage);
    if (n <= 0) errors.push('Per page must be a positive integer');
    else if (n > 5000) errors.push('Per page must be between 1 and 5000');
    else q.perPage = n;
  }
}

/** `PaginationOrderValidator`; a blank order_by is not "present" and is ignored. */
function parseOrderBy(value: string | undefined, spec: ListSpec, q: ParsedQuery, errors: string[]): void {
  if (value === undefined || value.trim() === '' || !spec.orderBy) return;
  const sign = value[0] === '+' || value[0] === '-' ? value[0] : '';
  const key = value.slice(sign.length);
  if (!spec.orderBy.includes(key)) {
    errors.push(`Order by can only be: '${spec.orderBy.join("', '")}'`);
    return;
  }
  q.orderBy = { key, desc: sign === '-' };
}

/** `TimestampValidator`: a list (equality) or a hash of relational operators with one value each. */
function parseTimestamps(
  key: string,
  flat: string | undefined,
  ops: Map<string, string> | undefined,
  q: ParsedQuery,
  errors: string[],
): void {
  const name = humanise(key);
  const formatError = `${name} has an invalid timestamp format. Timestamps should be formatted as 'YYYY-MM-DDThh:mm:ssZ'`;
  // CC checks the format only; the date must also parse here because the simulator compares instants.
  const valid = (v: string): boolean => TS_FORMAT.test(v) && !Number.isNaN(Date.parse(v));
  const filters: TimestampFilter[] = [];
  if (ops) {
    for (const [op, value] of ops) {
      if (!TS_OPS.has(op)) errors.push(`${name} Invalid relational operator: '${op}'`);
      if (value.includes(',')) {
        errors.push(`${name} only accepts one value when using a relational operator`);
        continue;
      }
      if (!valid(value)) errors.push(formatError);
      else if (TS_OPS.has(op)) filters.push({ op: op as TimestampFilter['op'], values: [value] });
      q.linkParams.push([`${key}[${op}]`, value]);
    }
  } else if (flat !== undefined) {
    const values = splitListValue(flat);
    for (const v of values) if (!valid(v)) errors.push(formatError);
    filters.push({ op: 'eq', values });
    q.linkParams.push([key, joinListValue(values)]);
  }
  if (filters.length > 0) q.timestamps.set(key, filters);
}

function parseSingle(
  key: string,
  kind: string[] | 'boolean' | null,
  value: string | undefined,
  q: ParsedQuery,
  errors: string[],
): void {
  if (value === undefined) return;
  if (Array.isArray(kind) && !kind.includes(value))
    errors.push(`${humanise(key)} must be one of '${kind.join("', '")}'`);
  else if (kind === 'boolean' && value !== 'true' && value !== 'false')
    errors.push(`${humanise(key)} must be 'true' or 'false'`);
  else q.singles.set(key, value);
  q.linkParams.push([key, value]);
}

/** `IncludeParamValidator`: one message per invalid value and per second occurrence of a valid one. */
function parseInclude(value: string, valid: string[], q: ParsedQuery, errors: string[]): void {
  const wanted = splitListValue(value);
  const seen = new Map<string, number>();
  for (const w of wanted) {
    if (!valid.includes(w)) {
      errors.push(`Invalid included resource: '${w}'. Valid included resources are: '${valid.join("', '")}'`);
      continue;
    }
    const count = (seen.get(w) ?? 0) + 1;
    seen.set(w, count);
    if (count === 2) errors.push(`Duplicate included resource: '${w}'`);
  }
  q.include = [...seen.keys()];
  q.linkParams.push(['include', joinListValue(wanted)]);
}

/** `FieldsValidator`: `fields[resource]=key,key`. */
function parseFields(
  byResource: Map<string, string> | undefined,
  allowed: Record<string, string[]>,
  q: ParsedQuery,
  errors: string[],
): void {
  if (!byResource) {
    errors.push('Fields must be an object');
    return;
  }
  for (const [resource, value] of byResource) {
    const keys = allowed[resource];
    const wanted = splitListValue(value);
    if (!keys) errors.push(`Fields [${resource}] valid resources are: '${Object.keys(allowed).join("', '")}'`);
    else if (wanted.some((w) => !keys.includes(w)))
      errors.push(`Fields valid keys for '${resource}' are: '${keys.join("', '")}'`);
    else q.fields.set(resource, wanted);
    q.linkParams.push([`fields[${resource}]`, wanted.join(',')]);
  }
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
      case 'eq':
        return v.includes(t);
      case 'lt':
        return t < v[0]!;
      case 'lte':
        return t <= v[0]!;
      case 'gt':
        return t > v[0]!;
      case 'gte':
        return t >= v[0]!;
    }
  });
}
