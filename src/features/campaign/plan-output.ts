import { randomBytes } from 'node:crypto';
import { access, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../usage-error.js';
import { writeReportFiles } from '../report/write-files.js';
import type { PlanFile } from './plan-file.js';
import { renderPlanFiles } from './render-plan-files.js';

const reason = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);

/**
 * Makes sure `--out DIR` can take the plan before anything else happens: a crawl of a large foundation takes
 * minutes, and a plan that cannot be saved cannot go through change approval. Creates the folder, writes and
 * removes a probe file (access() is not enough: root passes it on a read-only mount), and refuses a folder that
 * already holds a plan.json, so an approved plan is never overwritten.
 */
export async function preparePlanDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--out ${dir} cannot be created (${reason(error)}): nothing was done`);
  }
  const exists = await access(join(dir, 'plan.json')).then(
    () => true,
    () => false,
  );
  if (exists)
    throw new UsageError(`--out ${dir} already holds a plan.json: choose another folder, an approved plan stays as is`);
  const probe = join(dir, `.cf-shares-probe-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '');
    await unlink(probe);
  } catch (error) {
    throw new UsageError(`--out ${dir} is not writable (${reason(error)}): nothing was done`);
  }
}

/** Writes plan.json, plan.csv and plan.md into `dir`; returns their paths. */
export function writePlanFiles(dir: string, plan: PlanFile): Promise<string[]> {
  return writeReportFiles(dir, renderPlanFiles(plan));
}
