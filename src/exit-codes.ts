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

/** How bad each code is when one command reports on several foundations: interrupted, usage, failure, findings, ok. */
const RANK: readonly ExitCode[] = [
  ExitCode.Ok,
  ExitCode.Findings,
  ExitCode.Failure,
  ExitCode.Usage,
  ExitCode.Interrupted,
];

/**
 * The code of a command that worked on several foundations: the worst of theirs. A foundation that got no report
 * (failure) is worse than one whose report has findings: the gate must not pass on what it could not see.
 */
export function worstExitCode(codes: Iterable<ExitCode>): ExitCode {
  let worst: ExitCode = ExitCode.Ok;
  for (const code of codes) if (RANK.indexOf(code) > RANK.indexOf(worst)) worst = code;
  return worst;
}
