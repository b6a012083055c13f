import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Folders that features build on: they must know no feature. */
const BELOW_FEATURES = ['core', 'terminal', 'client', 'audit', 'crawl', 'config'];

/** `features/<name>` for a feature, the top-level folder otherwise, and the file itself for a module in src/. */
export function nodeOf(pathInSrc: string): string {
  const parts = pathInSrc.split(/[\\/]/);
  if (parts[0] === 'features' && parts.length > 2) return `features/${parts[1]}`;
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
}

/** Relative module specifiers of a source text: static imports, re-exports, dynamic and type-position imports. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g))
    specs.push(match[1]!);
  return specs;
}

/** Folder-level graph: an edge from each node to every other node one of its files imports. */
export function folderGraph(files: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [path, text] of files) {
    const from = nodeOf(path);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const spec of importsOf(text)) {
      const target = relative('.', join(dirname(path), spec))
        .split(sep)
        .join('/');
      const to = nodeOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** One cycle of the graph as a path that ends where it starts, or undefined when there is none. */
export function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

function sourceFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = resolve(entry.parentPath, entry.name);
    files.set(relative(dir, full).split(sep).join('/'), readFileSync(full, 'utf8'));
  }
  return files;
}

describe('folder-level import graph of src/', () => {
  const graph = folderGraph(sourceFiles(SRC));

  it('sees the layout (features and the folders below them)', () => {
    expect([...graph.keys()]).toEqual(
      expect.arrayContaining(['cli', 'core', 'terminal', 'features/report', 'features/campaign', 'features/worker']),
    );
    expect(graph.get('cli')).toContain('features/report');
  });

  it('has no cycle', () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  it.each(BELOW_FEATURES)('%s imports no feature', (folder) => {
    expect([...(graph.get(folder) ?? [])].filter((to) => to.startsWith('features/'))).toEqual([]);
  });

  it('finds a cycle when there is one, and none when there is not', () => {
    const cyclic = folderGraph(
      new Map([
        ['core/a.ts', "import { b } from '../features/x/b.js';"],
        ['features/x/b.ts', "import { c } from '../y/c.js';"],
        ['features/y/c.ts', "export { a } from '../../core/a.js';"],
      ]),
    );
    expect(findCycle(cyclic)).toEqual(['core', 'features/x', 'features/y', 'core']);
    const acyclic = folderGraph(
      new Map([
        ['features/x/b.ts', "const c = await import('../y/c.js');"],
        ['features/y/c.ts', "import type { A } from '../../core/a.js';"],
        ['core/a.ts', "import { log } from '../log.js';"],
      ]),
    );
    expect(acyclic.get('features/x')).toEqual(new Set(['features/y']));
    expect(findCycle(acyclic)).toBeUndefined();
  });
});
