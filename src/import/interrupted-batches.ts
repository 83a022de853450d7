/**
 * A batch is RUNNING only while its importing session holds the advisory lock on its id (import-connection.ts).
 * A RUNNING batch without that lock belongs to a process or a database session that is gone: it is marked FAILED
 * at once, whenever anything opens the database, instead of after a heartbeat timeout.
 */
import type { DataSource } from 'typeorm';

export const INTERRUPTED_MESSAGE =
  'INTERRUPTED: the importing process or its database session stopped before the end of the file. ' +
  'Import the same file again: records already loaded are kept and not duplicated, and the new batch says which batch it completes.';

/** Returns the ids of the batches it marked. */
export async function markInterruptedBatches(dataSource: DataSource): Promise<string[]> {
  // A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32 bits), objsubid 1.
  const result: [{ id: string }[], number] = await dataSource.query(
    `UPDATE import_batch b SET status = 'FAILED', finished_at = now(), error = $1
     WHERE b.status = 'RUNNING' AND NOT EXISTS (
       SELECT 1 FROM pg_locks l
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND (l.classid::bigint << 32 | l.objid::bigint) = b.id)
     RETURNING b.id::text`,
    [INTERRUPTED_MESSAGE],
  );
  // TypeORM answers an UPDATE with [rows, affected count].
  return result[0].map((r) => r.id);
}
