import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQL twin of isPlaceholderId (src/import/normalize/session-identity.ts) as it was when this migration was
 * written: empty, a placeholder word, or only zeros / x's once punctuation is removed.
 */
const placeholder = (column: string) => `(lower(regexp_replace(${column}, '[^A-Za-z0-9]', '', 'g')) IN
  ('', 'anonymized', 'anonymised', 'anonymous', 'redacted', 'removed', 'hidden', 'masked', 'null', 'none', 'na', 'unknown', 'undefined')
  OR lower(regexp_replace(${column}, '[^A-Za-z0-9]', '', 'g')) ~ '^(0+|x+)$')`;

/** Tables that copy the record's session (their shape may change in later migrations, so checked by name). */
async function sessionCopies(queryRunner: QueryRunner): Promise<string[]> {
  const rows: { table_name: string }[] = await queryRunner.query(
    "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'session_id' AND table_name IN ('message_access', 'folder_sync')",
  );
  return rows.map((r) => r.table_name);
}

/**
 * Re-derives sessions of records already stored, as the importer now does: placeholder ids form no session,
 * records without SessionId join the ENTRA session of their AADSessionId, and Exchange sessions learn their
 * Entra sign-in. A top-level AADSessionId was not read before, so only AppAccessContext's (the stored column) counts.
 */
async function rederiveSessions(queryRunner: QueryRunner): Promise<void> {
  const copies = await sessionCopies(queryRunner);
  await queryRunner.query(`UPDATE audit_record SET aad_session_id = NULL WHERE aad_session_id IS NOT NULL AND ${placeholder('aad_session_id')}`);
  await queryRunner.query(`CREATE TEMP TABLE placeholder_session ON COMMIT DROP AS SELECT id FROM session WHERE ${placeholder('session_id')}`);
  for (const table of ['audit_record', ...copies]) {
    await queryRunner.query(`UPDATE "${table}" SET session_id = NULL WHERE session_id IN (SELECT id FROM placeholder_session)`);
  }
  for (const table of ['session_client_ip', 'session_mailbox', 'session']) {
    await queryRunner.query(`DELETE FROM "${table}" WHERE ${table === 'session' ? 'id' : 'session_id'} IN (SELECT id FROM placeholder_session)`);
  }
  await queryRunner.query(`INSERT INTO session AS t (org_id, session_id, kind, first_seen, last_seen, record_count)
    SELECT org_id, aad_session_id, 'ENTRA', min(creation_time), max(creation_time), count(*) FROM audit_record
    WHERE session_id IS NULL AND aad_session_id IS NOT NULL GROUP BY org_id, aad_session_id
    ON CONFLICT ON CONSTRAINT uq_session_org_session_id DO UPDATE SET first_seen = LEAST(t.first_seen, EXCLUDED.first_seen),
      last_seen = GREATEST(t.last_seen, EXCLUDED.last_seen), record_count = t.record_count + EXCLUDED.record_count`);
  await queryRunner.query(`CREATE TEMP TABLE entra_record ON COMMIT DROP AS
    SELECT r.id AS record_id, s.id AS session_id, r.org_id, r.mailbox_id, r.client_ip_id, r.creation_time FROM audit_record r
    JOIN session s ON s.org_id = r.org_id AND s.session_id = r.aad_session_id WHERE r.session_id IS NULL AND r.aad_session_id IS NOT NULL`);
  for (const table of ['audit_record', ...copies]) {
    const key = table === 'audit_record' ? 'id' : 'record_id';
    await queryRunner.query(`UPDATE "${table}" x SET session_id = e.session_id FROM entra_record e WHERE x.${key} = e.record_id`);
  }
  for (const [table, other] of [['session_client_ip', 'client_ip_id'], ['session_mailbox', 'mailbox_id']]) {
    await queryRunner.query(`INSERT INTO "${table}" AS t (session_id, ${other}, org_id, first_seen, last_seen, record_count)
      SELECT session_id, ${other}, org_id, min(creation_time), max(creation_time), count(*) FROM entra_record WHERE ${other} IS NOT NULL
      GROUP BY session_id, ${other}, org_id
      ON CONFLICT (session_id, ${other}) DO UPDATE SET first_seen = LEAST(t.first_seen, EXCLUDED.first_seen),
        last_seen = GREATEST(t.last_seen, EXCLUDED.last_seen), record_count = t.record_count + EXCLUDED.record_count`);
  }
  await queryRunner.query(`UPDATE session s SET entra_session_id = l.aad FROM
    (SELECT DISTINCT ON (session_id) session_id, aad_session_id AS aad FROM audit_record
     WHERE session_id IS NOT NULL AND aad_session_id IS NOT NULL ORDER BY session_id, creation_time) l
    WHERE s.id = l.session_id AND s.kind = 'EXCHANGE' AND s.session_id <> l.aad`);
}

export class SessionKinds1796000100000 implements MigrationInterface {
  name = 'SessionKinds1796000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"session\" ADD \"kind\" character varying(8) NOT NULL DEFAULT 'EXCHANGE'");
    await queryRunner.query("ALTER TABLE \"session\" ADD \"entra_session_id\" text");
    await queryRunner.query("ALTER TABLE \"audit_record\" ADD \"unique_token_id\" text");
    await queryRunner.query("CREATE INDEX \"ix_session_org_entra\" ON \"session\"  (\"org_id\", \"entra_session_id\") ");
    await rederiveSessions(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"ix_session_org_entra\"");
    await queryRunner.query("ALTER TABLE \"audit_record\" DROP COLUMN \"unique_token_id\"");
    await queryRunner.query("ALTER TABLE \"session\" DROP COLUMN \"entra_session_id\"");
    await queryRunner.query("ALTER TABLE \"session\" DROP COLUMN \"kind\"");
  }
}
