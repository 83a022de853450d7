import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An AppId stored as a uuid: exactly the text PostgreSQL prints for one (storedGuid, src/import/normalize). */
const CANONICAL_GUID = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/**
 * Operations stored as a 2-byte code (position + 1), spelt exactly so; this migration's copy of OPERATION_CODES
 * (src/import/normalize/operation-code.ts) as it was when it ran: the function below is built from it.
 */
const OPERATIONS = [
  'MailItemsAccessed', 'Send', 'SendAs', 'SendOnBehalf', 'Create', 'Update', 'Copy', 'Move', 'MoveToDeletedItems',
  'SoftDelete', 'HardDelete', 'FolderBind', 'MessageBind', 'MailboxLogin', 'SearchQueryInitiatedExchange',
  'UpdateInboxRules', 'New-InboxRule', 'Set-InboxRule', 'Remove-InboxRule', 'Enable-InboxRule', 'Disable-InboxRule',
  'AddFolderPermissions', 'ModifyFolderPermissions', 'RemoveFolderPermissions', 'UpdateFolderPermissions',
  'UpdateCalendarDelegation', 'ApplyRecord', 'RecordDelete', 'UpdateComplianceTag', 'AttachmentAccess',
  'Set-Mailbox', 'Add-MailboxPermission', 'Remove-MailboxPermission', 'Add-RecipientPermission',
  'Remove-RecipientPermission', 'Add-MailboxFolderPermission', 'Set-MailboxFolderPermission',
  'Remove-MailboxFolderPermission', 'New-TransportRule', 'Set-TransportRule', 'UserLoggedIn', 'UserLoginFailed',
];
/** The code of an operation text (column `o.operation`), NULL when it has none. */
const CODE_OF_OPERATION = `CASE o.operation ${OPERATIONS.map((op, i) => `WHEN '${op}' THEN ${i + 1}`).join(' ')} END`;

/**
 * audit_record's columns, widest alignment first. PostgreSQL aligns each 8-byte value to 8 bytes, so the old order
 * (a 4-byte column before each 8-byte one) padded ~16 bytes per row. Short texts, bytea and uuid need no alignment
 * and come last.
 */
const COLUMNS = `
  id bigint NOT NULL, creation_time timestamptz NOT NULL, batch_id bigint NOT NULL,
  mailbox_id bigint, session_id bigint, client_ip_id bigint, raw_block_id bigint, conflicts_with_id bigint,
  org_id integer NOT NULL, source_line integer NOT NULL, record_type integer, operation_count integer,
  raw_offset integer, raw_length integer, client_info_id integer,
  logon_type smallint, user_type smallint, operation_code smallint, raw_exact boolean NOT NULL DEFAULT true, is_throttled boolean,
  record_uuid uuid, app_uuid uuid, raw_sha256 bytea NOT NULL, operation_text text, mail_access_type varchar(4),
  client_ip_raw text, app_id_text text, record_key_text text, user_id text, client_app_id text, aad_session_id text,
  unique_token_id text, raw jsonb`;

/** The old table's values for COLUMNS, in that order (the old table is `o`, the dictionary of client info `c`). */
const VALUES = `
  o.id, o.creation_time, o.batch_id, o.mailbox_id, o.session_id, o.client_ip_id, o.raw_block_id, o.conflicts_with_id,
  o.org_id, o.source_line, o.record_type, o.operation_count, o.raw_offset, o.raw_length, c.id,
  o.logon_type, o.user_type, ${CODE_OF_OPERATION}, o.raw_exact, o.is_throttled,
  o.record_uuid, CASE WHEN o.app_id ~ ${CANONICAL_GUID} THEN o.app_id::uuid END, o.raw_sha256,
  CASE WHEN ${CODE_OF_OPERATION} IS NULL THEN o.operation END, o.mail_access_type,
  o.client_ip_raw, CASE WHEN o.app_id ~ ${CANONICAL_GUID} THEN NULL ELSE o.app_id END, o.record_key_text, o.user_id,
  o.client_app_id, o.aad_session_id, o.unique_token_id, o.raw`;

/**
 * Denser audit_record rows (~75 bytes less per record at 1M, docs/PERFORMANCE.md, twelfth session):
 * - columns ordered by alignment (above), ~16 bytes;
 * - AppId as a 16-byte uuid when it is a lower-case GUID (nearly always: the first-party app ids), else as text in
 *   `app_id_text`, as record keys are stored (PackedRecordKeys); 21 bytes;
 * - ClientInfoString in a dictionary, `client_info` (a tenant has a few hundred distinct ones: "Client=OWA;...",
 *   Outlook's and browsers' user agents, often 100+ characters), a 4-byte id in the row; 24 bytes on generated data,
 *   more on real data;
 * - Operation as a 2-byte code when it is one of OPERATIONS spelt exactly (nearly every record), else as text in
 *   `operation_text`; ~14 bytes. One of the two is always set (CHECK).
 *
 * `operation(audit_record)`, `app_id(audit_record)` and `client_info_string(audit_record)` give the texts back, so
 * `r.operation`, `r.app_id` and `r.client_info_string` on a record row read what they read before; the old columns
 * are gone, so anything that still names them fails loudly. The table is rebuilt once (a new table, filled from the old one, renamed), its indexes
 * built after with the same names and definitions; the (org_id, AppId) index is on the same expression the function
 * returns, so lookups by AppId still use it. Every index keeps its storage settings (fillfactor, StaticIndexFill).
 */
