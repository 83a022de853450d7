import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeyLastUsed1795995631739 implements MigrationInterface {
  name = 'ApiKeyLastUsed1795995631739';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"api_key\" ADD \"last_used_at\" TIMESTAMP WITH TIME ZONE");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"api_key\" DROP COLUMN \"last_used_at\"");
  }
}
