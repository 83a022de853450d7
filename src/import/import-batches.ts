/**
 * The one owner of import_batch: the lifecycle of a batch (create, count a chunk, finish, fail, mark interrupted)
 * and every read of it (the API, the upload route, the CLI) go through here, so its states and its view are
 * defined once.
 */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../db/sql';
import { ImportBatch, type ImportSource, type ImportStatus } from '../model/import-batch.entity';
import { decodeCursor, toConnection, type ChildPageQuery, type ConnectionResult } from '../db/pages';
import type { BatchNote } from './normalize/notes';
import type { ImportFormat } from './types';

/** A batch as the API and the CLI show it (sha256 and format are empty/AUTO until the file was read). */
export interface ImportBatchView {
  id: string;
  fileName: string | null;
  sha256: string;
  format: ImportFormat | 'AUTO';
  status: ImportStatus;
  startedAt: Date;
  finishedAt: Date | null;
  recordsRead: number;
  recordsInserted: number;
  duplicates: number;
  rejected: number;
  warnings: string[];
  /** The normalisation notes of the batch, per kind (records, items, examples). */
  notes: BatchNote[];
  error: string | null;
  /** Name of the API key that sent the file; null for the CLI. */
  importedBy: string | null;
}

export interface ImportRejectionView {
  id: string;
  line: number;
  reason: string;
  excerpt: string;
}

/** What one committed chunk added to its batch. */
export interface ChunkCounts {
  read: number;
  inserted: number;
  duplicates: number;
  rejected: number;
}

/**
 * A batch is RUNNING only while its importing session holds the advisory lock on its id (load/import-connection.ts).
 * A RUNNING batch without that lock belongs to a process or a database session that is gone.
 */
export const INTERRUPTED_MESSAGE =
  'INTERRUPTED: the importing process or its database session stopped before the end of the file. ' +
  'Import the same file again: records already loaded are kept and not duplicated, and the new batch says which batch it completes.';

/** Who sent a file: its organisation, the way it came, and the API key's name (none for the CLI). */
export interface BatchOrigin {
  orgId: number;
  source: ImportSource;
  importedBy?: string | null;
}

/** A new RUNNING batch; the importing connection runs it and locks the id in the same transaction. */
export function createRunningBatchSql(origin: BatchOrigin, fileName: string | null, format: ImportFormat | null, sha256: string | null): Sql {
  return sql`INSERT INTO import_batch (org_id, file_name, format, status, source, imported_by, sha256)
    VALUES (${origin.orgId}, ${fileName}, ${format}, 'RUNNING', ${origin.source}, ${origin.importedBy ?? null}, ${sha256}) RETURNING id::text`;
}

/** The API's and the CLI's view of a batch. */
export function batchView(batch: ImportBatch): ImportBatchView {
  return {
    id: String(batch.id),
    fileName: batch.fileName,
    sha256: batch.sha256 ?? '',
    format: (batch.format as ImportFormat | null) ?? 'AUTO',
    status: batch.status,
    startedAt: batch.startedAt,
    finishedAt: batch.finishedAt,
    recordsRead: batch.recordsRead,
    recordsInserted: batch.recordsInserted,
    duplicates: batch.duplicates,
    rejected: batch.rejected,
    warnings: batch.warnings,
    notes: batch.notes ?? [],
    error: batch.error,
    importedBy: batch.importedBy,
  };
}

/**
 * Adds a committed chunk's counts to its batch and beats its heart; run inside the chunk's transaction so the
 * counts say exactly what was loaded.
 */
export function countChunkSql(batchId: string, c: ChunkCounts): Sql {
  return sql`UPDATE import_batch SET records_read = records_read + ${c.read}, records_inserted = records_inserted + ${c.inserted},
    duplicates = duplicates + ${c.duplicates}, rejected = rejected + ${c.rejected}, heartbeat_at = now() WHERE id = ${batchId}`;
}

export class ImportBatches {
  constructor(private readonly db: DataSource) {}

  private get repository() {
    return this.db.getRepository(ImportBatch);
  }

  /** A file that failed before any batch was created (not an export, database unreachable) still gets one. */
  async createFailed(origin: BatchOrigin, fileName: string | null, sha256: string | null, message: string): Promise<string> {
    const [row] = await run<{ id: string }>(
      this.db,
      sql`INSERT INTO import_batch (org_id, file_name, status, source, imported_by, sha256, finished_at, error)
        VALUES (${origin.orgId}, ${fileName}, 'FAILED', ${origin.source}, ${origin.importedBy ?? null}, ${sha256}, now(), ${message.slice(0, 2000)}) RETURNING id`,
    );
    return row.id;
  }

  /** The hash and size of the bytes as given (chain of custody); null when the input was not read whole. */
  async setHash(batchIds: string[], sha256: string | null, byteSize: number): Promise<void> {
    await run(this.db, sql`UPDATE import_batch SET sha256 = ${sha256}, byte_size = ${byteSize} WHERE id = ANY(${batchIds}::bigint[])`);
  }

