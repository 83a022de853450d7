import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeyExpiry1796000571012 implements MigrationInterface {
  name = 'ApiKeyExpiry1796000571012';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"api_key\" ADD \"expires_at\" TIMESTAMP WITH TIME ZONE");
    // Running servers LISTEN on this channel and forget their cached keys: a revocation (by the CLI, another
    // server or plain SQL) takes effect on the next request instead of after the cache time.
    await queryRunner.query(`CREATE FUNCTION api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('mailtrail_api_key_changed', ''); RETURN NULL; END $$`);
    await queryRunner.query(
      'CREATE TRIGGER api_key_changed AFTER UPDATE OF revoked_at, expires_at, role, org_id, key_hash OR DELETE ON api_key FOR EACH STATEMENT EXECUTE FUNCTION api_key_changed()',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER api_key_changed ON api_key');
    await queryRunner.query('DROP FUNCTION api_key_changed()');
    await queryRunner.query("ALTER TABLE \"api_key\" DROP COLUMN \"expires_at\"");
  }
}
