/**
 * Where a crawl's memory goes, by phase: samples `process.memoryUsage()` every 10 ms, and collects garbage at the
 * start of each phase to measure what is live then. Needs `--expose-gc` and a running simulator:
 *   npm exec -- node --expose-gc --import tsx bench/crawl-memory.ts <api> <clientId> <clientSecret>
 * Prints one JSON line (MB).
 */
import { createCfClient } from '../src/client/index.js';
import { crawlFoundation } from '../src/crawl/crawl-foundation.js';

const [api, clientId, clientSecret] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!api || !clientId || !clientSecret || !gc)
  throw new Error('usage: node --expose-gc --import tsx bench/crawl-memory.ts <api> <clientId> <clientSecret>');

const mb = (n: number): number => Math.round(n / 2 ** 20);
let phase = 'login';
const liveAtStart: Record<string, number> = {};
const peaks: Record<string, { heapUsed: number; arrayBuffers: number; rss: number }> = {};
const timer = setInterval(() => {
  const m = process.memoryUsage();
  const p = (peaks[phase] ??= { heapUsed: 0, arrayBuffers: 0, rss: 0 });
  p.heapUsed = Math.max(p.heapUsed, mb(m.heapUsed));
  p.arrayBuffers = Math.max(p.arrayBuffers, mb(m.arrayBuffers));
  p.rss = Math.max(p.rss, mb(m.rss));
}, 10);
gc();
const startRss = mb(process.memoryUsage().rss);
const client = await createCfClient({
  api,
  auth: { clientId, clientSecret },
  pacing: { readsPerSecond: 0, maxInFlight: 8 },
});
const { snapshot } = await crawlFoundation(client, api, {
  onProgress: (step) => {
    if (step !== phase) {
      gc();
      liveAtStart[step] = mb(process.memoryUsage().heapUsed);
    }
    phase = step;
  },
});
clearInterval(timer);
gc();
console.log(
  JSON.stringify({
    startRss,
    liveHeapAtStartOf: liveAtStart,
    peaksByPhase: peaks,
    liveHeapAtEnd: mb(process.memoryUsage().heapUsed),
    maxRss: Math.round(process.resourceUsage().maxRSS / 1024),
    shares: snapshot.shares.length,
  }),
);
await client.close();
