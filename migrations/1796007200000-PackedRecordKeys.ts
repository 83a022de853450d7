import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A key stored as a uuid: exactly the text PostgreSQL prints for one (storedRecordKey, src/import/normalize). */
const CANONICAL_GUID = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/**
 * audit_record keeps a lower-case GUID key (nearly every key: AuditData.Id) as a 16-byte uuid, `record_uuid`,
 * instead of 37 bytes of text; any other key (`sha256:` content keys, opaque tokens, Id conflicts' `<Id>#<sha256>`)
 * stays text, in `record_key_text` (the column `record_key` renamed). 51 bytes less per record at 200k, row and
 * unique index (docs/PERFORMANCE.md, eleventh session).
 *
 * Each key has exactly one of the two, by one rule, so a unique index on each (partial: where it is set) keeps keys
 * unique as the one constraint did. `record_key(audit_record)` gives the key back as text, and PostgreSQL resolves
 * `r.record_key` on a record row to it, so every query that read the column reads the same text; the rename makes
 * anything that names the old column fail loudly. The table is rewritten once.
 */
export class PackedRecordKeys1796007200000 implements MigrationInterface {
  name = 'PackedRecordKeys1796007200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Dropped first so the rewrite does not rebuild it; its two successors are built after.
    await queryRunner.query('ALTER TABLE "audit_record" DROP CONSTRAINT "uq_audit_record_org_key"');
    await queryRunner.query('ALTER TABLE "audit_record" ADD COLUMN "record_uuid" uuid, ALTER COLUMN "record_key" DROP NOT NULL');
    // One rewrite: both USING read the row as it was before this statement.
    await queryRunner.query(`ALTER TABLE "audit_record"
      ALTER COLUMN "record_uuid" TYPE uuid USING CASE WHEN "record_key" ~ ${CANONICAL_GUID} THEN "record_key"::uuid END,
      ALTER COLUMN "record_key" TYPE text USING CASE WHEN "record_key" ~ ${CANONICAL_GUID} THEN NULL ELSE "record_key" END`);
    await queryRunner.query('ALTER TABLE "audit_record" RENAME COLUMN "record_key" TO "record_key_text"');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_audit_record_org_uuid" ON "audit_record" ("org_id", "record_uuid") WHERE record_uuid IS NOT NULL');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_audit_record_org_key_text" ON "audit_record" ("org_id", "record_key_text") WHERE record_key_text IS NOT NULL');
    await queryRunner.query(`CREATE FUNCTION record_key(r audit_record) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(r.record_key_text, r.record_uuid::text) $$`);
    // The rewrite leaves the new column without statistics; the import's key lookups are planned on them.
    await queryRunner.query('ANALYZE "audit_record"');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION record_key(audit_record)');
    await queryRunner.query('DROP INDEX "uq_audit_record_org_uuid"');
    await queryRunner.query('DROP INDEX "uq_audit_record_org_key_text"');
    await queryRunner.query('ALTER TABLE "audit_record" RENAME COLUMN "record_key_text" TO "record_key"');
    await queryRunner.query('ALTER TABLE "audit_record" ALTER COLUMN "record_key" TYPE text USING coalesce("record_key", "record_uuid"::text)');
    await queryRunner.query('ALTER TABLE "audit_record" ALTER COLUMN "record_key" SET NOT NULL, DROP COLUMN "record_uuid"');
    await queryRunner.query('ALTER TABLE "audit_record" ADD CONSTRAINT "uq_audit_record_org_key" UNIQUE ("org_id", "record_key")');
  }
}
