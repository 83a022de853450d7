/**
 * Planner statistics after a load. Autovacuum analyses a grown table only minutes later, and until then the planner
 * works from the old (or no) statistics: contract 01 measured 274 ms right after a 264k-record import and 29 ms
 * after ANALYZE. So the importer analyses the tables it grew itself, as soon as the import has grown them by as
 * much as autovacuum waits for (10 %, the default autovacuum_analyze_scale_factor).
 */
import type { Pool } from 'pg';

/** Every table an import inserts into or updates. */
export const IMPORT_TABLES = [
  'audit_record',
  'message_access',
  'folder_sync',
  'mailbox',
  'session',
  'client_ip',
  'folder',
  'session_client_ip',
  'session_mailbox',
  'client_ip_mailbox',
  'message',
  'message_detail',
  'folder_inventory',
] as const;

/** Below this many new records the tables barely change and ANALYZE (~1 s on millions of rows) is not worth it. */
export const ANALYZE_MIN_RECORDS = 1_000;
const ANALYZE_SCALE_FACTOR = 0.1;

/** Analyses the import tables when `insertedRecords` is a meaningful growth of audit_record; says whether it did. */
export async function refreshStatisticsAfterImport(pool: Pool, insertedRecords: number): Promise<boolean> {
  if (insertedRecords < ANALYZE_MIN_RECORDS) return false;
  // reltuples is what the planner last learnt (-1: never analysed); it still excludes this import's rows.
  const { rows } = await pool.query<{ known: number }>(`SELECT reltuples::float8 AS known FROM pg_class WHERE oid = 'audit_record'::regclass`);
  const known = rows[0]?.known ?? -1;
  if (known > 0 && insertedRecords < known * ANALYZE_SCALE_FACTOR) return false;
  await pool.query(`ANALYZE ${IMPORT_TABLES.join(', ')}`);
  return true;
}
