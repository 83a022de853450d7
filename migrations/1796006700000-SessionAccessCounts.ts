import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session's boundMessageCount and its messageAccesses.totalCount were counted on every request, one statement and
 * a read of all its accesses (contract 01 asks both for each session of an IP). The import now keeps both on the
 * session row (src/import/load/session-counts.ts); this fills them for what is stored. NULL means "to be counted":
 * an import marks the sessions it touches and counts them once at its end.
 */
export class SessionAccessCounts1796006700000 implements MigrationInterface {
  name = 'SessionAccessCounts1796006700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "session" ADD "message_access_count" bigint, ADD "bound_message_count" bigint');
    await queryRunner.query(`UPDATE "session" s SET "message_access_count" = coalesce(c.n, 0), "bound_message_count" = coalesce(c.m, 0)
      FROM "session" t LEFT JOIN (
        SELECT r.org_id, r.session_id, count(*) AS n, count(DISTINCT x.message_id) AS m
        FROM "audit_record" r JOIN "message_access" x ON x.record_id = r.id AND x.org_id = r.org_id
        WHERE r.session_id IS NOT NULL GROUP BY 1, 2) c ON c.org_id = t.org_id AND c.session_id = t.id
      WHERE t.id = s.id AND t.org_id = s.org_id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "session" DROP COLUMN "message_access_count", DROP COLUMN "bound_message_count"');
  }
}
