import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirectory } from '../../core/output-dir.js';

/** Writes a report's files into `dir` (created if needed) and returns their paths. */
export async function writeReportFiles(dir: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  // Not mkdir's `recursive`: on procfs and dangling links Node's recursive mkdir never settles (issue 12).
  await makeDirectory(dir);
  const paths: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    // Names come from our own renderer, never from the API; refuse anything that could leave the folder anyway.
    if (name.includes('/') || name.includes('\\') || name.startsWith('.'))
      throw new Error(`refusing to write report file '${name}'`);
    const path = join(dir, name);
    await writeFile(path, content);
    paths.push(path);
  }
  return paths;
}
