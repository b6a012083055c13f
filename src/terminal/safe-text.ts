/**
 * Text from the Cloud Controller (names of orgs, spaces, instances and apps; CC error details) is written by
 * developers and brokers, not by us. Printed as is it could recolour or rewrite a terminal (CSI, OSC 8 hyperlinks,
 * a carriage return over the previous words), reorder what an admin reads (bidi overrides, "trojan source"), or
 * break a line-oriented output into fake lines. Each such character becomes a visible escape instead of vanishing,
 * so the admin sees that something was there.
 *
 * Escaped: C0 controls and DEL (tab, CR and LF included), C1 controls (U+0080–U+009F, where U+009B is a one-byte
 * CSI and U+009D an OSC), bidi embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E,
 * U+200F, U+061C), the Unicode line and paragraph separators (U+2028, U+2029) and lone surrogates. Escaping the ESC
 * of a sequence is enough to defuse the whole sequence: what follows it is plain printable text.
 *
 * A backslash is left alone: a name that literally contains `\x1b` reads the same as an escaped ESC, which is a
 * harmless ambiguity, while doubling backslashes would garble every Windows path in an error line.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;

const escapeOf = (char: string): string => {
  const code = char.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** API-supplied text made safe to print for people, on a terminal or not: one line, no control or bidi characters. */
export function safeText(value: string): string {
  return value.replace(UNSAFE, escapeOf);
}

/**
 * One cell of a Markdown table: safe text, on one line, with the characters Markdown would act on escaped (a `|`
 * would split the row, `<` open HTML, `[` a link, `*` and `_` emphasis). The backslashes of safeText's escapes are
 * escaped too, so `\x1b` renders as written.
 */
export function markdownCell(value: string | null | undefined, missing = '?'): string {
  return safeText(value ?? missing).replace(/[\\|`*_[\]<>&~]/g, '\\$&');
}

/**
 * JSON for files people may also `cat`: the same value (JSON.parse gives it back unchanged), with the characters
 * JSON.stringify leaves raw but terminals and editors act on (DEL, C1, bidi controls, line separators) written as
 * `\uXXXX` escapes. They can only occur inside strings, where the escape is valid JSON.
 */
export function safeJson(text: string): string {
  return text.replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML element content and quoted attribute values: a name from the API is data, never markup. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}
