import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * bull-board's page template without its Google Fonts stylesheet: the dashboard runs next to the admins' Redis,
 * often without Internet access, and a page of ours must not tell a third party who opened it (the UI falls back to
 * system fonts). The template is copied once into a private temporary folder that `remove()` deletes.
 */
export async function offlineBoardViews(): Promise<{ readonly dir: string; remove(): Promise<void> }> {
  const uiDist = join(dirname(resolveUiPackage()), 'dist');
  const template = await readFile(join(uiDist, 'index.ejs'), 'utf8');
  const dir = await mkdtemp(join(tmpdir(), 'cf-shares-dashboard-'));
  await writeFile(join(dir, 'index.ejs'), withoutExternalFonts(template));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Where @bull-board/ui is installed: found from here when npm hoisted it, else from @bull-board/express, which
 * depends on it (an install may nest it there).
 */
function resolveUiPackage(): string {
  const ours = createRequire(import.meta.url);
  try {
    return ours.resolve('@bull-board/ui/package.json');
  } catch {
    return createRequire(ours.resolve('@bull-board/express')).resolve('@bull-board/ui/package.json');
  }
}

/** The template minus every `<link>` to fonts.googleapis.com / fonts.gstatic.com. */
export function withoutExternalFonts(template: string): string {
  return template.replace(/<link\b[^>]*\bhref="https:\/\/fonts\.(?:googleapis|gstatic)\.com[^>]*>\s*/g, '');
}
