import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * The CC docs' example bodies, in ../shared/fixtures/cc-docs beside the repo (or CF_SHARES_FIXTURES). Fails loudly
 * when missing, so a checkout without shared/ says why instead of failing every request with a stray status.
 */
function fixturesDir(): URL {
  const override = process.env.CF_SHARES_FIXTURES;
  const dir = override
    ? pathToFileURL(override.endsWith('/') ? override : `${override}/`)
    : new URL('../../../shared/fixtures/cc-docs/', import.meta.url);
  if (!existsSync(dir)) {
    throw new Error(
      `CC docs fixtures not found at ${dir.pathname}: check out cf-shares beside shared/ (../shared) or set CF_SHARES_FIXTURES`,
    );
  }
  return dir;
}

export const FIXTURES_DIR = fixturesDir();
