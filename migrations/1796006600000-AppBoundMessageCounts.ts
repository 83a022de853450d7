import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * App.boundMessageCount was counted on every request: the distinct messages bound through an app across the whole
 * organisation. For Exchange's own AppId that is every OWA record, so contract 10 took ~3 s at 1M records and would
 * near the read timeout at 10M. The import now keeps the count on the app row (src/import/load/app-message-counts.ts);
 * this fills it for what is stored. NULL means "to be counted" (a bulk load counts once at its end).
 */
export class AppBoundMessageCounts1796006600000 implements MigrationInterface {
  name = 'AppBoundMessageCounts1796006600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "app" ADD "bound_message_count" bigint');
    await queryRunner.query(`UPDATE "app" a SET "bound_message_count" = coalesce(c.n, 0)
      FROM "app" t LEFT JOIN (
        SELECT r.org_id, lower(coalesce(r.client_app_id, r.app_id)) AS app_key, count(DISTINCT x.message_id) AS n
        FROM "audit_record" r JOIN "message_access" x ON x.record_id = r.id AND x.org_id = r.org_id
        WHERE coalesce(r.client_app_id, r.app_id) IS NOT NULL GROUP BY 1, 2) c ON c.org_id = t.org_id AND c.app_key = t.app_id
      WHERE t.id = a.id AND t.org_id = a.org_id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "app" DROP COLUMN "bound_message_count"');
  }
}
