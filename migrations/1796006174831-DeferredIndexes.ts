import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeferredIndexes1796006174831 implements MigrationInterface {
  name = 'DeferredIndexes1796006174831';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"deferred_index\" (\"org_id\" integer NOT NULL, \"index_name\" text NOT NULL, \"definition\" text NOT NULL, CONSTRAINT \"pk_deferred_index\" PRIMARY KEY (\"org_id\", \"index_name\"))");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE \"deferred_index\"");
  }
}
