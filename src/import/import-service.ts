/**
 * Orchestrates an import: bytes -> read (unpack, decode, detect, parse) -> normalise -> load (COPY + merge), one
 * ImportBatch per file (or zip entry). Memory stays flat: records flow in chunks, and the next chunk is parsed
 * while PostgreSQL merges the previous one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { ImportBatch, type ImportSource } from '../model/import-batch.entity';
import { ChunkWriter } from './load/chunk-writer';
import type { StagedRecord } from './load/chunk-plan';
import type { ChunkTotals } from './load/chunk-writer';
import { refreshStatisticsAfterImport } from './load/refresh-statistics';
import { NormalizationError, normalizeRecord } from './normalize';
import { readAuditExport } from './read';
import { NotAnAuditExportError, excerptOf } from './read/errors';
import type { ImportFormat, Rejection } from './types';

/** The caps of Microsoft's export tools: a file holding exactly this many records was probably cut off. */
const EXPORT_CAPS = [5_000, 10_000, 50_000];

function unattributedNote(records: number): string {
  return (
    `${records} MailItemsAccessed records name no mailbox (no MailboxOwnerUPN or UPN UserId): ` +
    'they are stored, but their messages and folders could not be attributed to a mailbox.'
  );
}

/** A RUNNING batch whose heartbeat is older than this was interrupted (crash, kill, power loss). */
const STALE_AFTER_MINUTES = 10;

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
  format?: ImportFormat | 'AUTO';
  /** Size of the input when known (a file), for progress and ETA. */
  totalBytes?: number | null;
  filePath?: string;
  onProgress?: (progress: ImportProgress) => void;
}

export class ImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly opts: { chunkRecords: number },
  ) {}

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

  /** Imports a byte stream of any size: one batch per file inside it. */
  async importStream(input: Readable, opts: ImportOptions): Promise<ImportBatch[]> {
    // Hash and count the bytes as given, on their way to the readers (chain of custody: sha256 of the file).
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
    try {
      const files = readAuditExport(counted, {
        fileName: opts.fileName ?? undefined,
        filePath: opts.filePath,
        format: opts.format ?? 'AUTO',
        onBytes: (n) => (readerBytes += n),
        onSkippedEntry: (entry, reason) => skipped.push(`Skipped ${entry} in the archive: ${reason}`),
      });
      for await (const file of files) {
        const fileName = file.entryName ? `${opts.fileName ?? 'upload'}:${file.entryName}` : opts.fileName;
        const batchId = await this.createBatch(opts.orgId, fileName, opts.source, file.format);
        batchIds.push(batchId);
        try {
          const totals = await this.loadEvents(batchId, opts.orgId, file.events, (records, rejected) => {
            progress.records += records;
            progress.rejected += rejected;
            report();
          });
          loaded.push({ id: batchId, notes: totals.unattributedBindRecords > 0 ? [unattributedNote(totals.unattributedBindRecords)] : [] });
        } catch (error) {
          await this.failBatch(batchId, error as Error);
          throw error;
        }
      }
    } catch (error) {
      failure = error as Error;
      if (batchIds.length === 0) {
        batchIds.push(await this.createBatch(opts.orgId, opts.fileName, opts.source, null));
        await this.failBatch(batchIds[0], failure);
      }
    }
    // Readers may stop early (a zip is read in place from its path, a failure): drain the rest so the hash is whole.
    counted.resume();
    await finished(counted).catch(() => undefined);
    const sha256 = hash.digest('hex');
    await this.dataSource.query('UPDATE import_batch SET sha256 = $2, byte_size = $3 WHERE id = ANY($1::bigint[])', [batchIds, sha256, bytesRead]);
    // Files that loaded completely succeed even when a later file of the same archive failed.
    for (const done of loaded) await this.finishBatch(done.id, [...done.notes, ...skipped]);
    report();
    const batches = await this.dataSource.getRepository(ImportBatch).createQueryBuilder('b').where('b.id = ANY(:ids)', { ids: batchIds }).orderBy('b.id').getMany();
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

  /** Normalises read events into chunks and writes them, one chunk in flight while the next is parsed. */
  private async loadEvents(
    batchId: string,
    orgId: number,
    events: AsyncIterable<import('./types').ReadEvent>,
    onChunk: (records: number, rejected: number) => void,
  ): Promise<ChunkTotals> {
    const writer = new ChunkWriter(this.pool, orgId, batchId);
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
          try {
            records.push({ record: normalizeRecord(source), rawJson: source.rawJson, line: source.line });
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
      writer.release();
    }
  }

  private async createBatch(orgId: number, fileName: string | null, source: ImportSource, format: ImportFormat | null): Promise<string> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO import_batch (org_id, file_name, format, status, source) VALUES ($1, $2, $3, 'RUNNING', $4) RETURNING id`,
      [orgId, fileName, format, source],
    );
    return rows[0].id;
  }

  private async finishBatch(batchId: string, notes: string[]): Promise<void> {
    const [batch]: { records_read: number; rejected: number; records_inserted: number }[] = await this.dataSource.query(
      'SELECT records_read, rejected, records_inserted FROM import_batch WHERE id = $1',
      [batchId],
    );
    const warnings: string[] = [...notes];
    if (EXPORT_CAPS.includes(batch.records_read)) {
      warnings.push(
        `This file holds exactly ${batch.records_read} records, a cap of Microsoft's export tools: the export was probably truncated. ` +
          'Export smaller time windows until each holds fewer records, and import those too.',
      );
    }
    if (batch.records_read === 0) warnings.push('The file holds no records.');
    await this.dataSource.query(
      `UPDATE import_batch SET status = 'SUCCEEDED', finished_at = now(), warnings = warnings || $2::jsonb WHERE id = $1`,
      [batchId, JSON.stringify(warnings)],
    );
  }

  private async failBatch(batchId: string, error: Error): Promise<void> {
    const message =
      error instanceof NotAnAuditExportError
        ? error.message
        : `Import failed: ${error.message}. Import the same file again once the cause is fixed: records already loaded are kept and not duplicated.`;
    await this.dataSource.query(
      `UPDATE import_batch SET status = 'FAILED', finished_at = now(), error = $2 WHERE id = $1`,
      [batchId, message.slice(0, 2000)],
    );
  }

  /** Marks batches left RUNNING by a process that died as FAILED, saying how to complete them. */
  async markInterruptedBatches(): Promise<number> {
    const result = await this.dataSource.query(
      `UPDATE import_batch SET status = 'FAILED', finished_at = now(),
         error = 'Interrupted: the importing process stopped before the end of the file. Import the same file again: records already loaded are kept and not duplicated.'
       WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(mins => $1)`,
      [STALE_AFTER_MINUTES],
    );
    return Array.isArray(result) ? (result[1] ?? 0) : 0;
  }
}
