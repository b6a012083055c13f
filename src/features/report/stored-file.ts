import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

/**
 * What starts a compressed stored file. Reports of earlier versions were stored as their UTF-8 text (JSON, CSV,
 * Markdown), which never starts with a NUL byte, so a stored value is compressed exactly when it starts with this.
 */
const MARKER = Buffer.from('\0cfz1', 'latin1');

/**
 * Brotli at quality 5: about as small as gzip -9 is slow, several times smaller than the text, and fast enough that a
 * multi-MB report costs tens of milliseconds. It runs on libuv's pool, so a worker still renews its job's lock.
 */
const QUALITY = 5;

/** A report file as it is kept in Redis: the marker, then the text compressed with brotli. */
export async function encodeStoredFile(text: string): Promise<Buffer> {
  const raw = Buffer.from(text, 'utf8');
  const packed = await compress(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  return Buffer.concat([MARKER, packed]);
}

/** A stored file's text: compressed by this version, or stored as plain text by an earlier one. */
export async function decodeStoredFile(stored: Buffer): Promise<string> {
  if (stored.length < MARKER.length || !stored.subarray(0, MARKER.length).equals(MARKER))
    return stored.toString('utf8');
  return (await decompress(stored.subarray(MARKER.length))).toString('utf8');
}

/** Every file of a stored report, encoded. */
export async function encodeStoredFiles(files: Readonly<Record<string, string>>): Promise<Record<string, Buffer>> {
  const entries = await Promise.all(
    Object.entries(files).map(async ([name, text]) => [name, await encodeStoredFile(text)] as const),
  );
  return Object.fromEntries(entries);
}

/** Every file of a stored report, decoded. */
export async function decodeStoredFiles(stored: Readonly<Record<string, Buffer>>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(stored).map(async ([name, value]) => [name, await decodeStoredFile(value)] as const),
  );
  return Object.fromEntries(entries);
}
