import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Since OwnerUserIdImplied the importer leaves two record fields NULL where other rows give them back:
 * audit_record.user_id when it is the mailbox's UPN, and client_ip_raw when it is the canonical IPv4 address of the
 * record's client IP (chunk-plan.ts, storedUserId and storedRawAddress). So those rows must not change under the
 * records: a mailbox's UPN is refused any change (nothing renames one; a rename or merge would first have to write
 * the implied UserIds into the records, as down does). Down writes both fields back, so older code reads them.
 */
export class ImpliedRecordValues1796007000000 implements MigrationInterface {
  name = 'ImpliedRecordValues1796007000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION mailbox_upn_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'mailbox.user_principal_name never changes: records leave their UserId implied by it'
        USING ERRCODE = 'integrity_constraint_violation'; END $$`);
    await queryRunner.query(`CREATE TRIGGER mailbox_upn_fixed BEFORE UPDATE OF user_principal_name ON mailbox FOR EACH ROW
      WHEN (OLD.user_principal_name IS DISTINCT FROM NEW.user_principal_name) EXECUTE FUNCTION mailbox_upn_fixed()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER mailbox_upn_fixed ON mailbox');
    await queryRunner.query('DROP FUNCTION mailbox_upn_fixed()');
    await queryRunner.query(`UPDATE "audit_record" r SET "client_ip_raw" = host(c."address") FROM "client_ip" c
      WHERE r."client_ip_raw" IS NULL AND c."id" = r."client_ip_id" AND c."org_id" = r."org_id" AND c."version" = 4`);
  }
}
