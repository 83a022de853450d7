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
