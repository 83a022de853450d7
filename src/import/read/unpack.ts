/**
 * Container layer: sniff magic bytes and hand out one byte stream per file inside.
 * gzip (1f 8b) -> gunzip; zip (PK\x03\x04) -> one stream per entry (yauzl needs random access, so a stream-only
 * zip is spooled to a temp file first); anything else passes through. Archives are untrusted: decompressed bytes
 * and entry counts are capped, directory entries skipped, absolute / `..` names refused.
 */
import { createWriteStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { UnsafeArchiveError } from './errors';

export const DEFAULT_MAX_TOTAL_BYTES = 20 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 10_000;

export interface UnpackOptions {
  /** Path of the input file when known: a zip is then read in place instead of being spooled. */
  filePath?: string;
  /** Cap on decompressed bytes over the whole input (default 20 GiB). */
  maxTotalBytes?: number;
  /** Cap on zip entries, directories included (default 10,000). */
  maxEntries?: number;
  /** Raw (compressed) input bytes consumed, for progress. */
  onRawBytes?: (n: number) => void;
  /** Where to spool stream-only zips (default os.tmpdir()). */
  tmpDir?: string;
}

export type ContainerKind = 'plain' | 'gzip' | 'zip';

export interface UnpackedEntry {
  /** Zip entry name; null for a plain or gzip input. */
  name: string | null;
  container: ContainerKind;
  stream: Readable;
  /**
   * Set (before `stream` ends) when compressed data turned out damaged or truncated: the stream then ends cleanly
   * after the last good byte, so the records before the damage are still read.
   */
  damage?: string;
}

function gib(n: number): string {
  return `${Math.round((n / 1024 ** 3) * 100) / 100} GiB`;
}

/** Read until at least n bytes (or the end); returns the bytes read and the iterator to continue with. */
async function peekBytes(it: AsyncIterator<Buffer>, n: number): Promise<{ head: Buffer; done: boolean }> {
  const parts: Buffer[] = [];
  let len = 0;
  while (len < n) {
    const r = await it.next();
    if (r.done) return { head: Buffer.concat(parts), done: true };
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
    parts.push(b);
    len += b.length;
  }
  return { head: Buffer.concat(parts), done: false };
}

function rejoin(head: Buffer, it: AsyncIterator<Buffer>, done: boolean, onRaw?: (n: number) => void): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
      onRaw?.(b.length);
      yield b;
    }
  }
  return Readable.from(gen(), { objectMode: false });
}

/** Counts decompressed bytes against the shared cap. */
class Budget {
  used = 0;
  constructor(readonly max: number) {}
  limiter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.used += chunk.length;
        if (this.used > this.max) cb(new UnsafeArchiveError(`archive expands to more than ${gib(this.max)}; refusing to continue`));
        else cb(null, chunk);
      },
    });
  }
}

function isZlibDataError(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'ERR_BUFFER_TOO_LARGE';
}

function gunzip(src: Readable, entry: UnpackedEntry, budget: Budget): Readable {
  const gz = zlib.createGunzip();
  const out = budget.limiter();
  src.on('error', (e) => out.destroy(e));
  gz.on('error', (e) => {
    if (isZlibDataError(e)) {
      // Keep what decompressed fine; the reader turns `damage` into a rejection.
      entry.damage = `compressed data is damaged or truncated (${e.message})`;
      out.end();
    } else out.destroy(e);
  });
  out.on('close', () => {
    src.destroy();
    gz.destroy();
  });
  src.pipe(gz).pipe(out);
  return out;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zf) => {
      if (err || !zf) reject(err ?? new Error('cannot open zip'));
      else resolve(zf);
    });
  });
}

function unsafeNameError(e: Error): Error {
  return /^(absolute path|invalid relative path|invalid characters in fileName)/.test(e.message)
    ? new UnsafeArchiveError(`zip entry name refused: ${e.message}`)
    : e;
}

function nextEntry(zf: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zf.off('entry', onEntry);
      zf.off('end', onEnd);
      zf.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => {
      cleanup();
      resolve(e);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(unsafeNameError(e));
    };
    zf.on('entry', onEntry);
    zf.on('end', onEnd);
    zf.on('error', onError);
    zf.readEntry();
  });
}

function openEntry(zf: yauzl.ZipFile, e: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zf.openReadStream(e, (err, s) => (err || !s ? reject(err ?? new Error('cannot read zip entry')) : resolve(s)));
  });
}

async function* unzipFile(
  file: string,
  opts: UnpackOptions,
  budget: Budget,
  countCompressed: boolean,
): AsyncGenerator<UnpackedEntry> {
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const zf = await openZip(file);
  try {
    if (zf.entryCount > maxEntries) throw new UnsafeArchiveError(`zip has ${zf.entryCount} entries (limit ${maxEntries})`);
    let seen = 0;
    for (;;) {
      const e = await nextEntry(zf);
      if (!e) break;
      if (++seen > maxEntries) throw new UnsafeArchiveError(`zip has more than ${maxEntries} entries`);
      if (e.fileName.endsWith('/')) continue;
      if (budget.used + e.uncompressedSize > budget.max)
        throw new UnsafeArchiveError(`zip entries declare more than ${gib(budget.max)} uncompressed; refusing to continue`);
      const raw = await openEntry(zf, e);
      const limited = budget.limiter();
      raw.on('error', (err) => limited.destroy(err));
      limited.on('close', () => raw.destroy());
      raw.pipe(limited);
      yield { name: e.fileName, container: 'zip', stream: limited };
      // The consumer moved on: release this entry if it was not read to the end.
      if (!limited.readableEnded) limited.destroy();
      if (countCompressed) opts.onRawBytes?.(e.compressedSize);
    }
  } finally {
    zf.close();
  }
}

/**
 * The files inside an input: one entry for plain / gzip input, one per file for a zip.
 * Entries are produced lazily; read (or abandon) each entry's stream before asking for the next.
 * @throws UnsafeArchiveError when a cap is exceeded or an entry name is absolute / escapes with `..`.
 */
export async function* unpack(input: Readable, opts: UnpackOptions = {}): AsyncGenerator<UnpackedEntry> {
  const budget = new Budget(opts.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES);
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const { head, done } = await peekBytes(it, 4);
  const isGzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const isZip = head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  if (!isZip) opts.onRawBytes?.(head.length);

  if (isGzip) {
    const entry: UnpackedEntry = { name: null, container: 'gzip', stream: new PassThrough() };
    entry.stream = gunzip(rejoin(head, it, done, opts.onRawBytes), entry, budget);
    yield entry;
    return;
  }
  if (!isZip) {
    yield { name: null, container: 'plain', stream: rejoin(head, it, done, opts.onRawBytes) };
    return;
  }

  if (opts.filePath) {
    // Random access to the real file; the stream is no longer needed.
    await it.return?.();
    input.destroy();
    yield* unzipFile(opts.filePath, opts, budget, true);
    return;
  }
  const dir = await fsp.mkdtemp(path.join(opts.tmpDir ?? os.tmpdir(), 'mailtrail-zip-'));
  try {
    const file = path.join(dir, 'input.zip');
    opts.onRawBytes?.(head.length);
    await pipeline(rejoin(head, it, done, opts.onRawBytes), createWriteStream(file));
    yield* unzipFile(file, opts, budget, false);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
