import type { Writable } from 'node:stream';
import { ExitCode } from '../../exit-codes.js';
import { progressLine } from './campaign-summary.js';
import type { FollowEnd } from './wait-for-campaign.js';

/**
 * The last lines of a followed campaign and the exit code: 0 only when every item ended in success; a stuck
 * campaign names the command that requeues it; an interrupted follow says in one line what is left and how to
 * follow or resume it.
 */
export function reportFollowEnd(
  end: FollowEnd,
  campaignId: string,
  out: (text: string) => void,
  stderr: Writable,
): ExitCode {
  if (end.progress) out(progressLine(end.progress));
  switch (end.kind) {
    case 'done':
      return end.progress.allSucceeded ? ExitCode.Ok : ExitCode.Findings;
    case 'stuck':
      stderr.write(
        end.items > 0
          ? `cf-shares: ${end.items} item(s) have no job left that could run them: run 'cf-shares campaign resume ${campaignId}'\n`
          : `cf-shares: every item is final but the verification pass is not queued: run 'cf-shares campaign resume ${campaignId}'\n`,
      );
      return ExitCode.Failure;
    case 'stopped': {
      // One line, after the progress line is cleared: what is left, and the two commands that pick it up again.
      const left = end.progress
        ? `${end.progress.total - end.progress.finished} of ${end.progress.total} item(s) not final`
        : 'not final';
      stderr.write(
        `cf-shares: interrupted: campaign ${campaignId} ${end.progress ? `has ${left}` : 'is not final'}; queued items wait for a worker: follow it with 'cf-shares campaign status ${campaignId} --follow', resume it with 'cf-shares campaign resume ${campaignId}'\n`,
      );
      return ExitCode.Interrupted;
    }
  }
}
