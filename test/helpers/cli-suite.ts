import { afterAll, afterEach, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { REDIS_URL, dropPrefix, uniquePrefix } from './redis-prefix.js';

/** What a CLI test file shares: a Redis connection, a scratch folder, and prefixes that are dropped after each test. */
export interface CliSuite {
  readonly redis: Redis;
  readonly dir: string;
  /** A fresh prefix, dropped from Redis after the test. */
  prefix(label: string): string;
}

/**
 * Registers the hooks of a CLI test file: a simulator started by `startSim` (process or in-process), a Redis
 * connection, a scratch folder, and cleanup of every prefix a test took.
 */
export function cliSuite<Sim extends { stop?: () => Promise<void>; close?: () => Promise<void> }>(
  label: string,
  startSim: () => Promise<Sim>,
): CliSuite & { readonly sim: Sim } {
  const state: { sim?: Sim; redis?: Redis; dir?: string } = {};
  const taken: string[] = [];
  beforeAll(async () => {
    state.sim = await startSim();
    state.redis = new Redis(REDIS_URL);
    state.dir = await mkdtemp(join(tmpdir(), `cf-shares-${label}-`));
  });
  afterEach(async () => {
    for (const prefix of taken.splice(0)) await dropPrefix(state.redis!, prefix);
  });
  afterAll(async () => {
    await (state.sim?.stop ?? state.sim?.close)?.call(state.sim);
    state.redis?.disconnect();
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });
  return {
    get sim() {
      return state.sim!;
    },
    get redis() {
      return state.redis!;
    },
    get dir() {
      return state.dir!;
    },
    prefix(name: string) {
      const prefix = uniquePrefix(name);
      taken.push(prefix);
      return prefix;
    },
  };
}
