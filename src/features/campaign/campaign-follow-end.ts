import type { Writable } from 'node:stream';
import { ExitCode } from '../../exit-codes.js';
import { progressLine } from './campaign-summary.js';
import type { FollowEnd } from './wait-for-campaign.js';

/**
 * The last lines of a followed campaign and the exit code: 0 only when every item ended in success; a stuck
 * campaign names the command that requeues it; a stopped follow says the campaign goes on without it.
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
    case 'stopped':
      stderr.write(
        `cf-shares: stopped following; the campaign goes on with any running worker ('cf-shares campaign status ${campaignId} --follow')\n`,
      );
      return ExitCode.Interrupted;
  }
}
