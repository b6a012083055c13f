import type { Writable } from 'node:stream';
import { progressLine, type CampaignProgress } from './campaign-summary.js';

/** Shows campaign progress: a bar redrawn in place on a terminal; elsewhere a line per tenth and per status change. */
export function campaignProgressPrinter(stream: Writable & { isTTY?: boolean }): { show(progress: CampaignProgress): void; done(): void } {
  let last = '';
  return {
    show(progress) {
      if (stream.isTTY) {
        const width = 24;
        const filled = Math.round((progress.finished / Math.max(1, progress.total)) * width);
        stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progressLine(progress)}`);
        return;
      }
      const mark = `${progress.status} ${Math.floor((progress.finished / Math.max(1, progress.total)) * 10)}`;
      if (mark !== last) stream.write(`${progressLine(progress)}\n`);
      last = mark;
    },
    done() {
      if (stream.isTTY) stream.write('\r\x1b[2K');
    },
  };
}
