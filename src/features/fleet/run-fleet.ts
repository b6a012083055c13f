import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fleet } from '../../config/fleet-file.js';
import { countAtOrAbove, type Severity } from '../../audit/findings.js';
import { checkOutputDir, makeDirectory } from '../../core/output-dir.js';
import { withRedis } from '../../core/with-redis.js';
import { fleetRows, storedFoundations, type FleetFoundation, type FleetRow } from './fleet-rows.js';
import { renderFleetCsv, renderFleetJson } from './render-fleet.js';

export interface RunFleetOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** The fleet file, or undefined: every foundation with a stored report. */
  readonly fleet?: Fleet;
  /** Only these foundations of the fleet file. */
  readonly names?: readonly string[];
  readonly maxAgeMs: number;
  /** Folder for fleet.json and fleet.csv. */
  readonly out?: string;
  readonly now?: Date;
}

/** What the fleet view found, and what of it fails `--fail-on`. */
export interface FleetOutcome {
  readonly generatedAt: string;
  readonly rows: FleetRow[];
  /** Paths written under --out. */
  readonly written: string[];
}

/** Builds the rows, and with `--out` writes fleet.json and fleet.csv (the folder checked before Redis is read). */
export async function runFleet(options: RunFleetOptions): Promise<FleetOutcome> {
  if (options.out !== undefined) await checkOutputDir(options.out);
  const now = options.now ?? new Date();
  const rows = await withRedis(
    options.redisUrl,
    async (redis) => {
      const foundations: FleetFoundation[] = options.fleet
        ? options.fleet.foundations
            .filter((entry) => !options.names?.length || options.names.includes(entry.name))
            .map(({ name, api }) => ({ name, api }))
        : await storedFoundations(redis, options.prefix);
      return fleetRows(redis, options.prefix, foundations, { now, maxAgeMs: options.maxAgeMs });
    },
    { check: true },
  );
  const generatedAt = now.toISOString();
  const written: string[] = [];
  if (options.out !== undefined) {
    await makeDirectory(options.out);
    for (const [name, content] of [
      ['fleet.json', `${renderFleetJson(rows, generatedAt)}\n`],
      ['fleet.csv', renderFleetCsv(rows)],
    ] as const) {
      await writeFile(join(options.out, name), content);
      written.push(join(options.out, name));
    }
  }
  return { generatedAt, rows, written };
}

/**
 * Why `fleet --fail-on` fails, one reason per foundation: findings at the threshold or worse, and also a stale or
 * missing report, since a gate must not pass on a picture it does not have (a nightly run that stopped would
 * otherwise look clean forever).
 */
export function fleetFailures(rows: readonly FleetRow[], threshold: Severity): string[] {
  const reasons: string[] = [];
  for (const row of rows) {
    if (row.findings === null) reasons.push(`${row.foundation}: no report yet`);
    else {
      const over = countAtOrAbove(row.findings, threshold);
      if (over > 0) reasons.push(`${row.foundation}: ${over} finding(s) at ${threshold} or worse`);
      if (row.stale) reasons.push(`${row.foundation}: latest report is stale (${row.report_at})`);
    }
  }
  return reasons;
}
