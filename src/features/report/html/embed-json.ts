const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/**
 * JSON to place inside `<script type="application/json">…</script>`: the same value for JSON.parse, with `<`, `>`
 * and `&` written as `\u003c`, `\u003e` and `\u0026`, so no name from the API can close the block (`</script>`),
 * open a comment (`<!--`) or start a tag, and U+2028/U+2029 as `\u2028`/`\u2029` (line terminators to older
 * JavaScript parsers and to editors). These characters occur only inside JSON strings, where the escape is valid.
 * See https://html.spec.whatwg.org/multipage/scripting.html#restrictions-for-contents-of-script-elements
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    UNSAFE_IN_SCRIPT,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
