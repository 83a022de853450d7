import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The AppId index kept every record's time and id (86 bytes per record at 1M records), but the only statement that
 * can use it (distinct messages bound by an app, app.service.ts) looks records up by AppId and needs no order:
 * `(org_id, app_id)` serves it, and with few distinct AppIds its entries deduplicate to a few bytes per record.
 */
export class NarrowAppIndex1796006400000 implements MigrationInterface {
  name = 'NarrowAppIndex1796006400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_audit_record_org_app_time"');
    await queryRunner.query('CREATE INDEX "ix_audit_record_org_app" ON "audit_record" ("org_id", "app_id") ');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_audit_record_org_app"');
    await queryRunner.query('CREATE INDEX "ix_audit_record_org_app_time" ON "audit_record" ("org_id", "app_id", "creation_time", "id") ');
  }
}
