import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { retryWaitLine } from '../../src/terminal/retry-wait-line.js';
import type { RetryWait } from '../../src/client/index.js';

const wait = (extra: Partial<RetryWait>): RetryWait => ({
  method: 'GET',
  path: '/v3/service_instances',
  cause: '503 Service Unavailable',
  delayMs: 2000,
  source: 'backoff',
  retry: 2,
  limit: 5,
  ...extra,
});

function capture(tty = false): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), tty ? { isTTY: true } : {});
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('retryWaitLine', () => {
  it('says how long, why, which retry and which request', () => {
    const { stream, text } = capture();
    retryWaitLine(stream)(wait({}));
    expect(text()).toBe(
      'cf-shares: waiting 2 s before retry 2 of 5: GET /v3/service_instances got 503 Service Unavailable\n',
    );
  });

  it('says when CC asked for the wait, and rounds up', () => {
    const { stream, text } = capture();
    retryWaitLine(stream)(wait({ delayMs: 2500, source: 'retry-after', cause: '429 Too Many Requests', retry: 1 }));
    expect(text()).toBe(
      'cf-shares: waiting 3 s (as CC asked) before retry 1 of 5: GET /v3/service_instances got 429 Too Many Requests\n',
    );
  });

  it('keeps quiet about short waits', () => {
    const { stream, text } = capture();
    retryWaitLine(stream)(wait({ delayMs: 999 }));
    expect(text()).toBe('');
  });

  it('clears a progress line first on a terminal, and escapes what came from the wire', () => {
    const { stream, text } = capture(true);
    retryWaitLine(stream)(wait({ path: '/v3/x\u001b[31m', cause: 'ECONNRESET' }));
    expect(text().startsWith('\r\x1b[2K')).toBe(true);
    expect(text().slice(4)).not.toContain('\u001b');
  });
});
