import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/cf-shares.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child cf-shares: the sources (never a stale build) and nothing inherited that could leak in. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CF_SHARES_FROM_SOURCE: '1' };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Runs the real binary as a child process and collects everything it printed. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: cliEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface SimProcess {
  api: string;
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `cf-shares sim --json` as a real process and waits for its ready line. */
export function startSimProcess(args: string[] = []): Promise<SimProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'sim', '--json', '--log-level', 'warn', ...args], {
      cwd: REPO_ROOT,
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const onExit = (code: number | null): void =>
      reject(new Error(`sim exited with ${code} before it was ready: ${stderr}`));
    child.once('exit', onExit);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      child.off('exit', onExit);
      const ready = JSON.parse(buffered.slice(0, newline)) as {
        api: string;
        username: string;
        password: string;
        client_id: string;
        client_secret: string;
      };
      resolve({
        api: ready.api,
        username: ready.username,
        password: ready.password,
        clientId: ready.client_id,
        clientSecret: ready.client_secret,
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** A bearer value for the simulator's admin, from the password grant with the cf CLI's client, as an operator gets one. */
export async function simAdminAuthorization(sim: SimProcess): Promise<string> {
  const answer = await fetch(`${sim.api}/uaa/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('cf:').toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'password', username: sim.username, password: sim.password }),
  });
  const { access_token: accessToken } = (await answer.json()) as { access_token: string };
  return `bearer ${accessToken}`;
}
