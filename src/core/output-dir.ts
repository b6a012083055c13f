import { mkdir, rm, rmdir, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../usage-error.js';

/**
 * Kernel file systems where no report can live. procfs answers ENOENT to a mkdir of any new name, which sends
 * Node's own `mkdir(…, { recursive: true })` into an endless loop in C++ (issue 12: `report --out /proc/x` spun at
 * 85% CPU and never settled); they are refused by type before anything is created.
 */
const KERNEL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpffs'],
  [0x27e0eb, 'cgroupfs'],
  [0x63677270, 'cgroup2fs'],
]);

/** Why a folder cannot take files, for the one line a person reads; undefined for an error we do not name. */
function reasonOf(error: NodeJS.ErrnoException, path: string): string | undefined {
  switch (error.code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return `'${path}' is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    case 'ENOENT':
      return `'${path}' does not exist and cannot be created (a dangling link?)`;
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return error.code;
  }
}

/**
 * `mkdir -p` that always ends: creates `dir` and its missing parents, one level at a time, and gives up when a
 * parent that exists (or was just made) still cannot take the child. Node's recursive mkdir retries that case
 * forever on procfs and on dangling links (nodejs/node: the walk steps back on ENOENT and forward on EEXIST).
 *
 * @returns The folders it created, parents first (empty when `dir` was there).
 */
export async function makeDirectory(dir: string): Promise<string[]> {
  const path = resolve(dir);
  try {
    await mkdir(path);
    return [path];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(path)).isDirectory()) return [];
      throw error;
    }
    if (code !== 'ENOENT' || dirname(path) === path) throw error;
  }
  const created = await makeDirectory(dirname(path));
  // The parent is there now: a second ENOENT is final, never a reason to walk back up.
  try {
    await mkdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(path)).isDirectory()) return created;
    throw error;
  }
  return [...created, path];
}

/** The nearest part of `dir` (itself or a parent) that exists and is not a folder: what stands in the way. */
async function fileInTheWay(dir: string): Promise<string> {
  let path = resolve(dir);
  for (;;) {
    const found = await stat(path).catch(() => undefined);
    const parent = dirname(path);
    if ((found && !found.isDirectory()) || parent === path) return path;
    path = parent;
  }
}

/** The kernel file system `dir` (or its nearest existing parent) lives on, if it is one. */
async function kernelFileSystemOf(dir: string): Promise<string | undefined> {
  let path = resolve(dir);
  for (;;) {
    try {
      return KERNEL_FILE_SYSTEMS.get((await statfs(path)).type);
    } catch (error) {
      const parent = dirname(path);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) return undefined;
      path = parent;
    }
  }
}

/**
 * Makes sure files can be written into `dir` before any work that would produce them: refuses kernel file systems,
 * creates the folder if it is missing, then writes and removes a probe file (permissions alone say nothing for
 * root, and nothing at all for a read-only mount). Folders it created are removed again, so a run that fails later
 * leaves no empty folder behind; the writer creates them for real. Throws a {@link UsageError} (exit 2) naming the option, the
 * folder and the reason. `report`, `export`, `reports get` and `campaign report` check their `--out` with it.
 *
 * @param option - The flag the folder came from, for the message. @defaultValue '--out'
 */
export async function checkOutputDir(dir: string, option = '--out'): Promise<void> {
  const refuse = (reason: string): never => {
    throw new UsageError(`cannot write to ${option} ${dir}: ${reason}`);
  };
  const kernel = await kernelFileSystemOf(dir);
  if (kernel) refuse(`it is on ${kernel}, the kernel's view of the system, where files cannot be stored`);
  try {
    const created = await makeDirectory(dir);
    const probe = join(dir, `.cf-shares-probe-${process.pid}`);
    try {
      await writeFile(probe, '');
      await rm(probe, { force: true });
    } finally {
      for (const folder of created.reverse()) await rmdir(folder).catch(() => undefined);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const path = code === 'ENOTDIR' || code === 'EEXIST' ? await fileInTheWay(dir) : dir;
    const reason = reasonOf(error as NodeJS.ErrnoException, path);
    if (reason === undefined) throw error;
    refuse(reason);
  }
}
