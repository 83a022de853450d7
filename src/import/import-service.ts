/**
 * Orchestrates an import: bytes -> read (unpack, decode, detect, parse) -> normalise -> load (COPY + merge), one
 * ImportBatch per file (or zip entry). Memory stays flat: records flow in chunks, and the next chunk is prepared
 * (in a worker thread for a file on disk, prepare-worker.ts) while PostgreSQL merges the previous one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { poolOf } from '../db/data-source';
import { outsideAnyRequest } from '../db/request-scope';
import { whenDatabaseAvailable } from '../db/unavailable';
import { ImportConnection } from './load/import-connection';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { ImportBatch, ImportSource } from '../model/import-batch.entity';
import { ImportBatches } from './import-batches';
import { ChunkWriter } from './load/chunk-writer';
import { refreshStatisticsAfterImport } from './load/refresh-statistics';
import { recountApps } from './load/app-message-counts';
import { TouchedSessions, compactSessions, recountSessions } from './load/session-counts';
import { LOAD_LOCK_CLASS } from './load/chunk-load';
import { DEFER_INDEXES_FROM_BYTES, compactHashOrderedIndexes, deferIndexes, rebuildDeferredIndexes } from './load/deferred-indexes';
import type { ChunkTotals } from './load/chunk-writer';
import { type BatchNote } from './normalize';
import { prepareFiles } from './prepare';
import { preparedInWorker } from './prepare-worker';
import { readAuditExport, type TextIssues } from './read';
import { NotAnAuditExportError } from './read/errors';
import type { ImportFormat } from './types';

const WORKER_FROM_BYTES = 1 << 20;

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
  if (totals.inventoried > 0) {
    notes.push(
      `${totals.inventoried} items were placed in a mailbox folder (Location_name / Compound_path): recorded as that folder's inventory, ` +
        'the strongest evidence of what a synced folder held.',
    );
  }
  if (totals.conflicts > 0) {
    const examples = totals.conflictExamples.map((c) => `line ${c.line}: Id ${c.key}`).join('; ');
    notes.push(
      `${totals.conflicts} records have the Id of a stored record but different content: both are kept, and each of these ` +
        `names the record it conflicts with (AuditRecord.conflictsWith) (e.g. ${examples}).`,
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

/** The importer's options from the configuration, the same for every entry point (CLI, server, API uploads). */
export function importerOptionsOf(config: Pick<Config, 'importChunkRecords' | 'importMaxRecordMb'>) {
  return { chunkRecords: config.importChunkRecords, maxRecordChars: config.importMaxRecordMb * 1024 * 1024 };
}

