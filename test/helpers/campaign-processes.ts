import { spawn, type ChildProcess } from 'node:child_process';
import { cliEnv, REPO_ROOT, runCli, type SimProcess } from './run-cli.js';

/** The normalised route of an unshare, as the simulator's write log names it. */
export const UNSHARE_ROUTE = 'DELETE /v3/service_instances/:guid/relationships/shared_spaces/:space_guid';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** A cf-shares process the test started, with its output so far. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `cf-shares ARGS` as a real process (the sources, through tsx), collecting its output. */
export function startCli(args: string[], env: Record<string, string | undefined>): CliProcess {
  const child = spawn(process.execPath, ['bin/cf-shares.js', ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `cf-shares worker` as a process of its own. */
export const startWorker = (env: Record<string, string | undefined>): CliProcess =>
  startCli(['worker', '--log-level', 'warn'], env);

/** Makes every unshare take `ms` at the simulator, so items stay in flight long enough to act on them. */
export async function slowUnshares(sim: SimProcess, ms: number): Promise<void> {
  const answer = await fetch(`${sim.api}/_sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: ms, routes: [UNSHARE_ROUTE] }),
  });
  if (!answer.ok) throw new Error(`PUT /_sim/faults: ${answer.status}`);
}

/** The unshares the simulator received so far (logged on arrival), and how many it has not answered yet. */
export async function unshareWrites(sim: SimProcess): Promise<{ received: number; open: number }> {
  const { writes } = (await (await fetch(`${sim.api}/_sim/writes`)).json()) as {
    writes: Array<{ route: string; status: number | null }>;
  };
  const unshares = writes.filter((write) => write.route === UNSHARE_ROUTE);
  return { received: unshares.length, open: unshares.filter((write) => write.status === null).length };
}

/** Starts a detached campaign and returns its id. */
export async function startDetached(env: Record<string, string>, extra: string[] = []): Promise<string> {
  const started = await runCli(
    ['unshare-all', '--yes', '--disable-flag', '--detach', '--retry-delay', '1', '--max-attempts', '4', ...extra],
    { env },
  );
  if (started.code !== 0) throw new Error(`unshare-all --detach exited ${started.code}: ${started.stderr}`);
  return /^campaign: (\S+)$/m.exec(started.stdout)![1]!;
}

/** `campaign status ID --json`, parsed. */
/** Waits (up to 90 s) until `campaign status` says the campaign is done, and answers that status. */
export function waitForCampaignDone(env: Record<string, string>, id: string): ReturnType<typeof statusJson> {
  return waitFor(
    'the campaign to be done',
    async () => {
      const status = await statusJson(env, id).catch(() => undefined);
      return status?.status === 'done' ? status : undefined;
    },
    90_000,
  );
}

export async function statusJson(
  env: Record<string, string>,
  id: string,
): Promise<{ status: string; finished: number; total: number; pausedAt: string | null; [key: string]: unknown }> {
  const result = await runCli(['campaign', 'status', id, '--json'], { env });
  if (result.code !== 0) throw new Error(`campaign status exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
