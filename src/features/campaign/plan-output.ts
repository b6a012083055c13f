import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../usage-error.js';
import { checkOutputDir } from '../../core/output-dir.js';
import { writeReportFiles } from '../report/write-files.js';
import type { PlanFile } from './plan-file.js';
import { renderPlanFiles } from './render-plan-files.js';

/**
 * Makes sure `--out DIR` can take the plan before anything else happens: a crawl of a large foundation takes
 * minutes, and a plan that cannot be saved cannot go through change approval. The folder is checked as every `--out`
 * is (`checkOutputDir`), and one that already holds a plan.json is refused, so an approved plan is never overwritten.
 */
export async function preparePlanDir(dir: string): Promise<void> {
  await checkOutputDir(dir);
  const exists = await access(join(dir, 'plan.json')).then(
    () => true,
    () => false,
  );
  if (exists)
    throw new UsageError(`--out ${dir} already holds a plan.json: choose another folder, an approved plan stays as is`);
}

/** Writes plan.json, plan.csv and plan.md into `dir`; returns their paths. */
export function writePlanFiles(dir: string, plan: PlanFile): Promise<string[]> {
  return writeReportFiles(dir, renderPlanFiles(plan));
}
