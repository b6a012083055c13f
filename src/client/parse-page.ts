/**
 * Parses a list page one resource at a time, straight from the body's bytes, handing each to a mapper as it is parsed:
 * what a caller keeps of a resource is all that outlives it. One `JSON.parse` of a 5000-row page needs the page as one
 * string (as large as the body) and builds every row at once (three times that in objects); both live long enough for
 * V8 to move them to the old generation, where they wait as garbage for the next full collection. A row decoded,
 * parsed, mapped and dropped dies young instead. Quotes, backslashes and brackets are ASCII, and no byte of a
 * multi-byte UTF-8 character is, so the bytes can be scanned without decoding them.
 */

/** How to map a page's rows as they are parsed. */
export interface PageMappers {
  /** Each element of `resources`. */
  resource: (resource: unknown) => unknown;
  /** Each element of an `included` list, by the list's name (`apps`, `spaces`...). Kept whole when absent. */
  included?: (name: string, item: unknown) => unknown;
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
      valueEnd = eachElement(bytes, i, (element) => rows.push(mappers.resource(element)));
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
        return eachElement(bytes, at, (item) => items.push(map(name, item)));
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

/** Calls `each` with every element of the array opening at `at`, parsed; returns the index after its `]`. */
function eachElement(bytes: Buffer, at: number, each: (element: unknown) => void): number {
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    const end = valueEndAt(bytes, i);
    each(parseSlice(bytes, i, end));
    i = skipSpace(bytes, end);
    if (bytes[i] === CLOSE_BRACKET) return i + 1;
    i = skipSpace(bytes, expect(bytes, i, COMMA));
  }
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
