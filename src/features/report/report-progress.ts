import type { Writable } from 'node:stream';
import { createProgressView } from '../../terminal/progress-view.js';
import { safeText } from '../../terminal/safe-text.js';

const STEP_LABELS: Record<string, string> = {
  collections: 'orgs, spaces, plans, security groups',
  listings: 'instance listings',
  shared_spaces: 'shared spaces of shared instances',
  bindings: 'bindings and keys',
  credentials: 'credentials of bindings and keys',
  proxies: 'parameters of broker-share proxies',
};

/** `bindings and keys 3/7`: a report job's progress as words, or undefined when it is not `{step, done, total}`. */
export function progressText(progress: unknown): string | undefined {
  const { step, done, total } = (progress ?? {}) as { step?: string; done?: number; total?: number };
  if (typeof step !== 'string' || typeof done !== 'number' || typeof total !== 'number' || total <= 0) return undefined;
  return `${STEP_LABELS[step] ?? safeText(step)} ${done}/${total}`;
}

/**
 * A report job's progress (`{step, done, total}` from the worker, possibly another machine's) on the progress view:
 * the bar on a terminal, a line per finished step elsewhere. Anything else the job reports is ignored.
 */
export function reportProgressView(stream: Writable & { isTTY?: boolean }): {
  update(progress: unknown): void;
  done(): void;
} {
  const view = createProgressView(stream);
  return {
    update(progress) {
      const text = progressText(progress);
      if (text === undefined) return;
      const { step, done, total } = progress as { step: string; done: number; total: number };
      view.show(done, total, text, done === total ? { key: step, line: `progress: ${text}` } : undefined);
    },
    done: () => view.done(),
  };
}
