/**
 * CC's `BaseMessage.to_array!` (`CC:app/messages/base_message.rb`): a list parameter splits on a comma followed by
 * optional whitespace, and every element is percent-decoded once more (`Addressable::URI.unescape`). So
 * `names=a,%20b` is `['a', 'b']`, and a comma inside one value arrives only when sent as `%252C`.
 */
export function splitListValue(raw: string): string[] {
  if (raw === '') return [''];
  // Ruby's \s is ASCII whitespace only.
  return raw.split(/,[ \t\r\n\f\v]*/).map(unescapeOnce);
}

const isHex = (byte: number | undefined): boolean =>
  byte !== undefined &&
  ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));

/** `Addressable::URI.unescape`: every valid `%XX` becomes its byte, anything else stays, the bytes are read as UTF-8. */
export function unescapeOnce(value: string): string {
  if (!value.includes('%')) return value;
  const raw = Buffer.from(value, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x25 && isHex(raw[i + 1]) && isHex(raw[i + 2])) {
      out.push(Number.parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16));
      i += 2;
    } else {
      out.push(byte);
    }
  }
  return Buffer.from(out).toString('utf8');
}

/** How `to_param_hash` puts a list back into a link: commas inside a value become `%2C`, the separators stay. */
export function joinListValue(values: readonly string[]): string {
  return values.map((v) => v.replace(/,/g, '%2C')).join(',');
}
