/**
 * Index builds deferred for a bulk load into empty tables. Maintaining the search indexes of audit_record,
 * message_access and folder_sync row by row is most of what a first large import costs PostgreSQL; building them
 * once at the end, from sorted data, is several times cheaper. So a large import that finds those tables empty
 * (every organisation's, since indexes are per table) drops their non-unique indexes, and builds them again when it
 * ends, whether it succeeded or failed. Unique indexes stay: the load relies on them.
 *
 * Each dropped index's definition is kept in deferred_index first, in the same transaction, so nothing is lost if the
 * importer dies: the next import (or server start) builds whatever is listed there. A session advisory lock, held by
 * the deferring import until it has rebuilt them, keeps anyone else from rebuilding them under its feet.
 */
import type { PoolClient } from 'pg';

/** The tables whose search indexes a bulk load defers. */
export const DEFERRABLE_TABLES = ['audit_record', 'message_access', 'folder_sync'] as const;

/** Advisory lock (two-int form) held while indexes are deferred, or while someone rebuilds them. */
const DEFER_LOCK = [0x64656678, 0]; // "defx"

/** Imports at least this large (bytes of input) defer index builds when they can. */
export const DEFER_INDEXES_FROM_BYTES = 64 << 20;

async function rollback(client: PoolClient): Promise<void> {
  await client.query('ROLLBACK').catch(() => undefined);
}

/**
 * Drops the search indexes of DEFERRABLE_TABLES when all three are empty. Returns true when it did: the caller then
 * holds the lock and must call rebuildDeferredIndexes(client, true) when the import ends.
 */
export async function deferIndexes(client: PoolClient, orgId: number): Promise<boolean> {
  const { rows } = await client.query('SELECT pg_try_advisory_lock($1, $2) AS got', DEFER_LOCK);
  if (!rows[0].got) return false;
  let deferred = false;
  try {
    await client.query('BEGIN');
    // Never wait behind a reader: deferring is an optimisation, not worth stalling anyone.
    await client.query("SET LOCAL lock_timeout = '2s'");
    await client.query(`LOCK TABLE ${DEFERRABLE_TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    const empty = await client.query(
      `SELECT ${DEFERRABLE_TABLES.map((t) => `NOT EXISTS (SELECT 1 FROM ${t})`).join(' AND ')} AS empty`,
    );
    if (!empty.rows[0].empty) {
      await rollback(client);
      return false;
    }
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       WHERE t.relname = ANY($1::text[]) AND t.relnamespace = current_schema()::regnamespace AND NOT i.indisunique AND NOT i.indisprimary`,
      [DEFERRABLE_TABLES],
    );
    for (const index of indexes) {
      await client.query('INSERT INTO deferred_index (org_id, index_name, definition) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [orgId, index.name, index.definition]);
      await client.query(`DROP INDEX ${quoteIdent(index.name)}`);
    }
    await client.query('COMMIT');
    deferred = indexes.length > 0;
    return deferred;
  } catch {
    // A lock not granted in time (a long query on the tables) or the like: load with the indexes in place.
    await rollback(client);
    return false;
  } finally {
    if (!deferred) await client.query('SELECT pg_advisory_unlock($1, $2)', DEFER_LOCK).catch(() => undefined);
  }
}

/**
 * Builds every index listed in deferred_index and forgets it. `holdingLock`: the caller deferred them and holds the
 * lock (released here). Otherwise it rebuilds only when no import is deferring (a leftover of an importer that died)
 * and returns 0 without waiting when one is. Returns how many indexes it built.
 */
export async function rebuildDeferredIndexes(client: PoolClient, holdingLock = false): Promise<number> {
  if (!holdingLock) {
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1, $2) AS got', DEFER_LOCK);
    if (!rows[0].got) return 0;
  }
  try {
    const { rows } = await client.query<{ org_id: number; index_name: string; definition: string }>(
      'SELECT org_id, index_name, definition FROM deferred_index ORDER BY index_name',
    );
    for (const index of rows) {
      await client.query('BEGIN');
      try {
        // An index build over millions of rows outlasts any per-statement limit; more sort memory makes it faster.
        await client.query('SET LOCAL statement_timeout = 0');
        await client.query("SET LOCAL maintenance_work_mem = '256MB'");
        await client.query(index.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
        await client.query('DELETE FROM deferred_index WHERE org_id = $1 AND index_name = $2', [index.org_id, index.index_name]);
        await client.query('COMMIT');
      } catch (error) {
        await rollback(client);
        throw error;
      }
    }
    return rows.length;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', DEFER_LOCK).catch(() => undefined);
  }
}

/**
 * Unique indexes a load fills in the order of hashed or random keys (a message's key hash, a record's Id), so page
 * splits leave their pages ~70 % full. Measured at 1M records: 107 and 89 MB, 83 and 68 MB rebuilt (45 bytes per
 * record less), in 3.6 s. They cannot be deferred (the load relies on them), so a bulk load rebuilds them at its end.
 */
export const HASH_ORDERED_INDEXES = ['uq_audit_record_org_key_text', 'uq_audit_record_org_uuid', 'uq_message_org_key'] as const;

/**
 * Rebuilds HASH_ORDERED_INDEXES compactly, CONCURRENTLY: the API's reads and other imports go on meanwhile. A failed
 * rebuild leaves an invalid copy (`<name>_ccnew`), dropped here before the error is passed on; the index itself
 * stays as it was, so a failure costs disk, never a lookup.
 */
export async function compactHashOrderedIndexes(client: PoolClient): Promise<void> {
  await client.query('SET statement_timeout = 0');
  try {
    for (const name of HASH_ORDERED_INDEXES) {
      try {
        await client.query(`REINDEX INDEX CONCURRENTLY ${quoteIdent(name)}`);
      } catch (error) {
        await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(`${name}_ccnew`)}`).catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.query('RESET statement_timeout').catch(() => undefined);
  }
}

/** A name read from the catalog, quoted for a statement's text (DDL takes no parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
