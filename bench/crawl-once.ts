/**
 * One crawl of a running simulator with one strategy (the report's full crawl, or the naive share scan), in its own process so its peak RSS is its own. Prints one
 * JSON line. With a fifth argument, also writes the URL of every GET the crawl sent to that file, one a line (for
 * bench/replay-once.ts). Usage: node --import tsx bench/crawl-once.ts <batched|naive> <api> <clientId> <clientSecret> [urlsFile]
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { createCfClient, type CfClient } from '../src/client/index.js';
import { crawlFoundation } from '../src/crawl/crawl-foundation.js';

const [strategy, api, clientId, clientSecret, urlsFile] = process.argv.slice(2);
if (!strategy || !api || !clientId || !clientSecret)
  throw new Error('usage: crawl-once <batched|naive> <api> <clientId> <clientSecret> [urlsFile]');

/** What the docs' script and most hand-written tools do: ask every managed instance for its shared spaces. */
async function naiveShares(client: CfClient): Promise<number> {
  const limit = pLimit(8);
  const instances = await client.serviceInstances.listAll({ type: 'managed' });
  const counts = await Promise.all(
    instances.map((i) => limit(async () => (await client.serviceInstances.listSharedSpaces(i.guid)).data.length)),
  );
  return counts.reduce((a, b) => a + b, 0);
}

// Every GET as node:http sends it (got sits on node:http), so the list is exactly what went over the wire.
const origin = new URL(api).origin;
const urls: string[] = [];
if (urlsFile)
  subscribe('http.client.request.start', (message) => {
    const request = (message as { request: ClientRequest }).request;
    if (request.method === 'GET') urls.push(origin + request.path);
  });

// Admin identities are exempt from CC's rate limiter; the in-flight cap is what bounds the load on CC here.
const client = await createCfClient({
  api,
  auth: { clientId, clientSecret },
  pacing: { readsPerSecond: 0, maxInFlight: 8 },
});
urls.length = 0; // login's discovery GETs are not the crawl's
const before = client.requestCount;
const started = performance.now();
const shares =
  strategy === 'naive' ? await naiveShares(client) : (await crawlFoundation(client, api)).snapshot.shares.length;
const wallMs = performance.now() - started;
if (urlsFile) writeFileSync(urlsFile, urls.join('\n'));
console.log(
  JSON.stringify({
    strategy,
    shares,
    requests: client.requestCount - before,
    wallMs: Math.round(wallMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
