import { UsageError } from './usage-error.js';
import { InterruptedError } from './interrupted-error.js';
import { ExitCode } from './exit-codes.js';
import { safeText } from './terminal/safe-text.js';

/**
 * The one line a person sees for a failure, and the exit code that goes with it. The line goes through safeText:
 * client errors carry CC's `detail` and names from the API, usage errors echo what was typed.
 */
export function describeError(error: unknown): { line: string; exitCode: ExitCode } {
  if (error instanceof UsageError) return { line: safeText(error.message), exitCode: ExitCode.Usage };
  if (error instanceof InterruptedError) return { line: safeText(error.message), exitCode: ExitCode.Interrupted };
  if (error instanceof Error) {
    // Errors from the client, Redis and the file system already carry a readable first line.
    const firstLine = error.message.split('\n')[0] ?? error.name;
    return { line: safeText(firstLine || error.name), exitCode: ExitCode.Failure };
  }
  return { line: safeText(String(error)), exitCode: ExitCode.Failure };
}
