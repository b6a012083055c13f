import type { Writable } from 'node:stream';
import type { Logger } from './log.js';
import type { ExitCode } from './exit-codes.js';

/**
 * What a command needs from the process it runs in. Commands write through it and report their exit code in it,
 * so that only the entrypoint touches `process`, and tests can run commands in-process.
 */
export interface CliContext {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Root logger, created once the global flags are known. */
  log: Logger;
  exitCode: ExitCode;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands wait on it. */
  readonly stopSignal: AbortSignal;
}
