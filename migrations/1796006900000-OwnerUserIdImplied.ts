import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Most records are the mailbox owner's own access: UserId is the owner's UPN, ~20 bytes per record repeated from the
 * mailbox row. The import now stores user_id NULL when it is exactly the record's mailbox UPN (as stored on the
 * mailbox row), and the API and exports read coalesce(user_id, mailbox UPN). Rows stored before keep their text: both
 * forms read the same.
 */
export class OwnerUserIdImplied1796006900000 implements MigrationInterface {
  name = 'OwnerUserIdImplied1796006900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "audit_record" ALTER COLUMN "user_id" DROP NOT NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "audit_record" r SET "user_id" = coalesce(m."user_principal_name", '')
      FROM "audit_record" x LEFT JOIN "mailbox" m ON m."id" = x."mailbox_id" AND m."org_id" = x."org_id"
      WHERE x."user_id" IS NULL AND r."id" = x."id" AND r."org_id" = x."org_id"`);
    await queryRunner.query('ALTER TABLE "audit_record" ALTER COLUMN "user_id" SET NOT NULL');
  }
}
