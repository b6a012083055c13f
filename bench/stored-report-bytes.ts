// What one report takes in Redis: the files as text, as stored (compressed), and, when a Redis answers at REDIS_URL,
// MEMORY USAGE of the key the report store writes (under a throwaway prefix, deleted after).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { encodeStoredFiles } from '../src/features/report/stored-file.js';
import { ReportStore } from '../src/features/report/report-store.js';
import type { Report } from '../src/features/report/report-model.js';

export async function storedReportBytes(
  report: Report,
  files: Record<string, string>,
): Promise<{ textBytes: number; storedBytes: number; memoryUsage: number | null }> {
  const textBytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const storedBytes = Object.values(await encodeStoredFiles(files)).reduce((sum, value) => sum + value.length, 0);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  const prefix = `bench-stored-${randomUUID().slice(0, 8)}`;
  try {
    await redis.connect();
    const id = `bench-${randomUUID().slice(0, 8)}`;
    await new ReportStore(redis, prefix).save(
      { id, api: report.api, generatedAt: report.generated_at, shares: 0, findings: 0, requests: 0 },
      files,
    );
    const usage = await redis.memory('USAGE', `{${prefix}}:reports:files:${id}`, 'SAMPLES', 0);
    return { textBytes, storedBytes, memoryUsage: usage === null ? null : Number(usage) };
  } catch {
    return { textBytes, storedBytes, memoryUsage: null };
  } finally {
    const keys = await redis.keys(`{${prefix}}*`).catch(() => []);
    if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
    redis.disconnect();
  }
}
