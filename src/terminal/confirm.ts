import type { Readable, Writable } from 'node:stream';

export interface ConfirmOptions {
  /** Where the answer is typed (a terminal, or a PassThrough in tests). */
  readonly input: Readable;
  /** Where the question is written (stderr, so stdout stays the command's output). */
  readonly output: Writable;
  /** The question, shown as is, ending where the answer is typed. */
  readonly question: string;
  /** The word to type. The first line must be exactly this, apart from surrounding spaces and letter case. */
  readonly expected: string;
}

/**
 * Asks for a typed confirmation and reads one line. Anything but the expected word is "no", and so is input that
 * ends (EOF, Ctrl+D), closes or fails before a whole line arrives: a confirmation is never assumed.
 */
export function confirm(options: ConfirmOptions): Promise<boolean> {
  const { input, output, question, expected } = options;
  return new Promise<boolean>((resolve) => {
    let typed = '';
    const finish = (confirmed: boolean): void => {
      input.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onEnd);
      input.pause();
      resolve(confirmed);
    };
    const onData = (chunk: Buffer | string): void => {
      typed += chunk.toString();
      const end = typed.indexOf('\n');
      if (end >= 0) finish(typed.slice(0, end).trim().toLowerCase() === expected.toLowerCase());
    };
    const onEnd = (): void => finish(false);
    input.on('data', onData).once('end', onEnd).once('close', onEnd).once('error', onEnd);
    output.write(question);
  });
}
