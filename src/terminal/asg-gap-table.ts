import { ASG_CHECK_SOURCES, type AsgCheckSource, type AsgGapAccuracy } from '../audit/asg-gap-accuracy.js';
import { textTable } from './text-table.js';

const SOURCE_LABELS: Record<AsgCheckSource, string> = {
  endpoints_file: 'endpoints file',
  credentials: 'credentials',
  inferred: 'inferred',
};

/** Two decimals, rounded down: 0.996 must not read as a perfect 1.00. */
export const ratio = (value: number | null): string =>
  value === null ? '-' : (Math.floor(value * 100) / 100).toFixed(2);

/**
 * The asg_gap precision/recall table of the demo and the benchmark: one row per run and source that checked any
 * share. `expected` is what the truth holds on the shares checked that way.
 */
export function asgGapTable(
  runs: ReadonlyArray<{ readonly label: string; readonly accuracy: AsgGapAccuracy }>,
): string {
  const rows: string[][] = [];
  for (const { label, accuracy } of runs) {
    let first = true;
    for (const source of ASG_CHECK_SOURCES) {
      const score = accuracy.bySource[source];
      if (score.shares === 0 && score.found === 0) continue;
      rows.push([
        first ? label : '',
        SOURCE_LABELS[source],
        String(score.shares),
        String(score.expected),
        String(score.found),
        String(score.correct),
        ratio(score.precision),
        ratio(score.recall),
      ]);
      first = false;
    }
  }
  return textTable(['RUN', 'CHECKED BY', 'SHARES', 'GAPS', 'FOUND', 'RIGHT', 'PRECISION', 'RECALL'], rows);
}
