import zlib from 'node:zlib';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13: original records byte-exact in compressed evidence blocks, with a SHA-256 each, instead of a jsonb copy.
 * Records already stored keep their jsonb (the only copy left) and are marked raw_exact = false, their hash taken
 * over the jsonb text, so `mailtrail verify` checks them too and says they are not byte-exact.
 */
export class VerbatimEvidence1795999000000 implements MigrationInterface {
  name = 'VerbatimEvidence1795999000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "evidence_block" ("id" bigint NOT NULL, "org_id" integer NOT NULL, "record_count" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "pk_evidence_block" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "audit_record" ALTER COLUMN "raw" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "audit_record" ADD "raw_block_id" bigint`);
    await queryRunner.query(`ALTER TABLE "audit_record" ADD "raw_offset" integer`);
    await queryRunner.query(`ALTER TABLE "audit_record" ADD "raw_length" integer`);
    // Rows already there were moved from jsonb: not exact. New rows default to exact (the loader says so anyway).
    await queryRunner.query(`ALTER TABLE "audit_record" ADD "raw_exact" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "audit_record" ALTER COLUMN "raw_exact" SET DEFAULT true`);
    await queryRunner.query(`ALTER TABLE "audit_record" ADD "raw_sha256" bytea`);
    await queryRunner.query(`UPDATE "audit_record" SET "raw_sha256" = sha256(convert_to("raw"::text, 'UTF8'))`);
    await queryRunner.query(`ALTER TABLE "audit_record" ALTER COLUMN "raw_sha256" SET NOT NULL`);
  }

  /** Puts each block-stored record's text back into jsonb (decompressed here: brotli is Node's, not PostgreSQL's). */
  public async down(queryRunner: QueryRunner): Promise<void> {
    for (let after = '0'; ; ) {
      const blocks: { id: string; data: Buffer }[] = await queryRunner.query(
        `SELECT id::text, data FROM "evidence_block" WHERE id > $1::bigint ORDER BY id LIMIT 500`, [after]);
      if (blocks.length === 0) break;
      after = blocks[blocks.length - 1].id;
      const records: { id: string; block: string; start: number; size: number }[] = await queryRunner.query(
        `SELECT id::text, raw_block_id::text AS block, raw_offset AS start, raw_length AS size FROM "audit_record"
         WHERE raw_block_id = ANY($1::bigint[]) AND raw IS NULL`, [blocks.map((b) => b.id)]);
      const plain = new Map(blocks.map((b) => [b.id, zlib.brotliDecompressSync(b.data)]));
      const texts = records.map((r) => plain.get(r.block)!.subarray(r.start, r.start + r.size).toString('utf8'));
      await queryRunner.query(`UPDATE "audit_record" r SET raw = u.t::jsonb FROM unnest($1::bigint[], $2::text[]) AS u(id, t) WHERE r.id = u.id`,
        [records.map((r) => r.id), texts]);
    }
    await queryRunner.query(`ALTER TABLE "audit_record" DROP COLUMN "raw_sha256"`);
    await queryRunner.query(`ALTER TABLE "audit_record" DROP COLUMN "raw_exact"`);
    await queryRunner.query(`ALTER TABLE "audit_record" DROP COLUMN "raw_length"`);
    await queryRunner.query(`ALTER TABLE "audit_record" DROP COLUMN "raw_offset"`);
    await queryRunner.query(`ALTER TABLE "audit_record" DROP COLUMN "raw_block_id"`);
    await queryRunner.query(`ALTER TABLE "audit_record" ALTER COLUMN "raw" SET NOT NULL`);
    await queryRunner.query(`DROP TABLE "evidence_block"`);
  }
}
