import { Writable } from 'node:stream';
import { pino } from 'pino';

/** A trace-level logger whose lines a test can read back, to prove what reaches the log and what never does. */
export function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, log: pino({ level: 'trace' }, stream) };
}
