import type { Writable } from 'node:stream';
import { safeText } from './safe-text.js';

/** Reports a job's progress: a bar redrawn in place on a terminal, a plain line per step elsewhere. */
export interface ProgressView {
  update(progress: unknown): void;
  done(): void;
}

const STEP_LABELS: Record<string, string> = {
  collections: 'orgs, spaces, plans, security groups',
  listings: 'instance listings',
  shared_spaces: 'shared spaces of shared instances',
  bindings: 'bindings and keys',
};

export function createProgressView(stream: Writable & { isTTY?: boolean; columns?: number }): ProgressView {
  let lastDone: string | undefined;
  let drawn = false;
  return {
    update(progress) {
      const { step, done, total } = (progress ?? {}) as { step?: string; done?: number; total?: number };
      if (typeof step !== 'string' || typeof done !== 'number' || typeof total !== 'number' || total <= 0) return;
      const label = STEP_LABELS[step] ?? safeText(step);
      if (stream.isTTY) {
        const width = 24;
        const filled = Math.round((Math.min(done, total) / total) * width);
        stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${label} ${done}/${total}`);
        drawn = true;
      } else if (done === total && step !== lastDone) {
        stream.write(`progress: ${label} ${done}/${total}\n`);
        lastDone = step;
      }
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
