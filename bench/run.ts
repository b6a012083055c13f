/**
 * `npm run bench`: speed and request-count figures, printed with ratios. Goals live here, never in timed tests.
 *   BENCH_SCALE=small npm run bench    for a quick run (10k instances)
 *   BENCH_ONLY=crawl npm run bench     only the report crawl against its floor: wall time ratio and peak RSS
 *   BENCH_COMPILED=1 npm run bench     crawl and floor processes run compiled JavaScript (tsc), without tsx, as the
 *                                      installed tool runs dist/
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchGenerate } from '../src/sim/bench-generate.js';
import { CATALOG } from '../src/sim/catalog.js';
import { createCfClient } from '../src/client/index.js';
import { crawlFoundation } from '../src/crawl/crawl-foundation.js';
import { parseEndpointsFile } from '../src/audit/endpoints-file.js';
import { computeFindings } from '../src/audit/findings.js';
import { buildReport } from '../src/features/report/build-report.js';
import { checkAgainstTruth, type TruthToCheck } from '../src/features/report/truth-check.js';
import { asgGapTable } from '../src/terminal/asg-gap-table.js';
import { renderReportFiles } from '../src/features/report/render-files.js';
import { diffShares } from '../src/features/report/snapshot-diff.js';
import { storedReportBytes } from './stored-report-bytes.js';
import { startSimProcess, ROOT as root } from './sim-process.js';
import { benchReportHtml, HTML_GOALS } from './report-html.js';
import type { Report } from '../src/features/report/report-model.js';

const small = process.env.BENCH_SCALE === 'small';
const size = small
  ? { instances: 10_000, spaces: 1_000, orgs: 20, bindings: 20_000, keys: 2_000, sharedRatio: 0.0556 }
  : { instances: 100_000, spaces: 10_000, orgs: 200, bindings: 200_000, keys: 20_000, sharedRatio: 0.0556 };
const latencyMs = 2;
const HEAP_CAP_MB = 256;
/** Goals of the crawl near its limit (issue 8, item 5). */
const FLOOR_RATIO_GOAL = 1.3;
const PEAK_RSS_GOAL_MB = 300;
/** Crawl and floor runs, alternated; the ratio is of their medians. */
const FLOOR_ROUNDS = Number(process.env.BENCH_FLOOR_ROUNDS) || 3;
const crawlOnly = process.env.BENCH_ONLY === 'crawl';
/** The crawl and floor processes from tsc's output (bench/out/compiled) instead of through tsx. */
const compiled = Boolean(process.env.BENCH_COMPILED);
if (compiled)
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'bench/tsconfig.compiled.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );

