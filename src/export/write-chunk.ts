import type { Writable } from 'node:stream';

/**
 * Writes one chunk of a streamed export and resolves once `out` took it: at once, or after 'drain' when its buffer
 * is full (so a slow client holds the producer back and memory stays flat), or on 'close' (a client that left).
 */
export function writeChunk(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed || out.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/**
 * A writer whose `head` (a CSV header line, or '') goes out with the first text, or at `end` when there was none:
 * a failure before the first rows then reaches the client as an error status, not as a 200 whose header line reads
 * as an empty list.
 */
export function headedWriter(out: Writable, head: string): { write: (text: string) => Promise<void>; end: () => Promise<void> } {
  let pending = head;
  return {
    write(text) {
      const chunk = pending + text;
      pending = '';
      return writeChunk(out, chunk);
    },
    async end() {
      if (pending && !out.destroyed) await writeChunk(out, pending);
      pending = '';
    },
  };
}
