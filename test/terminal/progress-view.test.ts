import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressView } from '../../src/terminal/progress-view.js';

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

describe('createProgressView', () => {
  it('redraws a bar in place on a terminal and clears it when done', () => {
    const s = stream(true);
    const view = createProgressView(s.out);
    view.show(6, 24, 'six of 24');
    view.show(24, 24, 'all');
    view.done();
    expect(s.text()).toBe(
      `\r\x1b[2K[${'#'.repeat(6)}${'-'.repeat(18)}] six of 24\r\x1b[2K[${'#'.repeat(24)}] all\r\x1b[2K`,
    );
  });

  it('writes a plain line per new key elsewhere, and nothing without one', () => {
    const s = stream(false);
    const view = createProgressView(s.out);
    view.show(1, 10, 'a', { key: 'running 1', line: 'one' });
    view.show(1, 10, 'a', { key: 'running 1', line: 'one again' });
    view.show(5, 10, 'b');
    view.show(10, 10, 'c', { key: 'done 10', line: 'ten' });
    view.done();
    expect(s.text()).toBe('one\nten\n');
  });

  it('gives notices a line of their own when they start and clear', () => {
    const s = stream(false);
    const view = createProgressView(s.out);
    view.notice('waiting for a worker');
    view.notice(undefined);
    view.notice(undefined);
    expect(s.text()).toBe('waiting for a worker\ncleared: waiting for a worker\n');
  });
});
