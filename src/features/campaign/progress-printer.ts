import type { Writable } from 'node:stream';
import { progressLine, type CampaignProgress } from './campaign-summary.js';

/**
 * Shows campaign progress: a bar redrawn in place on a terminal; elsewhere a line per tenth and per status change.
 * Notices (waiting for a worker, Redis unreachable) get a line of their own when they start and when they clear.
 */
export function campaignProgressPrinter(stream: Writable & { isTTY?: boolean }): {
  show(progress: CampaignProgress): void;
  notice(text: string | undefined): void;
  done(): void;
} {
  let last = '';
  let onLine = false;
  let current: string | undefined;
  const clearLine = (): void => {
    if (stream.isTTY && onLine) stream.write('\r\x1b[2K');
    onLine = false;
  };
  return {
    show(progress) {
      if (stream.isTTY) {
        const width = 24;
        const filled = Math.round((progress.finished / Math.max(1, progress.total)) * width);
        stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progressLine(progress)}`);
        onLine = true;
        return;
      }
      const mark = `${progress.status} ${Math.floor((progress.finished / Math.max(1, progress.total)) * 10)}`;
      if (mark !== last) stream.write(`${progressLine(progress)}\n`);
      last = mark;
    },
    notice(text) {
      clearLine();
      if (text !== undefined) stream.write(`${text}\n`);
      else if (current !== undefined) stream.write(`cleared: ${current}\n`);
      current = text;
    },
    done() {
      clearLine();
    },
  };
}
