import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { foundationKey } from '../../../src/core/queue-names.js';
import { ReportStore, type StoredReportMeta } from '../../../src/features/report/report-store.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../../helpers/redis-prefix.js';
import { runCli } from '../../helpers/run-cli.js';

/** Stored reports are compressed in Redis; `reports get` gives back every file byte for byte, old reports too. */
const redis = new Redis(REDIS_URL);
const prefixes: string[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await dropPrefix(redis, prefix);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  redis.disconnect();
});

const API = 'https://api.sys.example.com';

/** Files shaped like a report's: JSON, CSV with CRLF, Markdown with names from the API (non-ASCII, escapes). */
function files(rows: number): Record<string, string> {
  const shares = Array.from({ length: rows }, (_, i) => ({
    instance: { guid: `guid-${i}`, name: `db-${i} ✓ ü 数据库` },
    target: { space_guid: `space-${i % 17}`, space: 'prod\\x1b[31m' },
  }));
  return {
    'report.json': `${JSON.stringify({ schema: 'cf-shares/report@1', shares }, null, 2)}\n`,
    'shares.csv': `instance,space\r\n${shares.map((s) => `${s.instance.guid},${s.target.space_guid}`).join('\r\n')}\r\n`,
    'report.md': `# Report\n\n| name |\n|---|\n${shares.map((s) => `| ${s.instance.name} |`).join('\n')}\n`,
    'diff.json': '{"added":[],"removed":[]}\n',
  };
}

const meta = (id: string, shares: number): StoredReportMeta => ({
  id,
  api: API,
  generatedAt: '2026-12-01T02:00:00.000Z',
  shares,
  findings: 0,
  requests: 1,
});

async function get(prefix: string, id: string): Promise<Record<string, Buffer>> {
  const out = await mkdtemp(join(tmpdir(), 'cf-shares-stored-'));
  dirs.push(out);
  const result = await runCli(['reports', 'get', id, '--out', out], {
    env: { REDIS_URL, CF_SHARES_PREFIX: prefix },
  });
  expect(result.code, result.stderr).toBe(0);
  const read: Record<string, Buffer> = {};
  for (const name of await readdir(out)) read[name] = await readFile(join(out, name));
  return read;
}

const asBytes = (texts: Record<string, string>): Record<string, Buffer> =>
  Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, Buffer.from(text, 'utf8')]));

describe('stored reports', () => {
  it('are kept compressed (binary, with a marker) and read back byte-identical by reports get', async () => {
    const prefix = uniquePrefix('stored');
    prefixes.push(prefix);
    const written = files(2000);
    await new ReportStore(redis, prefix).save(meta('20261201T020000Z-1-abcdef', 2000), written);

    const key = `{${prefix}}:reports:files:20261201T020000Z-1-abcdef`;
    const raw = await redis.hgetBuffer(key, 'report.json');
    expect(raw!.subarray(0, 5).toString('latin1')).toBe('\0cfz1');
    // JSON of a report compresses well: far under a tenth of its text.
    expect(raw!.length).toBeLessThan(Buffer.byteLength(written['report.json']!) / 10);

    expect(await get(prefix, '20261201T020000Z-1-abcdef')).toEqual(asBytes(written));
    expect(await new ReportStore(redis, prefix).latestFile(API, 'shares.csv')).toBe(written['shares.csv']);
  });

  it('stored uncompressed by an earlier version still read, by reports get and as the diff base', async () => {
    const prefix = uniquePrefix('stored-old');
    prefixes.push(prefix);
    const id = '20261101T020000Z-1';
    const old = files(50);
    // Exactly what earlier versions wrote: the files as text in one hash, the meta, both indexes, the latest id.
    const base = `{${prefix}}:reports`;
    await redis
      .multi()
      .hset(`${base}:files:${id}`, old)
      .hset(`${base}:meta`, id, JSON.stringify(meta(id, 50)))
      .zadd(`${base}:index`, Date.parse('2026-11-01T02:00:00Z'), id)
      .zadd(`${base}:index:${foundationKey(API)}`, Date.parse('2026-11-01T02:00:00Z'), id)
      .set(`${base}:latest:${createHash('sha256').update(API).digest('hex').slice(0, 16)}`, id)
      .exec();
    expect(await get(prefix, id)).toEqual(asBytes(old));
    const store = new ReportStore(redis, prefix);
    expect(await store.files(id)).toEqual(old);
    expect(await store.latestFile(API, 'shares.csv')).toBe(old['shares.csv']);
  });
});
