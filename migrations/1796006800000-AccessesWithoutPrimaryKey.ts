import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * message_access's primary key `(id, org_id)` was 100 bytes per record (a 12-byte key per access, ~3.2 accesses per
 * record) and no statement reads through it: accesses are found by record, message or folder, and the id is only
 * the cursor's tie-break, read from the row. The identity column keeps ids unique without it (the importer never
 * writes an id). REPLICA IDENTITY FULL keeps the table usable under logical replication (Citus shard moves), which
 * otherwise needs a primary key to publish deletes. docs/SCALING.md lists this exception to "every table has a
 * primary key"; schema-org-keys.test.ts holds it.
 */
export class AccessesWithoutPrimaryKey1796006800000 implements MigrationInterface {
  name = 'AccessesWithoutPrimaryKey1796006800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "message_access" DROP CONSTRAINT "pk_message_access"');
    await queryRunner.query('ALTER TABLE "message_access" REPLICA IDENTITY FULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "message_access" REPLICA IDENTITY DEFAULT');
    await queryRunner.query('ALTER TABLE "message_access" ADD CONSTRAINT "pk_message_access" PRIMARY KEY ("id", "org_id")');
  }
}
