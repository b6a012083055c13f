import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkOutputDir, makeDirectory } from '../../src/core/output-dir.js';
import { UsageError } from '../../src/usage-error.js';

const scratch: string[] = [];
async function fresh(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-shares-output-dir-'));
  scratch.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('checkOutputDir', () => {
  it('accepts a missing folder, proves it writable, and leaves nothing behind', async () => {
    const dir = await fresh();
    await checkOutputDir(join(dir, 'a', 'b'));
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves an existing folder as it was', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'keep.txt'), 'x');
    await checkOutputDir(dir);
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });

  it('refuses /proc at once, instead of spinning in a recursive mkdir', async () => {
    const error = await checkOutputDir('/proc/cf-shares-x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^cannot write to --out \/proc\/cf-shares-x: it is on /);
  });

  it('names a file in the way, and the option it came from', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'file'), '');
    const error = await checkOutputDir(join(dir, 'file', 'sub'), '--reports-dir').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `cannot write to --reports-dir ${join(dir, 'file', 'sub')}: '${join(dir, 'file')}' is a file, not a folder`,
    );
  });
});

describe('makeDirectory', () => {
  it('makes every missing folder and says which it made', async () => {
    const dir = await fresh();
    const made = await makeDirectory(join(dir, 'x', 'y'));
    expect(made).toEqual([join(dir, 'x'), join(dir, 'x', 'y')]);
    expect((await stat(join(dir, 'x', 'y'))).isDirectory()).toBe(true);
    expect(await makeDirectory(join(dir, 'x', 'y'))).toEqual([]);
  });

  it('fails on procfs instead of looping', async () => {
    await expect(makeDirectory('/proc/cf-shares-x/y')).rejects.toThrow();
  });
});
