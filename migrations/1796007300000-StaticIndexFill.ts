import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables written once by an import and then only read: their indexes gain nothing from free space in a page. */
const STATIC_TABLES = ['audit_record', 'message_access', 'message', 'folder_sync', 'evidence_block'];

/**
 * B-tree leaf pages of these tables' indexes are filled to 100 % instead of PostgreSQL's 90 % when an index is built
 * (a bulk load's deferred builds and its rebuild of the hash-ordered unique indexes, src/import/load/deferred-indexes.ts,
 * read the setting back from pg_get_indexdef) and when it grows at its right end (ids, times). The free 10 % only
 * spares page splits for rows inserted into the middle later, and an evidence store is written once per import and
 * then read: at 1M records, 10 % of 564 MB of indexes, ~55 bytes per record (docs/PERFORMANCE.md, twelfth session).
 * A later import that adds into the middle splits pages as before (half full, as it would once the 10 % are used).
 *
 * Indexes already built keep their pages until rebuilt (`REINDEX TABLE audit_record` and so on, or the next bulk load
 * into an empty store): the setting alone does not rewrite anything, so this migration is instant on any store.
 */
export class StaticIndexFill1796007300000 implements MigrationInterface {
  name = 'StaticIndexFill1796007300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of await indexesOf(queryRunner)) await queryRunner.query(`ALTER INDEX "${index}" SET (fillfactor = 100)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of await indexesOf(queryRunner)) await queryRunner.query(`ALTER INDEX "${index}" RESET (fillfactor)`);
  }
}

/** Every B-tree index of STATIC_TABLES in the current schema, by name. */
async function indexesOf(queryRunner: QueryRunner): Promise<string[]> {
  const rows: { name: string }[] = await queryRunner.query(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_am am ON am.oid = c.relam
     WHERE t.relname = ANY($1::text[]) AND t.relnamespace = current_schema()::regnamespace AND am.amname = 'btree'
     ORDER BY 1`,
    [STATIC_TABLES],
  );
  return rows.map((r) => r.name);
}
