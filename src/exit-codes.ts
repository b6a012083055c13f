/** Exit codes shared by every command; scripts and nightly pipelines branch on them. */
export const ExitCode = {
  Ok: 0,
  /** The run failed: API or Redis unreachable, bad credentials, an unexpected response. */
  Failure: 1,
  /** Bad usage or input: unknown flag, invalid value, missing credential, a refused preflight. */
  Usage: 2,
  /** The run worked but found what the caller asked to fail on (`--fail-on`), or items ended blocked/failed. */
  Findings: 3,
  /** Stopped by SIGINT/SIGTERM before the work was done; it goes on elsewhere or resumes (128 + SIGINT). */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
