/**
 * Parses a list page one resource at a time, straight from the body's bytes, handing each to a mapper as it is parsed:
 * what a caller keeps of a resource is all that outlives it. One `JSON.parse` of a 5000-row page needs the page as one
 * string (as large as the body) and builds every row at once (three times that in objects); both live long enough for
 * V8 to move them to the old generation, where they wait as garbage for the next full collection. A row decoded,
 * parsed, mapped and dropped dies young instead. Quotes, backslashes and brackets are ASCII, and no byte of a
 * multi-byte UTF-8 character is, so the bytes can be scanned without decoding them.
 */

/**
 * The members of an object to parse, by name: `true` parses the member's value whole, a nested selection parses those
 * members of an object value. Every other member is skipped where it lies in the body: not decoded, not parsed, never
 * allocated. A value that is not an object where a nested selection expects one is parsed whole.
 */
export interface FieldSelection {
  readonly [member: string]: true | FieldSelection;
}

/** How to map a page's rows as they are parsed. */
export interface PageMappers {
  /** Each element of `resources`. */
  resource: (resource: unknown) => unknown;
  /** Each element of an `included` list, by the list's name (`apps`, `spaces`...). Kept whole when absent. */
  included?: (name: string, item: unknown) => unknown;
  /** Only these members of each element of `resources` are parsed (see {@link FieldSelection}). */
  select?: FieldSelection;
  /** Only these members of each item of an `included` list are parsed, by the list's name. */
  selectIncluded?: Readonly<Record<string, FieldSelection>>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * `JSON.parse` of the UTF-8 `body`, except that the elements of a top-level `resources` array and of the arrays of a
 * top-level `included` object are parsed one by one and replaced by what the mappers make of them. Any other body (an
 * error's `{errors}`, a single resource) comes out as `JSON.parse` makes it. Throws `SyntaxError` on a body that is
 * not JSON, as `JSON.parse` does.
 */
export function parsePage(body: Uint8Array, mappers: PageMappers): unknown {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // A byte order mark is dropped, as the TextDecoder that decodes other bodies drops it.
  const from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const start = skipSpace(bytes, from);
  if (bytes[start] !== OPEN_BRACE) return parseSlice(bytes, from, bytes.length);
  const page: Record<string, unknown> = {};
  let i = skipSpace(bytes, start + 1);
  if (bytes[i] === CLOSE_BRACE) return checkEnd(bytes, i + 1, page);
  for (;;) {
    const keyEnd = stringEnd(bytes, i);
    const key = parseSlice(bytes, i, keyEnd) as string;
    i = skipSpace(bytes, expect(bytes, skipSpace(bytes, keyEnd), COLON));
    let valueEnd: number;
    if (key === 'resources' && bytes[i] === OPEN_BRACKET) {
      const rows: unknown[] = [];
      const select = mappers.select && compileSelection(mappers.select);
      valueEnd = eachElement(bytes, i, select, (element) => rows.push(mappers.resource(element)));
      setMember(page, key, rows);
    } else if (key === 'included' && mappers.included && bytes[i] === OPEN_BRACE) {
      const included: Record<string, unknown> = {};
      const map = mappers.included;
      valueEnd = eachMember(bytes, i, (name, at) => {
        if (bytes[at] !== OPEN_BRACKET) {
          const end = valueEndAt(bytes, at);
          setMember(included, name, parseSlice(bytes, at, end));
          return end;
        }
        const items: unknown[] = [];
        setMember(included, name, items);
        const selection = mappers.selectIncluded?.[name];
        return eachElement(bytes, at, selection && compileSelection(selection), (item) => items.push(map(name, item)));
      });
      setMember(page, key, included);
    } else {
      valueEnd = valueEndAt(bytes, i);
      setMember(page, key, parseSlice(bytes, i, valueEnd));
    }
    i = skipSpace(bytes, valueEnd);
    if (bytes[i] === CLOSE_BRACE) return checkEnd(bytes, i + 1, page);
    i = skipSpace(bytes, expect(bytes, i, COMMA));
  }
}

function parseSlice(bytes: Buffer, start: number, end: number): unknown {
  return JSON.parse(bytes.toString('utf8', start, end));
}

/**
 * Calls `each` with every element of the array opening at `at`, parsed (only the selected members of an object, with
 * a selection); returns the index after its `]`.
 */
function eachElement(
  bytes: Buffer,
  at: number,
  select: CompiledSelection | undefined,
  each: (element: unknown) => void,
): number {
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    const end = valueEndAt(bytes, i);
    each(select === undefined ? parseSlice(bytes, i, end) : parseSelected(bytes, i, end, select));
    i = skipSpace(bytes, end);
    if (bytes[i] === CLOSE_BRACKET) return i + 1;
    i = skipSpace(bytes, expect(bytes, i, COMMA));
  }
}

/** A selection's members with their names as UTF-8 bytes, to be compared with a body's keys in place. */
type CompiledSelection = ReadonlyArray<{ name: string; bytes: Buffer; nested: CompiledSelection | undefined }>;

const compiled = new WeakMap<FieldSelection, CompiledSelection>();

function compileSelection(selection: FieldSelection): CompiledSelection {
  let done = compiled.get(selection);
  if (done === undefined) {
    done = Object.entries(selection).map(([name, value]) => ({
      name,
      bytes: Buffer.from(name),
      nested: value === true ? undefined : compileSelection(value),
    }));
    compiled.set(selection, done);
  }
  return done;
}

/**
 * The selected members of the JSON value between `at` and `end`, when it is an object (anything else is parsed
 * whole). Skipped members are only walked over, so their syntax is not checked beyond where they end; the selected
 * ones are parsed by `JSON.parse`, as the rest of the page is.
 */
function parseSelected(bytes: Buffer, at: number, end: number, select: CompiledSelection): unknown {
  if (bytes[at] !== OPEN_BRACE) return parseSlice(bytes, at, end);
  // The walk of eachMember, written out: a callback per object (six per instance row) cost a crawl of 100k instances
  // ~180 MB more allocation when measured, and it compares keys in the bytes where eachMember decodes them.
  const picked: Record<string, unknown> = {};
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACE) return picked;
  for (;;) {
    const keyEnd = stringEnd(bytes, i);
    const member = selectedMember(bytes, i, keyEnd, select);
    i = skipSpace(bytes, expect(bytes, skipSpace(bytes, keyEnd), COLON));
    const valueEnd = valueEndAt(bytes, i);
    if (member !== undefined) {
      const value =
        member.nested === undefined ? parseValue(bytes, i, valueEnd) : parseSelected(bytes, i, valueEnd, member.nested);
      // A plain store keeps the object's fast shape; only `__proto__` needs defining as an own member.
      if (member.name === '__proto__') setMember(picked, member.name, value);
      else picked[member.name] = value;
    }
    i = skipSpace(bytes, valueEnd);
    // `end` is where valueEndAt found this brace: nothing can follow it inside the value.
    if (bytes[i] === CLOSE_BRACE) return picked;
    i = skipSpace(bytes, expect(bytes, i, COMMA));
  }
}

