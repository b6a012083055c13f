import { readFileSync } from 'node:fs';
import type { Json } from './sim-client.js';
import { FIXTURES_DIR } from '../../helpers/fixtures-dir.js';

export { FIXTURES_DIR };

/** Loads one fixture as JSON. */
export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, FIXTURES_DIR), 'utf8'));
}

// Free-form maps: their keys are data, not structure.
const FREE_FORM = new Set(['labels', 'annotations', 'attributes', 'rules', 'parameters', 'broker_catalog.metadata']);

/**
 * Key paths present in `expected` (a fixture) but missing from `actual`. Objects recurse; arrays compare the
 * fixture's first element with every element of `actual`; `null` and `"..."` placeholders in the fixture match
 * anything. Extra keys in `actual` are allowed.
 */
export function missingKeys(actual: unknown, expected: unknown, path = '', ignore: string[] = []): string[] {
  if (expected === null || expected === '...' || actual === null) return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path} (expected an array)`];
    if (expected.length === 0) return [];
    return actual.flatMap((item, i) => missingKeys(item, expected[0], `${path}[${i}]`, ignore)).slice(0, 20);
  }
  if (typeof expected !== 'object') return [];
  if (typeof actual !== 'object' || Array.isArray(actual)) return [`${path} (expected an object)`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
    if (key === '...') continue;
    const child = path ? `${path}.${key}` : key;
    const bare = child.replace(/\[\d+\]/g, '');
    if (ignore.includes(bare)) continue;
    if (!(key in (actual as Record<string, unknown>))) {
      out.push(child);
      continue;
    }
    if (FREE_FORM.has(key) || [...FREE_FORM].some((f) => bare.endsWith(f))) continue;
    out.push(...missingKeys((actual as Record<string, unknown>)[key], value, child, ignore));
  }
  return out;
}
