import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportBatchImportedBy1796005726489 implements MigrationInterface {
  name = 'ImportBatchImportedBy1796005726489';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"import_batch\" ADD \"imported_by\" text");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"import_batch\" DROP COLUMN \"imported_by\"");
  }
}
