/**
 * What moving a crawl's GETs costs in memory with no crawl at all: the URLs a crawl sent (bench/crawl-once.ts writes
 * them), 8 in flight, each body read and dropped, through the client's transport (got) or through node:http with a
 * keep-alive agent. Prints one JSON line: peak RSS and the young generation's largest size (V8's new space, sampled
 * every 5 ms), so a crawl's peak can be told apart from its HTTP client's.
 * Usage: node --import tsx bench/transfer-once.ts <client|node-http> <api> <clientId> <clientSecret> <urlsFile> [filter]
 * where `filter` keeps only the URLs that contain it (`shared_spaces`: the crawl's one-per-shared-instance reads).
 */
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { getHeapSpaceStatistics } from 'node:v8';
import pLimit from 'p-limit';
import { createCfClient } from '../src/client/index.js';
import { simAuthorization } from './sim-token.js';

const [via, api, clientId, clientSecret, urlsFile, filter = ''] = process.argv.slice(2);
if ((via !== 'client' && via !== 'node-http') || !api || !clientId || !clientSecret || !urlsFile)
  throw new Error('usage: transfer-once <client|node-http> <api> <clientId> <clientSecret> <urlsFile> [filter]');
const urls = readFileSync(urlsFile, 'utf8')
  .split('\n')
  .filter((url) => url !== '' && url.includes(filter));

// Created either way, so both processes load the same code and differ only in how the GETs are sent.
const client = await createCfClient({
  api,
  auth: { clientId, clientSecret },
  pacing: { readsPerSecond: 0, maxInFlight: 8 },
});
const authorization = await simAuthorization(api, clientId, clientSecret);

let youngMb = 0;
const sampler = setInterval(() => {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  youngMb = Math.max(youngMb, Math.round((space?.physical_space_size ?? 0) / 2 ** 20));
}, 5);

const agent = new Agent({ keepAlive: true });
function nodeHttp(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: { authorization, accept: 'application/json' } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve(bytes));
      response.on('error', reject);
    }).on('error', reject);
  });
}
async function viaClient(url: string): Promise<number> {
  let bytes = 0;
  await client.transport.request({
    method: 'GET',
    path: url,
    throwHttpErrors: false,
    parseBody: (body) => {
      bytes = body.length;
      return null;
    },
  });
  return bytes;
}

const limit = pLimit(8);
const started = performance.now();
const sizes = await Promise.all(urls.map((url) => limit(() => (via === 'client' ? viaClient(url) : nodeHttp(url)))));
const wallMs = Math.round(performance.now() - started);
clearInterval(sampler);
agent.destroy();
await client.close();
console.log(
  JSON.stringify({
    via,
    requests: urls.length,
    bytes: sizes.reduce((a, b) => a + b, 0),
    wallMs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    youngGenerationMb: youngMb,
  }),
);
