import type { Writable } from 'node:stream';
import type { RetryWait } from '../client/index.js';
import { safeText } from './safe-text.js';

/** Waits shorter than this pass unsaid: a quick retry is not worth a line. */
const SAY_FROM_MS = 1000;

/**
 * One line on stderr per noticeable wait between retries, so a person watching a command knows it is waiting for CC
 * and why, not hung (the log says the same at info level, which commands do not show by default).
 */
export function retryWaitLine(stream: Writable): (wait: RetryWait) => void {
  return (wait) => {
    if (wait.delayMs < SAY_FROM_MS) return;
    const seconds = Math.ceil(wait.delayMs / 1000);
    const asked = wait.source === 'backoff' ? '' : ' (as CC asked)';
    const clear = (stream as Writable & { isTTY?: boolean }).isTTY ? '\r\x1b[2K' : '';
    stream.write(
      `${clear}cf-shares: waiting ${seconds} s${asked} before retry ${wait.retry} of ${wait.limit}: ` +
        `${wait.method} ${safeText(wait.path)} got ${safeText(wait.cause)}\n`,
    );
  };
}
