import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The code and style report.html inlines: cytoscape, the page's own script, its stylesheet. */
export interface PageAssets {
  readonly cytoscape: string;
  readonly script: string;
  readonly style: string;
}

let loaded: PageAssets | undefined;

/**
 * Reads the assets once per process. The page's script and style live in `assets/report-html/` at the package root
 * (shipped through package.json "files"): four folders up from this module both in src/ (tsx) and in dist/, so one
 * path serves tests and the installed package. Cytoscape's minified build comes from node_modules, the version the
 * lockfile pins, so the page never fetches it from a CDN.
 */
export function pageAssets(): PageAssets {
  if (loaded) return loaded;
  const root = new URL('../../../../assets/report-html/', import.meta.url);
  const read = (path: string): string => {
    const text = readFileSync(path, 'utf8');
    // Inline in a <script> or <style>, this would end the element early: refuse rather than ship a broken page.
    if (/<\/(script|style)/i.test(text)) throw new Error(`${path} contains a closing script or style tag`);
    return text;
  };
  loaded = {
    cytoscape: read(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js')),
    script: read(fileURLToPath(new URL('page.js', root))),
    style: read(fileURLToPath(new URL('page.css', root))),
  };
  return loaded;
}
