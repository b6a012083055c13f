import { describe, expect, it } from 'vitest';
import { markdownCell, safeJson, safeText } from '../../src/terminal/safe-text.js';
import { textTable } from '../../src/terminal/text-table.js';
import { describeError } from '../../src/describe-error.js';
import { UsageError } from '../../src/usage-error.js';

/** Nothing a terminal or an editor would act on: C0, DEL, C1, bidi controls, line separators, lone surrogates. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/u;

describe('safeText', () => {
  it.each([
    ['CSI colour', 'db\x1b[31mRED\x1b[0m', 'db\\x1b[31mRED\\x1b[0m'],
    ['cursor and erase-line', 'ok\x1b[2K\x1b[1Aall good', 'ok\\x1b[2K\\x1b[1Aall good'],
    [
      'OSC 8 hyperlink',
      '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07',
      '\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07',
    ],
    ['OSC with ST terminator (window title)', '\x1b]0;pwned\x1b\\', '\\x1b]0;pwned\\x1b\\'],
    ['lone ESC', 'a\x1bb', 'a\\x1bb'],
    ['one-byte C1 CSI and OSC', 'a\u009b31mb\u009d0;t', 'a\\x9b31mb\\x9d0;t'],
    ['NEL', 'a\u0085b', 'a\\x85b'],
    ['carriage return over the line', 'prod-db\rsafe-db', 'prod-db\\x0dsafe-db'],
    ['newline that fakes a second line', 'db\ncf-shares: all shares removed', 'db\\x0acf-shares: all shares removed'],
    ['tab', 'a\tb', 'a\\x09b'],
    ['backspace and NUL and DEL', 'a\b\u0000\u007fb', 'a\\x08\\x00\\x7fb'],
    ['RLO (trojan source)', 'invoice\u202efdp.exe', 'invoice\\u202efdp.exe'],
    ['every bidi embedding and override', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['bidi isolates', '\u2066a\u2067b\u2068c\u2069', '\\u2066a\\u2067b\\u2068c\\u2069'],
    ['bidi marks', '\u200ea\u200fb\u061c', '\\u200ea\\u200fb\\u061c'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
  ])('escapes %s visibly', (_name, input, expected) => {
    expect(safeText(input)).toBe(expected);
    expect(safeText(input)).not.toMatch(UNSAFE);
  });

  it.each(['orders-db', 'données-prod', '数据库', 'db 😀 emoji', 'שלום', 'back\\slash', 'a|b'])(
    'leaves ordinary text alone: %j',
    (text) => {
      expect(safeText(text)).toBe(text);
    },
  );

  it('escapes every code point it must, and no other, over the whole BMP and beyond', () => {
    for (let code = 0; code <= 0x10ffff; code += code < 0x3000 ? 1 : 97) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      const out = safeText(char);
      expect(out, `U+${code.toString(16)}`).not.toMatch(UNSAFE);
      if (!UNSAFE.test(char)) expect(out).toBe(char);
    }
  });
});

describe('markdownCell', () => {
  it('keeps a table row on one line and its columns where they are', () => {
    const cell = markdownCell('a|b\nc\r| d');
    expect(cell).not.toMatch(/[\r\n]/);
    expect(cell.replace(/\\\|/g, '')).not.toContain('|');
  });

  it('escapes what Markdown would act on, and the backslashes of the escapes', () => {
    expect(markdownCell('<img src=x onerror=alert(1)>')).toBe('\\<img src=x onerror=alert(1)\\>');
    expect(markdownCell('[click](https://evil.example)')).toBe('\\[click\\](https://evil.example)');
    expect(markdownCell('*_`~&')).toBe('\\*\\_\\`\\~\\&');
    expect(markdownCell('x\x1b[31m')).toBe('x\\\\x1b\\[31m');
    expect(markdownCell(null)).toBe('?');
  });
});

describe('safeJson', () => {
  it('gives back the same value, with nothing raw a terminal would act on', () => {
    const value = { name: 'a\x1b[31m\u009b\u202e\u2028\u2066b', nested: ['\u007f', 'plain'] };
    const text = safeJson(JSON.stringify(value, null, 2));
    expect(JSON.parse(text)).toEqual(value);
    // Pretty-printed JSON has its own newlines; nothing else raw.
    expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE);
  });
});

describe('textTable', () => {
  it('sanitizes every cell, so alignment holds and nothing reaches the terminal', () => {
    const table = textTable(
      ['NAME', 'SPACE'],
      [
        ['db\x1b[2J', 'org/\u202eved'],
        ['ok', 'a\nb'],
      ],
    );
    expect(table.replace(/\n/g, '')).not.toMatch(UNSAFE);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('db\\x1b[2J  org/\\u202eved');
    expect(lines[3]).toBe(`ok${' '.repeat(9)}a\\x0ab`);
  });
});

describe('describeError', () => {
  it('keeps an error line that carries CC text on one safe line', () => {
    const cc = new Error(
      'CF-UnprocessableEntity: The service instance name \x1b]8;;https://evil\x07x\x1b]8;;\x07 is taken\u202e\nsecond line',
    );
    const { line } = describeError(cc);
    expect(line).toBe(
      'CF-UnprocessableEntity: The service instance name \\x1b]8;;https://evil\\x07x\\x1b]8;;\\x07 is taken\\u202e',
    );
    expect(describeError(new UsageError('no space \x1b[31mred\x1b[0m')).line).toBe('no space \\x1b[31mred\\x1b[0m');
    expect(describeError('\x07bell').line).toBe('\\x07bell');
  });
});
