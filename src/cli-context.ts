import type { Readable, Writable } from 'node:stream';
import type { Logger } from './log.js';
import type { ExitCode } from './exit-codes.js';
import type { StartWorkers } from './core/worker-host.js';

/**
 * What a command needs from the process it runs in. Commands write through it and report their exit code in it,
 * so that only the entrypoint touches `process`, and tests can run commands in-process.
 */
export interface CliContext {
  /** Where a person answers a confirmation; `isTTY` says whether anyone can. */
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Root logger, created once the global flags are known. */
  log: Logger;
  exitCode: ExitCode;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands wait on it. */
  readonly stopSignal: AbortSignal;
  /**
   * Starts this process's workers, for commands that work their own job (report, export, campaigns). The entrypoint
   * hands in the composition root (features/worker), so that no feature imports the one that imports them all.
   */
  readonly startWorkers: StartWorkers;
}
