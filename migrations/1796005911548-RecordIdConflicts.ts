import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RecordIdConflicts1796005911548 implements MigrationInterface {
  name = 'RecordIdConflicts1796005911548';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"audit_record\" ADD \"conflicts_with_id\" bigint");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"audit_record\" DROP COLUMN \"conflicts_with_id\"");
  }
}
