/**
 * Generation and page-serving speed at foundation scale. Run: `npx tsx src/sim/bench-generate.ts` (prints one JSON
 * line), or call {@link benchGenerate} from the benchmark.
 */
import { pathToFileURL } from 'node:url';
import type { Foundation } from './foundation.js';
import { generateFoundation } from './generate-foundation.js';
import { normaliseOptions, type SimOptions } from './options.js';
import { startSim } from './index.js';

/** Timings of one run. */
export interface GenerateBench {
  generateMs: number;
  startMs: number;
  /** `GET /v3/service_instances?per_page=5000` (first page), over HTTP, admin token. */
  pageMs: number;
  /** `GET /v3/service_instances?per_page=5000&space_guids=<100 spaces>`. */
  spaceFilteredPageMs: number;
  pageBytes: number;
  counts: { instances: number; spaces: number; bindings: number; shares: number };
}

/** Generates a big foundation, starts a simulator on it and times a 5000-item page. */
export async function benchGenerate(
  options: SimOptions = { instances: 100_000, spaces: 10_000, orgs: 200, bindings: 200_000, keys: 20_000 },
): Promise<GenerateBench> {
  const t0 = performance.now();
  let foundation: Foundation | null = generateFoundation(normaliseOptions(options).knobs).foundation;
  const generateMs = performance.now() - t0;
  // Keep only what the page requests need, so startSim's own generation does not compete with this copy.
  const spaces = foundation.spaces
    .slice(0, 100)
    .map((s) => s.guid)
    .join(',');
  let shares = 0;
  for (const si of foundation.instances) shares += si.sharedSpaceGuids.length;
  const counts = {
    instances: foundation.instances.length,
    spaces: foundation.spaces.length,
    bindings: foundation.bindings.length,
    shares,
  };
  foundation = null;
  const t1 = performance.now();
  const sim = await startSim(options);
  const startMs = performance.now() - t1;
  try {
    const token = await fetch(`${sim.url}/uaa/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.credentials.clientId,
        client_secret: sim.credentials.clientSecret,
      }),
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const headers = { Authorization: `bearer ${accessToken}` };
    const t2 = performance.now();
    const page = await fetch(`${sim.url}/v3/service_instances?per_page=5000`, { headers });
    const text = await page.text();
    const pageMs = performance.now() - t2;
    const t3 = performance.now();
    await (await fetch(`${sim.url}/v3/service_instances?per_page=5000&space_guids=${spaces}`, { headers })).text();
    const spaceFilteredPageMs = performance.now() - t3;
    return {
      generateMs: Math.round(generateMs),
      startMs: Math.round(startMs),
      pageMs: Math.round(pageMs),
      spaceFilteredPageMs: Math.round(spaceFilteredPageMs),
      pageBytes: text.length,
      counts,
    };
  } finally {
    await sim.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchGenerate()));
}
