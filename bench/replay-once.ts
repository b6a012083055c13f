/**
 * The floor of a crawl: GETs exactly the URLs a crawl sent (bench/crawl-once.ts writes them), with the same number in
 * flight and no pacing, and JSON.parses each body; nothing else. Prints one JSON line: requests, wall time, rows CC
 * rendered (a page's `resources`, a relationship's `data`, else 1 for a single resource or an error) and body bytes.
 * Usage: node --import tsx bench/replay-once.ts <api> <clientId> <clientSecret> <urlsFile> [inFlight=8]
 */
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { simAuthorization } from './sim-token.js';

const [api, clientId, clientSecret, urlsFile, inFlight = '8'] = process.argv.slice(2);
if (!api || !clientId || !clientSecret || !urlsFile)
  throw new Error('usage: replay-once <api> <clientId> <clientSecret> <urlsFile> [inFlight]');
const urls = readFileSync(urlsFile, 'utf8').split('\n').filter(Boolean);

const headers = { Authorization: await simAuthorization(api, clientId, clientSecret), Accept: 'application/json' };

let rows = 0;
let bytes = 0;
const limit = pLimit(Number(inFlight));
const started = performance.now();
await Promise.all(
  urls.map((url) =>
    limit(async () => {
      const response = await fetch(url, { headers });
      const text = await response.text();
      // A 4xx the crawl meets is an answer it handles (a proxy's unreadable parameters is a 409); a 5xx is not.
      if (response.status >= 500) throw new Error(`GET ${url}: ${response.status}`);
      bytes += Buffer.byteLength(text);
      const body = JSON.parse(text) as { resources?: unknown[]; data?: unknown };
      rows += body.resources?.length ?? (Array.isArray(body.data) ? body.data.length : 1);
    }),
  ),
);
console.log(JSON.stringify({ requests: urls.length, wallMs: Math.round(performance.now() - started), rows, bytes }));
