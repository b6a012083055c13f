import type { Writable } from 'node:stream';

/**
 * Progress of a long job as a person reads it: a bar redrawn in place on a terminal; elsewhere (a log file, CI)
 * plain lines, only when something worth a line happened. Notices get a line of their own when they start and
 * when they clear. Report and campaign progress both draw through this one view.
 */
export interface ProgressView {
  /**
   * `done` of `total`, described by `text` next to the bar. Off a terminal, `plain.line` is written when its `key`
   * differs from the last written one (a step finished, a tenth more done); without `plain` nothing is written.
   */
  show(done: number, total: number, text: string, plain?: { key: string; line: string }): void;
  /** A notice that starts (text), or clears (undefined) the current one. */
  notice(text: string | undefined): void;
  /** Clears the bar, so the command's last lines start on a clean line. */
  done(): void;
}

/** Width of the bar in characters. */
const BAR_WIDTH = 24;

export function createProgressView(stream: Writable & { isTTY?: boolean }): ProgressView {
  let lastKey: string | undefined;
  let onLine = false;
  let current: string | undefined;
  const clearLine = (): void => {
    if (stream.isTTY && onLine) stream.write('\r\x1b[2K');
    onLine = false;
  };
  return {
    show(done, total, text, plain) {
      if (stream.isTTY) {
        const filled = Math.round((Math.min(done, total) / Math.max(1, total)) * BAR_WIDTH);
        stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${text}`);
        onLine = true;
      } else if (plain && plain.key !== lastKey) {
        stream.write(`${plain.line}\n`);
        lastKey = plain.key;
      }
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