function run(args: string[], nodeFlags: string[] = []): Promise<string> {
  const [script, ...rest] = args;
  const compiledScript = compiled && /^bench\/(crawl|replay|transfer)-once\.ts$/.test(script!);
  const argv = compiledScript
    ? [...nodeFlags, join('bench/out/compiled', script!.replace(/\.ts$/, '.js')), ...rest]
    : [...nodeFlags, '--import', 'tsx', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

const pad = (label: string): string => label.padEnd(34);

console.log(
  `cf-shares benchmark (${small ? 'small' : 'full'} scale: ${size.instances} instances, ${size.spaces} spaces, ${size.bindings} bindings; ${latencyMs} ms added latency${compiled ? '; crawl and floor compiled, without tsx' : ''})\n`,
);

const gen = await benchGenerate({
  instances: size.instances,
  spaces: size.spaces,
  orgs: size.orgs,
  bindings: size.bindings,
  keys: size.keys,
  sharedRatio: size.sharedRatio,
});
console.log('Simulator');
console.log(
  `${pad('  generate foundation')}${gen.generateMs} ms  (${gen.counts.instances} instances, ${gen.counts.shares} shares)`,
);
console.log(`${pad('  serve a 5000-instance page')}${gen.pageMs} ms  (${(gen.pageBytes / 1e6).toFixed(1)} MB)`);
console.log(`${pad('  same, filtered by 100 spaces')}${gen.spaceFilteredPageMs} ms\n`);

const sim = await startSimProcess([
  '--instances',
  String(size.instances),
  '--spaces',
  String(size.spaces),
  '--orgs',
  String(size.orgs),
  '--bindings',
  String(size.bindings),
  '--keys',
  String(size.keys),
  '--shared-ratio',
  String(size.sharedRatio),
  '--latency-ms',
  String(latencyMs),
]);
try {
  const truth = (await (await fetch(`${sim.ready.api}/_sim/truth`)).json()) as TruthToCheck & {
    lower_bound_requests: number;
    counts: { shares: number; shared_instances: number };
  };
  type Result = { shares: number; requests: number; wallMs: number; peakRssMb: number };
  type Replay = { requests: number; wallMs: number; rows: number; bytes: number };
  const simArgs = [sim.ready.api, sim.ready.client_id, sim.ready.client_secret];
  const urlsDir = mkdtempSync(join(tmpdir(), 'cf-shares-bench-'));
  const crawl = async (strategy: string, nodeFlags: string[] = [], urlsFile?: string): Promise<Result> =>
    JSON.parse(
      await run(['bench/crawl-once.ts', strategy, ...simArgs, ...(urlsFile ? [urlsFile] : [])], nodeFlags),
    ) as Result;
  // The floor: exactly the GETs a crawl sent, replayed with as many in flight, parsed, nothing else.
  const replay = async (urlsFile: string): Promise<Replay> =>
    JSON.parse(await run(['bench/replay-once.ts', ...simArgs, urlsFile, '8'])) as Replay;
  // Crawl and floor alternate FLOOR_ROUNDS times and each figure is the median, so a busy machine skews both alike.
  const pairs: Array<{ crawl: Result; floor: Replay }> = [];
  for (let i = 0; i < FLOOR_ROUNDS; i++) {
    const crawled = await crawl('batched', [], join(urlsDir, 'batched.txt'));
    pairs.push({ crawl: crawled, floor: await replay(join(urlsDir, 'batched.txt')) });
  }
  // The same GETs with no crawl, bodies dropped, through the client (got) and through node:http: what the HTTP
  // client alone costs in memory, for all of them and for the one-per-shared-instance reads only.
  type Transfer = { requests: number; peakRssMb: number; youngGenerationMb: number };
  const transfers: Array<{ label: string; client: Transfer; nodeHttp: Transfer }> = [];
  for (const [label, filter] of [
    ['all GETs', ''],
    ['shared_spaces reads only', 'shared_spaces'],
  ] as const) {
    const transfer = async (via: string): Promise<Transfer> =>
      JSON.parse(
        await run([
          'bench/transfer-once.ts',
          via,
          ...simArgs,
          join(urlsDir, 'batched.txt'),
          ...(filter ? [filter] : []),
        ]),
      ) as Transfer;
    transfers.push({ label, client: await transfer('client'), nodeHttp: await transfer('node-http') });
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ours = { ...pairs[0]!.crawl, wallMs: median(pairs.map((p) => p.crawl.wallMs)) };
  ours.peakRssMb = Math.max(...pairs.map((p) => p.crawl.peakRssMb));
  const oursFloor = { ...pairs[0]!.floor, wallMs: median(pairs.map((p) => p.floor.wallMs)) };
  const goalLines = (): void => {
    const floorRatio = ours.wallMs / oursFloor.wallMs;
    console.log(
      `${pad('  report wall time / floor')}${floorRatio.toFixed(2).padStart(10)}   (goal <= ${FLOOR_RATIO_GOAL}${floorRatio <= FLOOR_RATIO_GOAL ? ', met' : ', NOT met'}; medians of ${FLOOR_ROUNDS}: ${pairs.map((p) => `${p.crawl.wallMs}/${p.floor.wallMs}`).join(', ')} ms)`,
    );
    console.log(
      `${pad('  report peak RSS, default heap')}${`${ours.peakRssMb} MB`.padStart(10)}   (goal <= ${PEAK_RSS_GOAL_MB} MB${ours.peakRssMb <= PEAK_RSS_GOAL_MB ? ', met' : ', NOT met'}; the highest of ${FLOOR_ROUNDS}: ${pairs.map((p) => p.crawl.peakRssMb).join(', ')} MB)`,
    );
    console.log(
      '  the same GETs, bodies dropped, no crawl: peak RSS (young generation) through the client vs node:http',
    );
    for (const { label, client: viaClient, nodeHttp } of transfers)
      console.log(
        `${pad(`    ${label} (${viaClient.requests})`)}${`${viaClient.peakRssMb} MB`.padStart(10)} (${viaClient.youngGenerationMb} MB) vs ${nodeHttp.peakRssMb} MB (${nodeHttp.youngGenerationMb} MB)`,
      );
    console.log(
      `${pad('  load average (1 min)')}${loadavg()[0]!.toFixed(1).padStart(10)}   on ${availableParallelism()} CPUs`,
    );
  };
  if (crawlOnly) {
    rmSync(urlsDir, { recursive: true, force: true });
    console.log(
      `Report crawl (${truth.counts.shared_instances} shared instances, ${truth.counts.shares} shares; ${ours.requests} requests, lower bound ${truth.lower_bound_requests})`,
    );
    goalLines();
    if (ours.shares !== truth.counts.shares)
      console.log(`  WARNING: batched crawl found ${ours.shares} of ${truth.counts.shares} shares`);
    sim.stop();
    process.exit(0);
  }
  // V8 grows the heap lazily on a big machine; the live set is small, as a capped heap shows (README: NODE_OPTIONS).
  const capped = await crawl('batched', [`--max-old-space-size=${HEAP_CAP_MB}`]);
  const naive = await crawl('naive', [], join(urlsDir, 'naive.txt'));
  const naiveFloor = await replay(join(urlsDir, 'naive.txt'));
  rmSync(urlsDir, { recursive: true, force: true });
  console.log(
    `Report crawl (${truth.counts.shared_instances} shared instances, ${truth.counts.shares} shares; lower bound ${truth.lower_bound_requests} requests)`,
  );
  console.log(
    `${pad('')}${'report'.padStart(10)}${`heap ${HEAP_CAP_MB}M`.padStart(11)}${'naive'.padStart(10)}${'naive/report'.padStart(14)}`,
  );
  const row = (label: string, a: number, c: number | string, b: number): void =>
    console.log(
      `${pad(`  ${label}`)}${String(a).padStart(10)}${String(c).padStart(11)}${String(b).padStart(10)}${(b / a).toFixed(2).padStart(14)}`,
    );
  row('shares found', ours.shares, capped.shares, naive.shares);
  row('requests', ours.requests, capped.requests, naive.requests);
  row('rows CC rendered', oursFloor.rows, '', naiveFloor.rows);
  row('bytes transferred (MB)', Math.round(oursFloor.bytes / 1e6), '', Math.round(naiveFloor.bytes / 1e6));
  row('wall time (ms)', ours.wallMs, capped.wallMs, naive.wallMs);
  row('floor: same GETs, parse only (ms)', oursFloor.wallMs, '', naiveFloor.wallMs);
  row('peak RSS (MB)', ours.peakRssMb, capped.peakRssMb, naive.peakRssMb);
  const ratio = (n: number): string => (n / truth.lower_bound_requests).toFixed(2);
  console.log(
    `${pad('  requests / lower bound')}${ratio(ours.requests).padStart(10)}${ratio(capped.requests).padStart(11)}${ratio(naive.requests).padStart(10)}`,
  );
  goalLines();
  console.log(
    '\nThe report crawl also lists plans, offerings, security groups, bindings and keys; the naive column is only the',
  );
  console.log('share scan of the docs script done right (every page, one shared_spaces call per managed instance).');
  for (const [label, sent, replayed] of [
    ['report', ours, oursFloor],
    ['naive', naive, naiveFloor],
  ] as const)
    if (replayed.requests !== sent.requests)
      console.log(`  WARNING: the ${label} floor replayed ${replayed.requests} GETs of ${sent.requests} requests`);
  if (ours.shares !== truth.counts.shares)
    console.log(`  WARNING: batched crawl found ${ours.shares} of ${truth.counts.shares} shares`);

  // The same asg_gap table as the demo's, at this scale: each source of the service's address, against the truth.
  const client = await createCfClient({
    api: sim.ready.api,
    auth: { clientId: sim.ready.client_id, clientSecret: sim.ready.client_secret },
    pacing: { readsPerSecond: 0, maxInFlight: 8 },
  });
  try {
    const endpointsFile = parseEndpointsFile(
      JSON.stringify({
        offerings: Object.fromEntries(CATALOG.map((entry) => [entry.name, `${entry.host}:${entry.port}`])),
      }),
    );
    const runs = [];
    let stored: Awaited<ReturnType<typeof storedReportBytes>> | undefined;
    const measured: Array<{ label: string; requests: number; wallMs: number; report: ReturnType<typeof buildReport> }> =
      [];
    let nightly: Report | undefined;
    for (const [label, options] of [
      ['default (schedules)', {}],
      ['--inspect-credentials', { inspectCredentials: true }],
      ['--endpoints FILE', { endpointsFile }],
    ] as const) {
      const started = performance.now();
      const { snapshot, endpoints, requests } = await crawlFoundation(client, sim.ready.api, options);
      const wallMs = Math.round(performance.now() - started);
      const report = buildReport(snapshot, computeFindings(snapshot, endpoints), requests, endpoints);
      const check = checkAgainstTruth(report, truth);
      measured.push({ label, requests, wallMs, report });
      // What one nightly report of this foundation keeps in Redis (the default run: what schedules store).
      stored ??= await storedReportBytes(report, renderReportFiles(report, snapshot, diffShares(report, report)));
      // The default run is what nightly schedules produce, and has the most findings (inferred gaps): its page is the largest.
      nightly ??= report;
      runs.push({ label, accuracy: check.asgGaps });
      if (check.credentialFindings) {
        const c = check.credentialFindings;
        console.log(
          `\nCredential findings (${label}): ${c.found} found, ${c.right} right, ${c.expected} in the truth (precision ${c.precision.toFixed(2)}, recall ${c.recall.toFixed(2)})`,
        );
      }
      const off = check.unexpectedFindings.length + check.missedFindings.length;
      if (off > 0)
        console.log(
          `  WARNING: ${label}: ${check.unexpectedFindings.length} unexpected and ${check.missedFindings.length} missed findings of those claimed with confidence`,
        );
    }
    if (stored)
      console.log(
        `\nRedis per stored report: ${(stored.textBytes / 2 ** 20).toFixed(1)} MiB of files as text, ${(stored.storedBytes / 2 ** 20).toFixed(2)} MiB compressed as stored (${(stored.textBytes / stored.storedBytes).toFixed(1)}x)${stored.memoryUsage === null ? '' : `; MEMORY USAGE of its key ${(stored.memoryUsage / 2 ** 20).toFixed(2)} MiB`}`,
      );
    console.log("\nasg_gap findings against the truth, by where the service's address came from");
    console.log(asgGapTable(runs));

    // What --inspect-credentials costs (issue 13): one details read per app binding and key of the shared instances,
    // which also gives the endpoint the old one-read-per-instance inspection gave.
    const plain = measured.find((m) => m.label === 'default (schedules)')!;
    const inspected = measured.find((m) => m.label === '--inspect-credentials')!;
    const comparison = inspected.report.summary.credential_comparison!;
    console.log('\n--inspect-credentials: credentials of every app binding and key of the shared instances');
    console.log(`${pad('  requests without / with')}${plain.requests} / ${inspected.requests}`);
    console.log(
      `${pad('  extra requests')}${inspected.requests - plain.requests} (${comparison.details_requests} details reads; ${comparison.compared} compared, ${comparison.not_compared} not compared)`,
    );
    console.log(
      `${pad('  extra per shared instance')}${((inspected.requests - plain.requests) / truth.counts.shared_instances).toFixed(2)}`,
    );
    console.log(
      `${pad('  wall time without / with (ms)')}${plain.wallMs} / ${inspected.wallMs} (unpaced, 8 in flight)`,
    );

    const pages = nightly && (await benchReportHtml(nightly));
    if (pages) {
      const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);
      console.log(
        `\nreport.html (${nightly!.summary.shares} shares, ${nightly!.findings.length} findings; goals <= ${mb(HTML_GOALS.bytes)} MB, interactive <= ${HTML_GOALS.interactiveMs} ms; median of 3 loads; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs)`,
      );
      console.log(
        `${pad('')}${'MB'.padStart(8)}${'render ms'.padStart(11)}${'map drawn ms'.padStart(14)}${'interactive ms'.padStart(16)}${'nodes'.padStart(8)}${'edges'.padStart(8)}  first frame drew`,
      );
      for (const p of pages) {
        console.log(
          `${pad(`  ${p.label === 'first' ? 'first report (every share new)' : 'nightly (empty diff)'}`)}${mb(p.bytes).padStart(8)}${String(p.renderMs).padStart(11)}${String(p.mapDrawnMs).padStart(14)}${String(p.interactiveMs).padStart(16)}${String(p.nodes).padStart(8)}${String(p.edges).padStart(8)}  ${p.drawnNodes} nodes, ${p.drawnEdges} edges (${p.mode})`,
        );
        if (p.bytes > HTML_GOALS.bytes || p.interactiveMs > HTML_GOALS.interactiveMs)
          console.log(`  WARNING: ${p.label} report.html misses a goal`);
      }
      console.log(
        '  map drawn: navigation start to the first frame of the map (of which cytoscape ' +
          pages.map((p) => `${p.cytoscapeMs}`).join('/') +
          ' ms); interactive: page.goto to a space selected and its panel filled, from outside the page.',
      );
    }
  } finally {
    await client.close();
  }
} finally {
  sim.stop();
}
