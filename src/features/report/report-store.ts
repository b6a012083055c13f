import { createHash } from 'node:crypto';
import type { RedisClient } from '../../core/redis-connection.js';
import { bullPrefix, foundationKey, foundationPrefix } from '../../core/queue-names.js';
import { execGroups } from '../../core/exec-groups.js';
import { decodeStoredFile, decodeStoredFiles, encodeStoredFiles } from './stored-file.js';
import { DEFAULTS } from '../../core/defaults.js';
import { fileSafeId } from '../../core/time-id.js';

/** What the store keeps about one report besides its files. */
export interface StoredReportMeta {
  readonly id: string;
  readonly api: string;
  readonly generatedAt: string;
  readonly shares: number;
  readonly findings: number;
  readonly requests: number;
}

/**
 * Reports live in Redis, not on a worker's disk, so any machine sharing the Redis can list and fetch them. The
 * newest `keep` reports OF EACH FOUNDATION are kept; older ones are deleted, so one foundation's nightly runs never
 * prune another's latest report (and its next diff). Files are stored compressed (`stored-file.ts`); files stored as
 * text by earlier versions read as before.
 *
 * Where the keys live: the index and metadata under the prefix's hash tag, so listings need no foundation; a
 * report's files (nearly all the bytes) under its foundation's (`foundationPrefix`): on one Redis that is the same
 * `{prefix}` as ever, on a Redis Cluster `{prefix:foundation}`, so foundations' reports spread over the cluster.
 */
export class ReportStore {
  private readonly base: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly keep: number = DEFAULTS.keptReports,
  ) {
    this.base = `${bullPrefix(prefix)}:reports`;
  }

  private filesKey(api: string, id: string): string {
    return `${foundationPrefix(this.prefix, api, this.redis)}:reports:files:${id}`;
  }

  private latestKey(api: string): string {
    return `${this.base}:latest:${createHash('sha256').update(api).digest('hex').slice(0, 16)}`;
  }

  private foundationIndex(api: string): string {
    return `${this.base}:index:${foundationKey(api)}`;
  }

  /**
   * Saves a report's files and makes it the latest of its foundation: files first, then the entries that make it
   * visible (one transaction on a single Redis, two on a cluster), so no listed report lacks its files.
   */
  async save(meta: StoredReportMeta, files: Readonly<Record<string, string>>): Promise<void> {
    const stored = await encodeStoredFiles(files);
    await execGroups(this.redis, [
      (multi) => multi.hset(this.filesKey(meta.api, meta.id), stored),
      (multi) =>
        multi
          .hset(`${this.base}:meta`, meta.id, JSON.stringify(meta))
          .zadd(`${this.base}:index`, Date.parse(meta.generatedAt), meta.id)
          .zadd(this.foundationIndex(meta.api), Date.parse(meta.generatedAt), meta.id)
          .set(this.latestKey(meta.api), meta.id),
    ]).catch((error: Error) => {
      // A report whose files were not stored must fail.
      throw new Error(`storing report ${meta.id} in Redis failed: ${error.message}`);
    });
    await this.prune(meta.api);
  }

  /**
   * The newest reports first, of every foundation or of one (all of them: a run with a larger --keep may have kept
   * more than this store's keep).
   */
  async list(limit = -1, api?: string): Promise<StoredReportMeta[]> {
    const index = api === undefined ? `${this.base}:index` : this.foundationIndex(api);
    const ids = await this.redis.zrevrange(index, 0, limit < 0 ? -1 : limit - 1);
    if (ids.length === 0) return [];
    const metas = await this.redis.hmget(`${this.base}:meta`, ...ids);
    return metas.filter((text): text is string => text !== null).map((text) => JSON.parse(text) as StoredReportMeta);
  }

  /** A report's files, or undefined when there is no such report (or it was pruned). See {@link resolve}. */
  async files(id: string): Promise<Record<string, string> | undefined> {
    const stored = await this.resolve(id);
    if (stored === undefined) return undefined;
    const meta = await this.redis.hget(`${this.base}:meta`, stored);
    if (meta === null) return undefined;
    const files = await this.redis.hgetallBuffer(this.filesKey((JSON.parse(meta) as StoredReportMeta).api, stored));
    return Object.keys(files).length === 0 ? undefined : decodeStoredFiles(files);
  }

  /**
   * The stored id `id` names: itself, or a report stored before ids were made file-safe whose id (with the colons of
   * a scheduled job, `…Z-repeat:nightly:<ms>`) reads `id` once made safe. Both spellings keep working.
   */
  async resolve(id: string): Promise<string | undefined> {
    if (await this.redis.hexists(`${this.base}:meta`, id)) return id;
    if (fileSafeId(id) !== id) return undefined;
    // Old ids sort by time like new ones: look only at those of the same second.
    const second = id.split('-')[0] ?? id;
    const candidates = await this.redis.hkeys(`${this.base}:meta`);
    return candidates.find((stored) => stored.startsWith(second) && stored !== id && fileSafeId(stored) === id);
  }

  /** One file of the latest report of a foundation, for the diff against the previous night. */
  async latestFile(api: string, name: string): Promise<string | undefined> {
    const id = await this.redis.get(this.latestKey(api));
    if (!id) return undefined;
    const stored = await this.redis.hgetBuffer(this.filesKey(api, id), name);
    return stored === null ? undefined : decodeStoredFile(stored);
  }

  private async prune(api: string): Promise<void> {
    const old = await this.redis.zrange(this.foundationIndex(api), 0, String(-(this.keep + 1)));
    if (old.length === 0) return;
    // Out of the index first, then the files: a reader never finds a listed report without its files.
    await execGroups(this.redis, [
      (multi) =>
        multi
          .zrem(`${this.base}:index`, ...old)
          .zrem(this.foundationIndex(api), ...old)
          .hdel(`${this.base}:meta`, ...old),
      (multi) => multi.del(...old.map((id) => this.filesKey(api, id))),
    ]);
  }
}
