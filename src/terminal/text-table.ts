import { safeText } from './safe-text.js';

/**
 * Renders rows as aligned plain-text columns (no colours, so logs and pipes stay clean). Every cell goes through
 * safeText: tables show names from the API, and a control character in one would break the alignment at best.
 */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const clean = (cells: readonly string[]): string[] => cells.map((cell) => safeText(cell ?? ''));
  const head = clean(header);
  const body = rows.map(clean);
  const widths = head.map((title, column) => Math.max(title.length, ...body.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}
