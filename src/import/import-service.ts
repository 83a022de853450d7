/**
 * Orchestrates an import: bytes -> read (unpack, decode, detect, parse) -> normalise -> load (COPY + merge), one
 * ImportBatch per file (or zip entry). Memory stays flat: records flow in chunks, and the next chunk is parsed
 * while PostgreSQL merges the previous one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Pool } from 'pg';
import { outsideAnyRequest } from '../db/request-scope';
import { whenDatabaseAvailable } from '../db/unavailable';
import { ImportConnection } from './load/import-connection';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import type { ImportBatch, ImportSource } from '../model/import-batch.entity';
import { ImportBatches } from './import-batches';
import { ChunkWriter } from './load/chunk-writer';
import { refreshStatisticsAfterImport } from './load/refresh-statistics';
import type { StagedRecord } from './load/chunk-plan';
import type { ChunkTotals } from './load/chunk-writer';
import { NormalizationError, normalizeRecordWithNotes, NoteTally } from './normalize';
import { readAuditExport, type TextIssues } from './read';
import { NotAnAuditExportError, excerptOf } from './read/errors';
import type { ImportFormat, Rejection } from './types';

/** The caps of Microsoft's export tools: a file holding exactly this many records was probably cut off. */
const EXPORT_CAPS = [5_000, 10_000, 50_000];

