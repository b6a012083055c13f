import { readFile } from 'node:fs/promises';
import { parseEndpointsFile } from '../audit/endpoints-file.js';
import { UsageError } from '../usage-error.js';

/** Reads and checks an `--endpoints` file now, so a typo fails the command (exit 2) instead of a job later. */
export async function loadEndpointsFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --endpoints ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    parseEndpointsFile(text);
  } catch (error) {
    throw new UsageError(`--endpoints ${path}: ${(error as Error).message}`);
  }
  return text;
}
