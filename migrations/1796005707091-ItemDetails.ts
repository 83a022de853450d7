import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-item details of newer Bind records on message_access (time, store id, subject, sensitivity labels); items
 * without an InternetMessageId become dictionary messages known by item id (internet_message_id null); the batch keeps
 * its normalisation notes structured (counts and example records).
 */
export class ItemDetails1796005707091 implements MigrationInterface {
  name = 'ItemDetails1796005707091';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"import_batch\" ADD \"notes\" jsonb NOT NULL DEFAULT '[]'");
    await queryRunner.query("ALTER TABLE \"message_access\" ADD \"item_time\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"message_access\" ADD \"item_id\" text");
    await queryRunner.query("ALTER TABLE \"message_access\" ADD \"subject\" text");
    await queryRunner.query("ALTER TABLE \"message_access\" ADD \"sensitivity_labels\" text array");
    await queryRunner.query("ALTER TABLE \"message\" ALTER COLUMN \"internet_message_id\" DROP NOT NULL");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"message\" ALTER COLUMN \"internet_message_id\" SET NOT NULL");
    await queryRunner.query("ALTER TABLE \"message_access\" DROP COLUMN \"sensitivity_labels\"");
    await queryRunner.query("ALTER TABLE \"message_access\" DROP COLUMN \"subject\"");
    await queryRunner.query("ALTER TABLE \"message_access\" DROP COLUMN \"item_id\"");
    await queryRunner.query("ALTER TABLE \"message_access\" DROP COLUMN \"item_time\"");
    await queryRunner.query("ALTER TABLE \"import_batch\" DROP COLUMN \"notes\"");
  }
}
