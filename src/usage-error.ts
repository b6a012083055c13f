/**
 * A mistake of the person at the keyboard (a bad flag, a missing credential, a file that is not there): printed
 * as one line without a stack, and the process exits with {@link ExitCode.Usage}.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
