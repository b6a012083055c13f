import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offlineBoardViews } from '../../../src/features/dashboard/offline-board-views.js';

describe('offlineBoardViews', () => {
  it("copies bull-board's installed template without its Google Fonts link, and removes the copy", async () => {
    const views = await offlineBoardViews();
    const template = await readFile(join(views.dir, 'index.ejs'), 'utf8');
    expect(template).not.toMatch(/fonts\.(googleapis|gstatic)\.com/);
    expect(template).not.toMatch(/https?:\/\//);
    expect(template).toMatch(/static\/css\/main\.[0-9a-f]+\.css/);
    await views.remove();
    await expect(readFile(join(views.dir, 'index.ejs'))).rejects.toThrow(/ENOENT/);
  });
});
