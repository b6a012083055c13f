#!/usr/bin/env node
// The installed command runs the compiled JavaScript in dist/. CF_SHARES_FROM_SOURCE=1 runs the TypeScript sources
// through tsx instead: for tests and benchmarks in a checkout (tsx is a dev dependency, never needed at run time).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `--version` alone is answered before the CLI and its argument parser load (they take most of the start-up time).
if (process.argv.length === 3 && process.argv[2] === '--version') {
  process.stdout.write(`${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
  process.exit(0);
}
if (process.env.CF_SHARES_FROM_SOURCE) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
} else {
  const built = join(root, 'dist', 'cli.js');
  if (!existsSync(built)) {
    process.stderr.write("cf-shares: not built: run 'npm run build' in this checkout (npm run demo builds first)\n");
    process.exit(1);
  }
  await import(pathToFileURL(built).href);
}
