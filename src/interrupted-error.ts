/**
 * The person or the service manager stopped a command (SIGINT/SIGTERM) before its work was done. Its message is the
 * one line they read: what was interrupted, what happens to the work now, and how to check on it. The process exits
 * with {@link ExitCode.Interrupted}.
 */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}
