/**
 * The one owner of import_batch: the lifecycle of a batch (create, count a chunk, finish, fail, mark interrupted)
 * and every read of it (the API, the upload route, the CLI) go through here, so its states and its view are
 * defined once.
 */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../db/sql';
import { ImportBatch, type ImportSource, type ImportStatus } from '../model/import-batch.entity';
import { decodeCursor, toConnection, type ChildPageQuery, type ConnectionResult } from '../db/pages';
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
  error: string | null;
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

/** A RUNNING batch whose heartbeat is older than this was interrupted (crash, kill, power loss). */
const STALE_AFTER_MINUTES = 10;

const INTERRUPTED =
  'Interrupted: the importing process stopped before the end of the file. Import the same file again: records already loaded are kept and not duplicated.';

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
    error: batch.error,
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

  async create(orgId: number, fileName: string | null, source: ImportSource, format: ImportFormat | null): Promise<string> {
    const [row] = await run<{ id: string }>(
      this.db,
      sql`INSERT INTO import_batch (org_id, file_name, format, status, source) VALUES (${orgId}, ${fileName}, ${format}, 'RUNNING', ${source}) RETURNING id`,
    );
    return row.id;
  }

  /** The hash and size of the bytes as given (chain of custody), known once the whole input was read. */
  async setHash(batchIds: string[], sha256: string, byteSize: number): Promise<void> {
    await run(this.db, sql`UPDATE import_batch SET sha256 = ${sha256}, byte_size = ${byteSize} WHERE id = ANY(${batchIds}::bigint[])`);
  }

  /** The counters a finished batch is judged by (export caps, empty files). */
  async recordsRead(batchId: string): Promise<number> {
    const [row] = await run<{ records_read: number }>(this.db, sql`SELECT records_read FROM import_batch WHERE id = ${batchId}`);
    return row.records_read;
  }

  async finish(batchId: string, warnings: string[]): Promise<void> {
    await run(
      this.db,
      sql`UPDATE import_batch SET status = 'SUCCEEDED', finished_at = now(), warnings = warnings || ${JSON.stringify(warnings)}::jsonb WHERE id = ${batchId}`,
    );
  }

  /** `message` is for the user: what failed and what to do. */
  async fail(batchId: string, message: string): Promise<void> {
    await run(this.db, sql`UPDATE import_batch SET status = 'FAILED', finished_at = now(), error = ${message.slice(0, 2000)} WHERE id = ${batchId}`);
  }

  /** Marks batches left RUNNING by a process that died as FAILED, saying how to complete them. Answers how many. */
  async markInterrupted(): Promise<number> {
    const update = sql`UPDATE import_batch SET status = 'FAILED', finished_at = now(), error = ${INTERRUPTED}
       WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(mins => ${STALE_AFTER_MINUTES})`;
    // TypeORM answers an UPDATE with [rows, affected row count].
    const result = await this.db.query(update.text, update.values);
    return Array.isArray(result) ? (result[1] ?? 0) : 0;
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
