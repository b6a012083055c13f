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
  const require = createRequire(import.meta.url);
  const uiDist = join(dirname(require.resolve('@bull-board/ui/package.json')), 'dist');
  const template = await readFile(join(uiDist, 'index.ejs'), 'utf8');
  const dir = await mkdtemp(join(tmpdir(), 'cf-shares-dashboard-'));
  await writeFile(join(dir, 'index.ejs'), withoutExternalFonts(template));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The template minus every `<link>` to fonts.googleapis.com / fonts.gstatic.com. */
export function withoutExternalFonts(template: string): string {
  return template.replace(/<link\b[^>]*\bhref="https:\/\/fonts\.(?:googleapis|gstatic)\.com[^>]*>\s*/g, '');
}