export class DenseRecordRows1796007400000 implements MigrationInterface {
  name = 'DenseRecordRows1796007400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "client_info" (
      "org_id" integer NOT NULL, "id" integer GENERATED BY DEFAULT AS IDENTITY, "text" text NOT NULL, "text_sha256" bytea NOT NULL,
      CONSTRAINT "pk_client_info" PRIMARY KEY ("id", "org_id"),
      CONSTRAINT "uq_client_info_org_text" UNIQUE ("org_id", "text_sha256"))`);
    await queryRunner.query(`INSERT INTO "client_info" ("org_id", "text", "text_sha256")
      SELECT DISTINCT org_id, client_info_string, sha256(convert_to(client_info_string, 'UTF8')) FROM audit_record
       WHERE client_info_string IS NOT NULL ORDER BY 1, 2`);

    const indexes: { name: string; definition: string; is_pk: boolean }[] = await queryRunner.query(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisprimary AS is_pk
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'audit_record'::regclass ORDER BY 1`,
    );
    // The identity goes with the old table: the new one continues where it stopped, never reusing an id.
    const [{ next }] = await queryRunner.query(
      `SELECT greatest(coalesce((SELECT max(id) FROM audit_record), 0) + 1,
         (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM audit_record_id_seq))::text AS next`,
    );

    await queryRunner.query(`CREATE TABLE "audit_record_dense" (${COLUMNS})`);
    await queryRunner.query(`INSERT INTO "audit_record_dense" SELECT ${VALUES} FROM audit_record o
      LEFT JOIN client_info c ON c.org_id = o.org_id AND c.text_sha256 = sha256(convert_to(o.client_info_string, 'UTF8'))`);
    await queryRunner.query('DROP FUNCTION record_key(audit_record)');
    await queryRunner.query('DROP TABLE "audit_record"');
    await queryRunner.query('ALTER TABLE "audit_record_dense" RENAME TO "audit_record"');
    await queryRunner.query(`ALTER TABLE "audit_record" ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME "audit_record_id_seq" START WITH ${next})`);

    await queryRunner.query(`CREATE FUNCTION record_key(r audit_record) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(r.record_key_text, r.record_uuid::text) $$`);
    await queryRunner.query(
      `ALTER TABLE "audit_record" ADD CONSTRAINT "ck_audit_record_operation" CHECK ((operation_code IS NULL) <> (operation_text IS NULL))`,
    );
    await queryRunner.query(`CREATE FUNCTION operation(r audit_record) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(r.operation_text, CASE r.operation_code ${OPERATIONS.map((op, i) => `WHEN ${i + 1} THEN '${op}'`).join(' ')} END) $$`);
    await queryRunner.query(`CREATE FUNCTION app_id(r audit_record) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(r.app_id_text, r.app_uuid::text) $$`);
    // Not inlined (it reads a table): right for a page of records, joined instead where many records are read.
    await queryRunner.query(`CREATE FUNCTION client_info_string(r audit_record) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT c.text FROM client_info c WHERE c.org_id = r.org_id AND c.id = r.client_info_id $$`);

    for (const index of indexes) {
      const definition =
        index.name === 'ix_audit_record_org_app'
          ? index.definition.replace(/\(org_id, app_id\)/, '(org_id, COALESCE(app_id_text, (app_uuid)::text))')
          : index.definition;
      if (index.name === 'ix_audit_record_org_app' && definition === index.definition) throw new Error(`unexpected definition of ix_audit_record_org_app: ${index.definition}`);
      await queryRunner.query(definition);
      if (index.is_pk) await queryRunner.query(`ALTER TABLE "audit_record" ADD CONSTRAINT "${index.name}" PRIMARY KEY USING INDEX "${index.name}"`);
    }
    // An index a bulk load had dropped when its importer died (deferred_index) is built later from its definition.
    await queryRunner.query(`UPDATE deferred_index SET definition = replace(definition, '(org_id, app_id)', '(org_id, COALESCE(app_id_text, (app_uuid)::text))')
      WHERE index_name = 'ix_audit_record_org_app'`);
    await queryRunner.query('ANALYZE "audit_record"');
    await queryRunner.query('ANALYZE "client_info"');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_audit_record_org_app"');
    await queryRunner.query('ALTER TABLE "audit_record" ADD COLUMN "client_info_string" text, ADD COLUMN "app_id" text, ADD COLUMN "operation" text');
    await queryRunner.query('UPDATE "audit_record" r SET "operation" = operation(r)');
    await queryRunner.query('ALTER TABLE "audit_record" ALTER COLUMN "operation" SET NOT NULL');
    await queryRunner.query(`UPDATE "audit_record" r SET "client_info_string" = c.text FROM client_info c WHERE c.org_id = r.org_id AND c.id = r.client_info_id`);
    await queryRunner.query('UPDATE "audit_record" SET "app_id" = coalesce(app_id_text, app_uuid::text) WHERE app_id_text IS NOT NULL OR app_uuid IS NOT NULL');
    await queryRunner.query('DROP FUNCTION client_info_string(audit_record)');
    await queryRunner.query('DROP FUNCTION app_id(audit_record)');
    await queryRunner.query('DROP FUNCTION operation(audit_record)');
    await queryRunner.query(`ALTER TABLE "audit_record" DROP CONSTRAINT "ck_audit_record_operation", DROP COLUMN "client_info_id",
      DROP COLUMN "app_uuid", DROP COLUMN "app_id_text", DROP COLUMN "operation_code", DROP COLUMN "operation_text"`);
    await queryRunner.query('CREATE INDEX "ix_audit_record_org_app" ON "audit_record" ("org_id", "app_id") WITH (fillfactor = 100)');
    await queryRunner.query('DROP TABLE "client_info"');
  }
}