/** The selection's member named by the key between the quotes at `at` and `keyEnd - 1`, compared without decoding. */
function selectedMember(
  bytes: Buffer,
  at: number,
  keyEnd: number,
  select: CompiledSelection,
): CompiledSelection[number] | undefined {
  const length = keyEnd - at - 2;
  for (const member of select) {
    if (member.bytes.length === length && bytes.compare(member.bytes, 0, length, at + 1, keyEnd - 1) === 0)
      return member;
  }
  // A key written with escapes (`"gu\u0069d"`) names the same member as its plain form.
  for (let i = at + 1; i < keyEnd - 1; i++) {
    if (bytes[i] !== BACKSLASH) continue;
    const key = parseSlice(bytes, at, keyEnd) as string;
    return select.find((member) => member.name === key);
  }
  return undefined;
}

/** One value, as `JSON.parse` gives it; a plain string (no escape, no control character) without the slice's copy. */
function parseValue(bytes: Buffer, at: number, end: number): unknown {
  if (bytes[at] === QUOTE) {
    let plain = true;
    for (let i = at + 1; i < end - 1; i++) {
      const c = bytes[i]!;
      if (c === BACKSLASH || c < 0x20) {
        plain = false;
        break;
      }
    }
    if (plain) return bytes.toString('utf8', at + 1, end - 1);
  }
  return parseSlice(bytes, at, end);
}

/** Calls `each` with every member of the object opening at `at` (its value's start); each returns its value's end. */
function eachMember(bytes: Buffer, at: number, each: (key: string, valueAt: number) => number): number {
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACE) return i + 1;
  for (;;) {
    const keyEnd = stringEnd(bytes, i);
    const key = parseSlice(bytes, i, keyEnd) as string;
    i = skipSpace(bytes, expect(bytes, skipSpace(bytes, keyEnd), COLON));
    i = skipSpace(bytes, each(key, i));
    if (bytes[i] === CLOSE_BRACE) return i + 1;
    i = skipSpace(bytes, expect(bytes, i, COMMA));
  }
}

/**
 * The index after the JSON value starting at `at`. Only finds where the value ends (strings, and brackets outside
 * them): `JSON.parse` of the slice checks the rest.
 */
function valueEndAt(bytes: Buffer, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return stringEnd(bytes, at);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let i = at;
    for (; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 0x20) break;
    }
    if (i === at) throw new SyntaxError(`Unexpected token in JSON at position ${at}`);
    return i;
  }
  let depth = 0;
  for (let i = at; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) i = stringEnd(bytes, i) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  throw new SyntaxError('Unexpected end of JSON input');
}

/** The index after the string whose opening quote is at `at`. */
function stringEnd(bytes: Buffer, at: number): number {
  if (bytes[at] !== QUOTE) throw new SyntaxError(`Expected a string in JSON at position ${at}`);
  let i = at + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, i);
    if (quote === -1) throw new SyntaxError('Unterminated string in JSON');
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** An own member, as `JSON.parse` makes it, even when the key is `__proto__`. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function skipSpace(bytes: Buffer, at: number): number {
  let i = at;
  for (;;) {
    const c = bytes[i];
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

function expect(bytes: Buffer, at: number, code: number): number {
  if (bytes[at] !== code) throw new SyntaxError(`Expected '${String.fromCharCode(code)}' in JSON at position ${at}`);
  return at + 1;
}

function checkEnd(bytes: Buffer, at: number, page: Record<string, unknown>): Record<string, unknown> {
  if (skipSpace(bytes, at) !== bytes.length) throw new SyntaxError(`Unexpected data after JSON at position ${at}`);
  return page;
}