async function hashFile(filePath: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What the batch's warnings must say about content stored other than as given. */
function contentNotes(totals: ChunkTotals, text: TextIssues): string[] {
  const notes: string[] = [];
  if (totals.unattributedBindRecords > 0) {
    notes.push(
      `${totals.unattributedBindRecords} MailItemsAccessed records name no mailbox (no MailboxOwnerUPN or UPN UserId): ` +
        'they are stored, but their messages and folders could not be attributed to a mailbox.',
    );
  }
  if (totals.nulRecords > 0) {
    notes.push(
      `${totals.nulRecords} records contain NUL characters (\\u0000), which PostgreSQL text cannot store: they are kept, their ` +
        `original text verbatim and each NUL as U+FFFD in the searchable fields (first at line ${totals.firstNulLine}).`,
    );
  }
  if (text.invalidSequences > 0) {
    notes.push(
      `${text.invalidSequences} invalid UTF-8 byte sequences were replaced by U+FFFD (first at line ${text.firstInvalidLine}): ` +
        'the file is not clean UTF-8; the original bytes are in the file whose sha256 the batch records.',
    );
  }
  return notes;
}

/** source_line is an integer column: a file with more lines is refused with a message, not an overflow. */
const MAX_SOURCE_LINE = 2 ** 31 - 1;
const TOO_MANY_LINES = `the file has more than ${MAX_SOURCE_LINE.toLocaleString('en')} lines, more than one batch can number; split it into smaller files`;

export interface ImportProgress {
  fileName: string | null;
  bytesRead: number;
  totalBytes: number | null;
  records: number;
  rejected: number;
}

export interface ImportOptions {
  orgId: number;
  fileName: string | null;
  source: ImportSource;
  /** Name of the API key that sent the file (import_batch.imported_by); unset for the CLI. */
  importedBy?: string | null;
  format?: ImportFormat | 'AUTO';
  /** Size of the input when known (a file), for progress and ETA. */
  totalBytes?: number | null;
  filePath?: string;
  onProgress?: (progress: ImportProgress) => void;
}

export class ImportService {
  /** Every read and write of import_batch. */
  readonly batches: ImportBatches;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly opts: { chunkRecords: number; statementTimeoutMs?: number },
  ) {
    this.batches = new ImportBatches(dataSource);
  }

  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Imports one file from disk (plain, .gz or .zip). */
  async importFile(filePath: string, opts: Omit<ImportOptions, 'filePath' | 'fileName' | 'totalBytes'> & { fileName?: string }): Promise<ImportBatch[]> {
    const size = fs.statSync(filePath).size;
    return this.importStream(fs.createReadStream(filePath, { highWaterMark: 1 << 20 }), {
      ...opts,
      fileName: opts.fileName ?? path.basename(filePath),
      filePath,
      totalBytes: size,
    });
  }

  /** Imports inline content (GraphQL importAuditLog). */
  async importContent(content: string, opts: ImportOptions): Promise<ImportBatch[]> {
    const bytes = Buffer.from(content, 'utf8');
    return this.importStream(Readable.from([bytes]), { ...opts, totalBytes: bytes.length });
  }

  /**
   * Imports a byte stream of any size: one batch per file inside it. Once started, an import runs to its recorded
   * outcome even when the HTTP request that brought it is abandoned.
   */
  importStream(input: Readable, opts: ImportOptions): Promise<ImportBatch[]> {
    return outsideAnyRequest(() => this.importBatches(input, opts));
  }

  private async importBatches(input: Readable, opts: ImportOptions): Promise<ImportBatch[]> {
    // Hash and count the bytes as given, on their way to the readers (chain of custody: sha256 of the file). A file
    // is hashed first, so even a batch that never finishes carries its sha256 and a re-run can name it (a pipe or a
    // device can be read only once: it is hashed on the way).
    const regularFile = opts.filePath !== undefined && fs.statSync(opts.filePath).isFile();
    const fileDigest = regularFile ? await hashFile(opts.filePath!) : null;
    const hash = crypto.createHash('sha256');
    let bytesRead = 0;
    const counted = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytesRead += chunk.length;
        done(null, chunk);
      },
    });
    input.on('error', (error) => counted.destroy(error));
    input.pipe(counted);

    const batchIds: string[] = [];
    const loaded: { id: string; notes: string[] }[] = [];
    let readerBytes = 0;
    const skipped: string[] = [];
    const progress = { fileName: opts.fileName, totalBytes: opts.totalBytes ?? null, records: 0, rejected: 0 };
    // A zip read in place from its path reports progress through onBytes rather than through `counted`.
    const report = () => opts.onProgress?.({ ...progress, bytesRead: Math.max(bytesRead, readerBytes) });
    let failure: Error | null = null;
    let connection: ImportConnection | null = null;
    try {
      connection = await ImportConnection.open(this.pool, this.opts.statementTimeoutMs ?? 0);
      const files = readAuditExport(counted, {
        fileName: opts.fileName ?? undefined,
        filePath: opts.filePath,
        format: opts.format ?? 'AUTO',
        onBytes: (n) => (readerBytes += n),
        onSkippedEntry: (entry, reason) => skipped.push(`Skipped ${entry} in the archive: ${reason}`),
      });
      for await (const file of files) {
        const fileName = file.entryName ? `${opts.fileName ?? 'upload'}:${file.entryName}` : opts.fileName;
        const batchId = await connection.createBatch(opts, fileName, file.format, fileDigest);
        batchIds.push(batchId);
        try {
          const notes = new NoteTally();
          const totals = await this.loadEvents(connection, batchId, opts.orgId, file.events, notes, (records, rejected) => {
            progress.records += records;
            progress.rejected += rejected;
            report();
          });
          loaded.push({ id: batchId, notes: [...notes.warnings(), ...contentNotes(totals, file.text)] });
        } catch (error) {
          await this.failBatch(batchId, error as Error);
          throw error;
        } finally {
          await connection.releaseBatch(batchId);
        }
      }
    } catch (error) {
      failure = error as Error;
      if (batchIds.length === 0) {
        const message = failureMessage(failure);
        batchIds.push(await whenDatabaseAvailable(() => this.batches.createFailed(opts, opts.fileName, fileDigest, message)));
      }
    } finally {
      connection?.close();
    }
    // Readers may stop early (a zip read in place from its path, a refusal, a failure). Never wait for the rest of a
    // stream: an upload is answered now. A file was hashed from disk; a stream read only in part has no sha256 and
    // its byte_size is what was read.
    const whole = counted.readableEnded;
    if (!whole) {
      counted.destroy();
      input.destroy();
    }
    const digest = fileDigest ?? (whole ? hash.digest('hex') : null);
    const size = regularFile ? fs.statSync(opts.filePath!).size : bytesRead;
    await whenDatabaseAvailable(() => this.batches.setHash(batchIds, digest, size));
    // Files that loaded completely succeed even when a later file of the same archive failed.
    for (const done of loaded) await whenDatabaseAvailable(() => this.finishBatch(done.id, [...done.notes, ...skipped]));
    report();
    const batches = await whenDatabaseAvailable(() => this.batches.ofImport(batchIds));
    await this.refreshStatistics(batches.reduce((n, b) => n + b.recordsInserted, 0));
    if (failure && !(failure instanceof NotAnAuditExportError)) this.logger.warn({ err: failure, fileName: opts.fileName }, 'import failed');
    return batches;
  }

  /** A failed ANALYZE costs query speed, not evidence: warn and keep the import's result. */
  private async refreshStatistics(insertedRecords: number): Promise<void> {
    const started = Date.now();
    try {
      if (await refreshStatisticsAfterImport(this.pool, insertedRecords)) {
        this.logger.info({ insertedRecords, ms: Date.now() - started }, 'analysed the import tables');
      }
    } catch (error) {
      this.logger.warn({ err: error, insertedRecords }, 'ANALYZE after the import failed; queries may be slow until autovacuum analyses the tables');
    }
  }

  /** Normalises read events into chunks (tallying their notes) and writes them, one chunk in flight while the next is parsed. */
  private async loadEvents(
    connection: ImportConnection,
    batchId: string,
    orgId: number,
    events: AsyncIterable<import('./types').ReadEvent>,
    notes: NoteTally,
    onChunk: (records: number, rejected: number) => void,
  ): Promise<ChunkTotals> {
    const writer = new ChunkWriter(connection, orgId, batchId);
    let records: StagedRecord[] = [];
    let rejections: Rejection[] = [];
    let inFlight: Promise<void> | null = null;
    const flush = async () => {
      const [r, j] = [records, rejections];
      records = [];
      rejections = [];
      if (inFlight) await inFlight;
      inFlight = writer.write(r, j).then(() => onChunk(r.length, j.length));
      // Handled when awaited at the next flush; this only keeps Node from calling it unhandled meanwhile.
      inFlight.catch(() => undefined);
    };
    try {
      for await (const event of events) {
        if (event.kind === 'rejection') {
          rejections.push(event.rejection);
        } else {
          const source = event.record;
          if (source.line > MAX_SOURCE_LINE) throw new Error(TOO_MANY_LINES);
          try {
            const normalized = normalizeRecordWithNotes(source);
            notes.add(normalized.notes, source.line);
            records.push({ record: normalized.record, rawJson: source.rawJson, rawExact: source.rawExact, line: source.line });
          } catch (error) {
            if (!(error instanceof NormalizationError)) throw error;
            rejections.push({ line: source.line, reason: error.reason, excerpt: excerptOf(source.rawJson) });
          }
        }
        if (records.length + rejections.length >= this.opts.chunkRecords) await flush();
      }
      await flush();
      if (inFlight) await inFlight;
      return writer.totals;
    } finally {
      if (inFlight) await (inFlight as Promise<void>).catch(() => undefined);
    }
  }

  private async finishBatch(batchId: string, notes: string[]): Promise<void> {
    const recordsRead = await this.batches.recordsRead(batchId);
    const completed = (await this.batches.earlierAttempts(batchId)).map(
      (e) =>
        `This import completes batch ${e.id} of the same file (same sha256), which ${e.interrupted ? 'was interrupted' : 'failed'} part-way: ` +
        'its records are kept and the rest are now loaded.',
    );
    const warnings: string[] = [...notes, ...completed];
    if (EXPORT_CAPS.includes(recordsRead)) {
      warnings.push(
        `This file holds exactly ${recordsRead} records, a cap of Microsoft's export tools: the export was probably truncated. ` +
          'Export smaller time windows until each holds fewer records, and import those too.',
      );
    }
    if (recordsRead === 0) warnings.push('The file holds no records.');
    await this.batches.finish(batchId, warnings);
  }

  private async failBatch(batchId: string, error: Error): Promise<void> {
    await whenDatabaseAvailable(() => this.batches.fail(batchId, failureMessage(error)));
  }

  /** Marks batches whose importing session is gone as FAILED (INTERRUPTED); returns how many. */
  async markInterruptedBatches(): Promise<number> {
    return (await this.batches.markInterrupted()).length;
  }
}

function failureMessage(error: Error): string {
  const message =
    error instanceof NotAnAuditExportError
      ? error.message
      : `Import failed: ${error.message}. Import the same file again once the cause is fixed: records already loaded are kept and not duplicated.`;
  return message.slice(0, 2000);
}