  /** The counters a finished batch is judged by (export caps, empty files). */
  async recordsRead(batchId: string): Promise<number> {
    const [row] = await run<{ records_read: number }>(this.db, sql`SELECT records_read FROM import_batch WHERE id = ${batchId}`);
    return row.records_read;
  }

  async finish(batchId: string, warnings: string[], notes: BatchNote[] = []): Promise<void> {
    await run(
      this.db,
      sql`UPDATE import_batch SET status = 'SUCCEEDED', finished_at = now(), warnings = warnings || ${JSON.stringify(warnings)}::jsonb,
        notes = notes || ${JSON.stringify(notes)}::jsonb WHERE id = ${batchId}`,
    );
  }

  /** `message` is for the user: what failed and what to do. */
  async fail(batchId: string, message: string): Promise<void> {
    await run(this.db, sql`UPDATE import_batch SET status = 'FAILED', finished_at = now(), error = ${message.slice(0, 2000)} WHERE id = ${batchId}`);
  }

  /**
   * Marks RUNNING batches whose importing session is gone (its advisory lock with it) as FAILED (INTERRUPTED), at
   * once, whenever anything opens the database. Answers their ids.
   */
  async markInterrupted(): Promise<string[]> {
    // A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32 bits), objsubid 1.
    const update = sql`UPDATE import_batch b SET status = 'FAILED', finished_at = now(), error = ${INTERRUPTED_MESSAGE}
       WHERE b.status = 'RUNNING' AND NOT EXISTS (
         SELECT 1 FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND (l.classid::bigint << 32 | l.objid::bigint) = b.id)
       RETURNING b.id::text`;
    // TypeORM answers an UPDATE with [rows, affected row count].
    const [rows]: [{ id: string }[], number] = await this.db.query(update.text, update.values);
    return rows.map((r) => r.id);
  }

  /** Earlier batches of the same file (same sha256 and name) that failed part-way: a complete run finishes them. */
  async earlierAttempts(batchId: string): Promise<{ id: string; interrupted: boolean }[]> {
    const rows = await run<{ id: string; error: string | null }>(
      this.db,
      sql`SELECT e.id::text, e.error FROM import_batch b JOIN import_batch e
         ON e.org_id = b.org_id AND e.sha256 = b.sha256 AND e.file_name IS NOT DISTINCT FROM b.file_name AND e.id < b.id
       WHERE b.id = ${batchId} AND e.status = 'FAILED' AND e.records_read > 0 ORDER BY e.id`,
    );
    return rows.map((r) => ({ id: r.id, interrupted: r.error?.startsWith('INTERRUPTED') ?? false }));
  }

  /** The batches of one import, by id (whatever their organisation: the importer made them). */
  ofImport(batchIds: string[]): Promise<ImportBatch[]> {
    return this.repository.createQueryBuilder('b').where('b.id = ANY(:ids)', { ids: batchIds }).orderBy('b.id').getMany();
  }

  async find(orgId: number, id: string): Promise<ImportBatch | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    return this.repository.findOne({ where: { id, orgId } });
  }

  /** Batches in the order of `ids`; null where there is none (in this organisation). */
  async byIds(orgId: number, ids: readonly string[]): Promise<(ImportBatch | null)[]> {
    const batches = await this.repository.createQueryBuilder('b').where('b.orgId = :orgId AND b.id IN (:...ids)', { orgId, ids }).getMany();
    const byId = new Map(batches.map((b) => [String(b.id), b]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Newest first. */
  async page(orgId: number, limit: number, after: string | null | undefined): Promise<ConnectionResult<ImportBatchView>> {
    const cursor = decodeCursor(after, 1);
    const qb = this.repository.createQueryBuilder('b').where('b.orgId = :orgId', { orgId }).orderBy('b.id', 'DESC').limit(limit + 1);
    if (cursor) qb.andWhere('b.id < :after', { after: cursor[0] });
    const rows = await qb.getMany();
    return toConnection(rows.map(batchView), limit, (b) => [b.id], () => this.repository.count({ where: { orgId } }));
  }

  /** A batch's rejections, by id, for the paged loader. */
  rejections(orgId: number): ChildPageQuery<ImportRejectionView> {
    return {
      from: sql`import_rejection`,
      parent: { column: 'batch_id', type: 'bigint' },
      sort: { column: 'id', type: 'bigint' },
      select: sql`t.id, t.line, t.reason, t.excerpt`,
      where: sql`t.org_id = ${orgId}`,
      toNode: (row) => ({ id: String(row.id), line: Number(row.line), reason: String(row.reason), excerpt: String(row.excerpt) }),
      keyOf: (node) => [node.id, node.id],
    };
  }
}
