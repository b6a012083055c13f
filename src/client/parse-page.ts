/**
 * Parses a list page one resource at a time, handing each to a mapper as it is parsed: what a caller keeps of a
 * resource is all that outlives it. One `JSON.parse` of a 5000-row page builds every row at once (a few MB of text
 * makes three times that in objects), which lives long enough for V8 to move it to the old generation, where it
 * waits as garbage for the next full collection; a row parsed, mapped and dropped dies young instead.
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
 * `JSON.parse(text)`, except that the elements of a top-level `resources` array and of the arrays of a top-level
 * `included` object are parsed one by one and replaced by what the mappers make of them. Any other body (an error's
 * `{errors}`, a single resource) comes out as `JSON.parse` makes it. Throws `SyntaxError` on text that is not JSON, as
 * `JSON.parse` does.
 */
export function parsePage(text: string, mappers: PageMappers): unknown {
  const start = skipSpace(text, 0);
  if (text.charCodeAt(start) !== OPEN_BRACE) return JSON.parse(text);
  const page: Record<string, unknown> = {};
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return checkEnd(text, i + 1, page);
  for (;;) {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = expect(text, skipSpace(text, keyEnd), COLON);
    i = skipSpace(text, i);
    let valueEnd: number;
    if (key === 'resources' && text.charCodeAt(i) === OPEN_BRACKET) {
      const rows: unknown[] = [];
      valueEnd = eachElement(text, i, (element) => rows.push(mappers.resource(element)));
      setMember(page, key, rows);
    } else if (key === 'included' && mappers.included && text.charCodeAt(i) === OPEN_BRACE) {
      const included: Record<string, unknown> = {};
      const map = mappers.included;
      valueEnd = eachMember(text, i, (name, at) => {
        if (text.charCodeAt(at) !== OPEN_BRACKET) {
          const end = valueEndAt(text, at);
          setMember(included, name, JSON.parse(text.slice(at, end)));
          return end;
        }
        const items: unknown[] = [];
        setMember(included, name, items);
        return eachElement(text, at, (item) => items.push(map(name, item)));
      });
      setMember(page, key, included);
    } else {
      valueEnd = valueEndAt(text, i);
      setMember(page, key, JSON.parse(text.slice(i, valueEnd)));
    }
    i = skipSpace(text, valueEnd);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return checkEnd(text, i + 1, page);
    i = skipSpace(text, expect(text, i, COMMA));
  }
}

/** Calls `each` with every element of the array opening at `at`, parsed; returns the index after its `]`. */
function eachElement(text: string, at: number, each: (element: unknown) => void): number {
  let i = skipSpace(text, at + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
  for (;;) {
    const end = valueEndAt(text, i);
    each(JSON.parse(text.slice(i, end)));
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
    i = skipSpace(text, expect(text, i, COMMA));
  }
}

/** Calls `each` with every member of the object opening at `at` (its value's start); each returns its value's end. */
function eachMember(text: string, at: number, each: (key: string, valueAt: number) => number): number {
  let i = skipSpace(text, at + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, expect(text, skipSpace(text, keyEnd), COLON));
    i = skipSpace(text, each(key, i));
    if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
    i = skipSpace(text, expect(text, i, COMMA));
  }
}

/**
 * The index after the JSON value starting at `at`. Only finds where the value ends (strings, and brackets outside
 * them): `JSON.parse` of the slice checks the rest.
 */
function valueEndAt(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return stringEnd(text, at);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let i = at;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 0x20) break;
    }
    if (i === at) throw new SyntaxError(`Unexpected character in JSON at position ${at}`);
    return i;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  throw new SyntaxError('Unexpected end of JSON input');
}

/** The index after the string whose opening quote is at `at`. */
function stringEnd(text: string, at: number): number {
  if (text.charCodeAt(at) !== QUOTE) throw new SyntaxError(`Expected a string in JSON at position ${at}`);
  let i = at + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) throw new SyntaxError('Unterminated string in JSON');
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** An own member, as `JSON.parse` makes it, even when the key is `__proto__`. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function skipSpace(text: string, at: number): number {
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

function expect(text: string, at: number, code: number): number {
  if (text.charCodeAt(at) !== code)
    throw new SyntaxError(`Expected '${String.fromCharCode(code)}' in JSON at position ${at}`);
  return at + 1;
}

function checkEnd(text: string, at: number, page: Record<string, unknown>): Record<string, unknown> {
  if (skipSpace(text, at) !== text.length) throw new SyntaxError(`Unexpected data after JSON at position ${at}`);
  return page;
}
