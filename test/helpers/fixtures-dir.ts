import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * The CC docs' example bodies, kept in the repository (test/fixtures/cc-docs, see its NOTICE.md) so a plain clone runs
 * every test; CF_SHARES_FIXTURES points elsewhere (e.g. a newer copy). Fails loudly when missing.
 */
function fixturesDir(): URL {
  const override = process.env.CF_SHARES_FIXTURES;
  const dir = override
    ? pathToFileURL(override.endsWith('/') ? override : `${override}/`)
    : new URL('../fixtures/cc-docs/', import.meta.url);
  if (!existsSync(dir)) {
    throw new Error(
      `CC docs fixtures not found at ${dir.pathname}: restore test/fixtures/cc-docs or set CF_SHARES_FIXTURES`,
    );
  }
  return dir;
}

export const FIXTURES_DIR = fixturesDir();
