import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * folder_sync with a 4-byte folder id and no primary key, on a store where NarrowAccessRows ran before it covered
 * folder_sync. The thirteenth session's first commit of NarrowAccessRows (a58117e) narrowed message_access only; the
 * migration was then extended to folder_sync (d0dc13e), and a database migrated in between would never get that part.
 * Anywhere else NarrowAccessRows already did it, and this does nothing.
 *
 * The column's type is changed in place (a rewrite with its indexes rebuilt under their names and settings), not
 * rebuilt in NarrowAccessRows' column order: such stores are rare, and their rows stay 8 bytes wider.
 * The down does nothing: NarrowAccessRows' down puts folder_sync back as it was before either.
 */
export class NarrowFolderSyncs1796007600000 implements MigrationInterface {
  name = 'NarrowFolderSyncs1796007600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const [{ type }] = await queryRunner.query(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'folder_sync'::regclass AND attname = 'folder_id'`,
    );
    if (type === 'integer') return;
    await queryRunner.query('ALTER TABLE "folder_sync" DROP CONSTRAINT IF EXISTS "pk_folder_sync"');
    await queryRunner.query('ALTER TABLE "folder_sync" ALTER COLUMN "folder_id" TYPE integer');
    await queryRunner.query('ALTER TABLE "folder_sync" REPLICA IDENTITY FULL');
    await queryRunner.query('ANALYZE "folder_sync"');
  }

  public async down(): Promise<void> {
    // Nothing: see above.
  }
}
