import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm } from '../../src/terminal/confirm.js';

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { input, output, written: () => written };
}

describe('confirm', () => {
  it('asks on the output and is confirmed by the expected word, apart from spaces and case', async () => {
    for (const typed of ['yes\n', '  YES \n', 'Yes\r\n']) {
      const io = streams();
      const answer = confirm({ ...io, question: 'Unshare 3 share(s)? ', expected: 'yes' });
      io.input.write(typed);
      await expect(answer).resolves.toBe(true);
      expect(io.written()).toBe('Unshare 3 share(s)? ');
    }
  });

  it.each(['y\n', 'no\n', 'yes please\n', '\n', 'yess\n'])('is not confirmed by %j', async (typed) => {
    const io = streams();
    const answer = confirm({ ...io, question: '? ', expected: 'yes' });
    io.input.write(typed);
    await expect(answer).resolves.toBe(false);
  });

  it('reads only the first line', async () => {
    const io = streams();
    const answer = confirm({ ...io, question: '? ', expected: 'yes' });
    io.input.write('no\nyes\n');
    await expect(answer).resolves.toBe(false);
  });

  it('is not confirmed when the input ends before a line (EOF), even with a partial "yes"', async () => {
    const io = streams();
    const answer = confirm({ ...io, question: '? ', expected: 'yes' });
    io.input.end('yes');
    await expect(answer).resolves.toBe(false);
  });

  it('is not confirmed when the input is destroyed', async () => {
    const io = streams();
    const answer = confirm({ ...io, question: '? ', expected: 'yes' });
    io.input.destroy();
    await expect(answer).resolves.toBe(false);
  });
});
