/**
 * What outlives a scavenge during a crawl, by phase and allocation stack: the objects that make V8 grow its young
 * generation. Every 150 ms it samples allocations (inspector's sampling heap profiler), forces a minor collection,
 * and keeps the samples still alive. Needs `--expose-gc` and a running simulator:
 *   npm exec -- node --expose-gc --import tsx bench/crawl-survivors.ts <api> <clientId> <clientSecret>
 * Prints MB sampled per phase, then the heaviest stacks.
 */
import { Session } from 'node:inspector/promises';
import { createCfClient } from '../src/client/index.js';
import { crawlFoundation } from '../src/crawl/crawl-foundation.js';

const [api, clientId, clientSecret] = process.argv.slice(2);
const gc = (globalThis as { gc?: (options: { type: 'minor'; execution: 'sync' }) => void }).gc;
if (!api || !clientId || !clientSecret || !gc)
  throw new Error('usage: node --expose-gc --import tsx bench/crawl-survivors.ts <api> <clientId> <clientSecret>');

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}
const frameName = (node: ProfileNode): string =>
  `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/.*(node_modules|src)\//, '$1/')}:${node.callFrame.lineNumber}`;

const session = new Session();
session.connect();
const client = await createCfClient({
  api,
  auth: { clientId, clientSecret },
  pacing: { readsPerSecond: 0, maxInFlight: 8 },
});
const byStack = new Map<string, number>();
const byPhase = new Map<string, number>();
let phase = 'login';
let crawling = true;
const sampler = (async () => {
  while (crawling) {
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    gc({ type: 'minor', execution: 'sync' });
    const { profile } = await session.post('HeapProfiler.getSamplingProfile');
    await session.post('HeapProfiler.stopSampling');
    const walk = (node: ProfileNode, path: string[]): void => {
      const here = [...path, frameName(node)];
      if (node.selfSize > 0) {
        const stack = here.filter((frame) => !/^\((anonymous|root)\) :|processTicksAndRejections/.test(frame));
        const key = `${phase} | ${stack.slice(-4).reverse().join(' < ')}`;
        byStack.set(key, (byStack.get(key) ?? 0) + node.selfSize);
        byPhase.set(phase, (byPhase.get(phase) ?? 0) + node.selfSize);
      }
      for (const child of node.children) walk(child, here);
    };
    walk(profile.head as unknown as ProfileNode, []);
  }
})();
await crawlFoundation(client, api, { onProgress: (step) => (phase = step) });
crawling = false;
await sampler;
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
console.log(
  `survivors sampled, MB by phase: ${[...byPhase].map(([name, bytes]) => `${name} ${mb(bytes)}`).join(', ')}`,
);
for (const [stack, bytes] of [...byStack].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(mb(bytes), stack);
await client.close();