export class ImportService {
  /** Every read and write of import_batch. */
  readonly batches: ImportBatches;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly opts: {
      chunkRecords: number;
      /** A chunk's weight at most (DEFAULT_CHUNK_CHARS: text plus ACCESS_WEIGHT per item): memory follows it, not the record count. */
      chunkChars?: number;
      /** The largest record accepted (DEFAULT_MAX_RECORD_CHARS); a larger one is rejected, the rest imported. */
      maxRecordChars?: number;
      statementTimeoutMs?: number;
      /** Inputs at least this large defer index builds into empty tables (deferred-indexes.ts); 0: any input. */
      deferIndexesFromBytes?: number;
      /** Files on disk at least this large are prepared in a worker thread (default 1 MiB: below, starting one costs more than it saves). */
      workerFromBytes?: number;
    },
  ) {
    this.batches = new ImportBatches(dataSource);
  }

  private get pool(): Pool {
    return poolOf(this.dataSource);
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
    const loaded: { id: string; notes: string[]; counted: BatchNote[] }[] = [];
    let readerBytes = 0;
    const skipped: string[] = [];
    const progress = { fileName: opts.fileName, totalBytes: opts.totalBytes ?? null, records: 0, rejected: 0 };
    // A zip read in place from its path reports progress through onBytes rather than through `counted`.
    const report = () => opts.onProgress?.({ ...progress, bytesRead: Math.max(bytesRead, readerBytes) });
    let failure: Error | null = null;
    let connection: ImportConnection | null = null;
    let deferred = false;
    const touched = new TouchedSessions();
    try {
      connection = await ImportConnection.open(this.pool, this.opts.statementTimeoutMs ?? 0);
      // Indexes an importer that died had deferred are built before anything else (no-op when there are none).
      await this.rebuildIndexes(connection.client, false);
      const deferFrom = this.opts.deferIndexesFromBytes ?? DEFER_INDEXES_FROM_BYTES;
      if (deferFrom === 0 || (opts.totalBytes ?? 0) >= deferFrom) deferred = await deferIndexes(connection.client, opts.orgId);
      if (deferred) this.logger.info({ fileName: opts.fileName }, 'bulk load into empty tables: search indexes are built after it');
      const onBytes = (n: number) => (readerBytes += n);
      const onSkippedEntry = (entry: string, reason: string) => skipped.push(`Skipped ${entry} in the archive: ${reason}`);
      const format = opts.format ?? 'AUTO';
      // A file on disk is read, parsed and normalised by a worker thread, overlapping the loading here; a stream
      // (an upload) is prepared in this thread.
      const inWorker = regularFile && (opts.totalBytes ?? 0) >= (this.opts.workerFromBytes ?? WORKER_FROM_BYTES);
      if (inWorker) this.logger.debug({ fileName: opts.fileName }, 'preparing the file in a worker thread');
      const events =
        inWorker
          ? preparedInWorker({ filePath: opts.filePath!, fileName: opts.fileName ?? undefined, format, chunkRecords: this.opts.chunkRecords, chunkChars: this.opts.chunkChars, maxRecordChars: this.opts.maxRecordChars }, { onBytes, onSkippedEntry })
          : prepareFiles(readAuditExport(counted, { fileName: opts.fileName ?? undefined, filePath: opts.filePath, format, onBytes, onSkippedEntry, maxRecordChars: this.opts.maxRecordChars }), this.opts.chunkRecords, false, this.opts.chunkChars);
      // The file being loaded: one chunk is written while the next is prepared.
      let open: { id: string; writer: ChunkWriter; inFlight: Promise<void> | null } | null = null;
      try {
        for await (const event of events) {
          if (event.kind === 'file') {
            const fileName = event.entryName ? `${opts.fileName ?? 'upload'}:${event.entryName}` : opts.fileName;
            const batchId = await connection.createBatch(opts, fileName, event.format, fileDigest);
            batchIds.push(batchId);
            open = { id: batchId, writer: new ChunkWriter(connection, opts.orgId, batchId, touched), inFlight: null };
          } else if (event.kind === 'chunk') {
            const batch = open!;
            if (batch.inFlight) await batch.inFlight;
            const { records, rejections, details, evidence } = event;
            batch.inFlight = batch.writer.write(records, rejections, details, evidence).then(() => {
              progress.records += records.length + details.length;
              progress.rejected += rejections.length;
              report();
            });
            // Handled when awaited; this only keeps Node from calling it unhandled meanwhile.
            batch.inFlight.catch(() => undefined);
          } else {
            const batch = open!;
            if (batch.inFlight) await batch.inFlight;
            open = null;
            loaded.push({ id: batch.id, notes: [...event.notes, ...contentNotes(batch.writer.totals, event.text)], counted: event.counted });
            await connection.releaseBatch(batch.id);
          }
        }
      } catch (error) {
        if (open) {
          const batch: { id: string; inFlight: Promise<void> | null } = open;
          await batch.inFlight?.catch(() => undefined);
          await this.failBatch(batch.id, error as Error);
          await connection.releaseBatch(batch.id);
        }
        throw error;
      }
    } catch (error) {
      failure = error as Error;
      if (batchIds.length === 0) {
        const message = failureMessage(failure);
        batchIds.push(await whenDatabaseAvailable(() => this.batches.createFailed(opts, opts.fileName, fileDigest, message)));
      }
    } finally {
      // Whatever happened, the indexes are built again before the import returns; then the two unique indexes the
      // load filled in hash order are rebuilt compactly (deferred-indexes.ts).
      if (deferred) {
        await this.rebuildIndexes(connection!.client, true);
        await this.compactIndexes(connection!.client);
      }
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
    for (const done of loaded) await whenDatabaseAvailable(() => this.finishBatch(done.id, [...done.notes, ...skipped], done.counted));
    report();
    const batches = await whenDatabaseAvailable(() => this.batches.ofImport(batchIds));
    // Statistics first: the counts are planned on them (after a bulk load there are none yet).
    await this.refreshStatistics(batches.reduce((n, b) => n + b.recordsInserted, 0));
    await this.countUncounted({ orgId: opts.orgId, sessions: touched });
    if (deferred) await this.compactSessionTables();
    if (failure && !(failure instanceof NotAnAuditExportError)) this.logger.warn({ err: failure, fileName: opts.fileName }, 'import failed');
    return batches;
  }

  /**
   * Upkeep after an import (index builds, counts, compaction): a failure costs query speed or disk, never evidence, so
   * it is logged and the import's result stands. Runs on `client`, or on a pool connection of its own.
   */
  private async upkeep(failed: string, work: (client: PoolClient) => Promise<void>, client?: PoolClient): Promise<void> {
    let own: PoolClient | null = null;
    let broken = false;
    try {
      await work(client ?? (own = await this.pool.connect()));
    } catch (error) {
      broken = true;
      this.logger.warn({ err: error }, failed);
    } finally {
      own?.release(broken);
    }
  }

  /** Builds indexes deferred by a bulk load; on failure the definitions stay in deferred_index for the next try. */
  private async rebuildIndexes(client: PoolClient, holdingLock: boolean): Promise<void> {
    const started = Date.now();
    await this.upkeep('building deferred search indexes failed; the next import or server start retries', async (c) => {
      const built = await rebuildDeferredIndexes(c, holdingLock);
      if (built > 0) this.logger.info({ indexes: built, ms: Date.now() - started }, 'built the deferred search indexes');
    }, client);
  }

  /** After a bulk load: on failure the indexes stay as the load left them. */
  private async compactIndexes(client: PoolClient): Promise<void> {
    const started = Date.now();
    await this.upkeep('rebuilding the record-key and message-key indexes failed; they stay as the load left them', async (c) => {
      await compactHashOrderedIndexes(c);
      this.logger.info({ ms: Date.now() - started }, 'rebuilt the record-key and message-key indexes compactly');
    }, client);
  }

  /** After a bulk load's session count (session-counts.ts): on failure the table stays as it is, only larger. */
  private async compactSessionTables(): Promise<void> {
    await this.upkeep('compacting the session and link tables after a bulk load failed; they stay as they are, only larger', compactSessions);
  }

  /** Builds indexes a dead importer left deferred (server start); returns how many. */
  async rebuildLeftoverIndexes(): Promise<number> {
    const client = await this.pool.connect();
    try {
      return await rebuildDeferredIndexes(client, false);
    } finally {
      client.release(true);
    }
  }

  /**
   * Counts the apps and sessions an import left uncounted (app-message-counts.ts, session-counts.ts): after each
   * import (its own sessions, `touched`), and on the server's minute for imports that died (every organisation's).
   * A failure costs speed only: the API counts an uncounted app or session itself, and the next pass retries.
   */
  async countUncounted(touched?: { orgId: number; sessions: TouchedSessions }): Promise<void> {
    await this.keepCounts('apps', recountApps, 'counted the messages bound through each app');
    await this.keepCounts('sessions', (client, lockClass) => recountSessions(client, lockClass, touched), "counted each session's message accesses");
  }

  private async keepCounts(what: string, recount: (client: PoolClient, lockClass: number) => Promise<number>, done: string): Promise<void> {
    const started = Date.now();
    await this.upkeep(`keeping the counts of ${what} failed; the next import retries (the API counts meanwhile)`, async (client) => {
      const counted = await recount(client, LOAD_LOCK_CLASS);
      if (counted > 0) this.logger.info({ [what]: counted, ms: Date.now() - started }, done);
    });
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

  private async finishBatch(batchId: string, notes: string[], counted: BatchNote[]): Promise<void> {
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
    await this.batches.finish(batchId, warnings, counted);
  }

  private async failBatch(batchId: string, error: Error): Promise<void> {
    await whenDatabaseAvailable(() => this.batches.fail(batchId, failureMessage(error)));
  }

  /** Marks batches whose importing session is gone as FAILED (INTERRUPTED); returns how many. */
  async markInterruptedBatches(): Promise<number> {
    return (await this.batches.markInterrupted()).length;
  }
}

/** Socket errors that mean the database connection went away mid-statement (a restart, a killed backend). */
const CONNECTION_LOST_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

function failureMessage(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  // "write EPIPE" alone tells an analyst nothing: name what happened.
  const cause = code && CONNECTION_LOST_CODES.has(code) ? `the database connection was lost (${error.message})` : error.message;
  const message =
    error instanceof NotAnAuditExportError
      ? error.message
      : `Import failed: ${cause}. Import the same file again once the cause is fixed: records already loaded are kept and not duplicated.`;
  return message.slice(0, 2000);
}
