import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What `cf-shares sim --json` prints when ready. */
export interface SimReady {
  api: string;
  username: string;
  password: string;
  client_id: string;
  client_secret: string;
}

/** Starts the simulator in its own process (so its memory is not the crawler's) with the given `sim` flags. */
export function startSimProcess(flags: string[]): Promise<{ ready: SimReady; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sim', '--json', ...flags], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n'))
        resolve({ ready: JSON.parse(out.split('\n')[0]!) as SimReady, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`sim exited ${code}`)));
  });
}
