/**
 * Reads, parses and normalises a file on disk in a worker thread (prepare.ts), posting chunks to the importing
 * thread, which only loads them. At most MAX_UNACKED chunks wait for the loader: a slow database holds the reader back, so
 * memory stays bounded whatever the file's size.
 *
 * The importing side is `preparedInWorker` (below); this module is also the worker's entry point.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { prepareFiles, type PrepareEvent } from './prepare';
import { readAuditExport } from './read';
import { NotAnAuditExportError, UnsafeArchiveError } from './read/errors';
import type { ImportFormat } from './types';

const MAX_UNACKED = 1;
/** The worker's own heap: a chunk being prepared and the reader's buffers (the importing thread runs with 192 MB: bin/mailtrail.js). */
const WORKER_HEAP_MB = 128;
/** Its young generation: V8's default lets it grow to ~48 MB of RSS that a chunk-at-a-time parser does not need. */
const WORKER_YOUNG_MB = 16;

export interface WorkerJob {
  filePath: string;
  fileName: string | undefined;
  format: ImportFormat | 'AUTO';
  chunkRecords: number;
  chunkChars?: number;
  maxRecordChars?: number;
}

/** What the worker posts: prepared events, plus progress, skipped zip entries, the end or an error. */
type WorkerMessage =
  | PrepareEvent
  | { kind: 'bytes'; n: number }
  | { kind: 'skipped'; entry: string; reason: string }
  | { kind: 'end' }
  | { kind: 'error'; name: string; message: string; found?: string };

async function runJob(job: WorkerJob): Promise<void> {
  const port = parentPort!;
  let unacked = 0;
  let resume: (() => void) | null = null;
  port.on('message', () => {
    unacked -= 1;
    resume?.();
    resume = null;
  });
  // As in the importing thread: bytes through the file stream, or what the reader reports (a zip read in place).
  let bytes = 0;
  let readerBytes = 0;
  let reported = 0;
  const post = (message: WorkerMessage) => port.postMessage(message);
  const reportBytes = () => {
    const total = Math.max(bytes, readerBytes);
    if (total > reported) post({ kind: 'bytes', n: total - reported });
    reported = total;
  };
  try {
    const counted = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const input = fs.createReadStream(job.filePath, { highWaterMark: 1 << 20 });
    input.on('error', (error) => counted.destroy(error));
    input.pipe(counted);
    const files = readAuditExport(counted, {
      fileName: job.fileName,
      filePath: job.filePath,
      format: job.format,
      maxRecordChars: job.maxRecordChars,
      onBytes: (n) => (readerBytes += n),
      onSkippedEntry: (entry, reason) => post({ kind: 'skipped', entry, reason }),
    });
    for await (const event of prepareFiles(files, job.chunkRecords, true, job.chunkChars)) {
      reportBytes();
      post(event);
      if (event.kind !== 'chunk') continue;
      unacked += 1;
      while (unacked >= MAX_UNACKED) await new Promise<void>((r) => (resume = r));
    }
    reportBytes();
    post({ kind: 'end' });
  } catch (error) {
    const e = error as Error & { found?: string };
    post({ kind: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(error), found: e?.found });
  }
}

if (!isMainThread && (workerData as { prepareJob?: WorkerJob })?.prepareJob) {
  void runJob((workerData as { prepareJob: WorkerJob }).prepareJob);
}

/** The error the worker reported, as the class the importer tells apart. */
function rebuilt(message: Extract<WorkerMessage, { kind: 'error' }>): Error {
  if (message.name === 'NotAnAuditExportError') return new NotAnAuditExportError(message.message, message.found);
  if (message.name === 'UnsafeArchiveError') return new UnsafeArchiveError(message.message);
  const error = new Error(message.message);
  error.name = message.name;
  return error;
}

/**
 * Runs the TypeScript source through swc when the importer itself runs from source (the tests); the built
 * JavaScript otherwise.
 */
function startWorker(job: WorkerJob): Worker {
  const script = path.join(__dirname, `prepare-worker${path.extname(__filename)}`);
  const options = { workerData: { prepareJob: job }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } };
  if (script.endsWith('.js')) return new Worker(script, options);
  const swc = require.resolve('@swc/core');
  const boot = `
    const fs = require('node:fs');
    const swc = require(${JSON.stringify(swc)});
    require.extensions['.ts'] = (module, filename) => module._compile(swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename, module: { type: 'commonjs' },
      jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false } },
    }).code, filename);
    require(${JSON.stringify(script)});`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * The prepared events of a file on disk, produced by a worker thread. `onBytes` and `onSkippedEntry` as for
 * readAuditExport. Stopping the iteration (return or throw) stops the worker.
 */
export async function* preparedInWorker(
  job: WorkerJob,
  on: { onBytes: (n: number) => void; onSkippedEntry: (entry: string, reason: string) => void },
): AsyncGenerator<PrepareEvent> {
  const worker = startWorker(job);
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const arrive = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    arrive();
  });
  worker.on('error', (error) => {
    failure = error;
    arrive();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the import worker stopped (exit code ${code})`);
    arrive();
  });
  try {
    for (;;) {
      while (queue.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((r) => (wake = r));
      }
      const message = queue.shift()!;
      switch (message.kind) {
        case 'bytes':
          on.onBytes(message.n);
          break;
        case 'skipped':
          on.onSkippedEntry(message.entry, message.reason);
          break;
        case 'end':
          return;
        case 'error':
          throw rebuilt(message);
        default:
          yield message;
          // The consumer took the chunk (and loaded the previous one): the worker may prepare another.
          if (message.kind === 'chunk') worker.postMessage('ack');
      }
    }
  } finally {
    await worker.terminate();
  }
}
