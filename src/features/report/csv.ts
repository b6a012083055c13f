import { safeText } from '../../terminal/safe-text.js';

/**
 * One CSV document (RFC 4180, CRLF line ends). Cells that a spreadsheet would run as a formula get a leading
 * apostrophe: names come from developers, and a compliance export is opened by auditors. Text cells go through
 * safeText too: CSVs are also read with `cat` and `column`, where an escape sequence in a name would act on the
 * terminal, and a newline inside a cell breaks every line-oriented tool. Every row carries the guids, and
 * report.json keeps each name exactly, so nothing is lost for a machine.
 */
export function toCsv(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>,
): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? safeText(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
