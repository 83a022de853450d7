import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An item id stored as the bytes of its base64 text (storedItemId, src/import/normalize/values.ts): no '=', nothing else. */
const PACKABLE = `'^[A-Za-z0-9+/]+$'`;
/** How many 'A's make a text of `t`'s length a whole number of 4-character groups. */
const PAD = (t: string) => `((4 - length(${t}) % 4) % 4)`;
/** The bytes stored for a packable item id `t`: its groups decoded, then one byte saying how many 'A's were added. */
const PACKED = (t: string) => `decode(${t} || repeat('A', ${PAD(t)}), 'base64') || decode('0' || ${PAD(t)}::text, 'hex')`;
/** The text back from bytes `b` (PostgreSQL breaks base64 into lines of 76: the newlines are removed). */
const UNPACKED = (b: string) =>
  `left(translate(encode(substr(${b}, 1, length(${b}) - 1), 'base64'), E'\\n', ''), (length(${b}) - 1) / 3 * 4 - get_byte(${b}, length(${b}) - 1))`;

/**
 * message_access's columns, widest alignment first, the folder as a 4-byte id beside org_id (two 4-byte values
 * share the 8 bytes the old order padded org_id to); short texts, bytea and arrays need no alignment and come last.
 */
const COLUMNS = `
  id bigint NOT NULL, record_id bigint NOT NULL, message_id bigint NOT NULL, size_in_bytes bigint, item_time timestamptz,
  org_id integer NOT NULL, folder_id integer NOT NULL,
  internet_message_id_original text, item_id_text text, item_id_b64 bytea, subject text, sensitivity_labels text[]`;

/** folder_sync's columns: the folder as a 4-byte id beside org_id. */
const SYNC_COLUMNS = 'id bigint NOT NULL, record_id bigint NOT NULL, org_id integer NOT NULL, folder_id integer NOT NULL';

/**
 * Narrower message_access and folder_sync rows (docs/PERFORMANCE.md, thirteenth session). message_access, ~3 rows
 * per record:
 * - `folder_id` as a 4-byte integer, placed beside `org_id`: 8 bytes less per row (25 per record at 1M). Folders
 *   are few (one per mailbox folder: 16,000 at 1M records), so the folder identity is capped at 2^31 - 1 here; a
 *   store past it would fail this migration loudly (integer out of range), never truncate;
 * - an item's store id (FolderItems[].Id / ImmutableId: base64 text, 64 characters in real records) as the bytes it
 *   spells plus one byte, in `item_id_b64`: 3/4 of its length. Anything else (other characters, '=' padding, URL-safe
 *   base64) stays text in `item_id_text`. At most one of the two is set (CHECK).
 *
 * folder_sync likewise: the folder as a 4-byte id beside org_id, and no primary key (nothing reads a sync by its id,
 * which is only a cursor's tie-break read from the row: 6 bytes per record at 1M; REPLICA IDENTITY FULL, as
 * message_access since AccessesWithoutPrimaryKey).
 *
 * `item_id(message_access)` gives the text back byte for byte (a plain expression, inlined), so `a.item_id` on an
 * access row reads what it read before; the old column is gone, so anything that still names it on a row of the
 * table itself (`a.*`) fails loudly instead of missing the id. Each table is rebuilt once (a new table, filled from
 * the old one, renamed); its indexes are built after with the same names and definitions (fillfactor included); ids
 * continue where they stopped.
 */
export class NarrowAccessRows1796007500000 implements MigrationInterface {
  name = 'NarrowAccessRows1796007500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await rebuild(
      queryRunner,
      'message_access',
      COLUMNS,
      `o.id, o.record_id, o.message_id, o.size_in_bytes, o.item_time, o.org_id, o.folder_id,
       o.internet_message_id_original, CASE WHEN o.item_id ~ ${PACKABLE} THEN NULL ELSE o.item_id END,
       CASE WHEN o.item_id ~ ${PACKABLE} THEN ${PACKED('o.item_id')} END, o.subject, o.sensitivity_labels`,
    );
    await queryRunner.query(
      `ALTER TABLE "message_access" ADD CONSTRAINT "ck_message_access_item_id" CHECK (item_id_text IS NULL OR item_id_b64 IS NULL)`,
    );
    await queryRunner.query(`CREATE FUNCTION item_id(a message_access) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(a.item_id_text, ${UNPACKED('a.item_id_b64')}) $$`);
    await rebuild(queryRunner, 'folder_sync', SYNC_COLUMNS, 'o.id, o.record_id, o.org_id, o.folder_id');
    // The importer writes folder ids into 4-byte columns: the identity stops before it could overflow them.
    await queryRunner.query('ALTER TABLE "folder" ALTER COLUMN "id" SET MAXVALUE 2147483647');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "folder" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807');
    await rebuild(
      queryRunner,
      'folder_sync',
      'id bigint NOT NULL, org_id integer NOT NULL, record_id bigint NOT NULL, folder_id bigint NOT NULL',
      'o.id, o.org_id, o.record_id, o.folder_id',
    );
    await queryRunner.query('ALTER TABLE "folder_sync" REPLICA IDENTITY DEFAULT');
    await queryRunner.query('ALTER TABLE "folder_sync" ADD CONSTRAINT "pk_folder_sync" PRIMARY KEY ("id", "org_id") WITH (fillfactor = 100)');
    await rebuild(
      queryRunner,
      'message_access',
      `id bigint NOT NULL, org_id integer NOT NULL, record_id bigint NOT NULL, folder_id bigint NOT NULL, message_id bigint NOT NULL,
       internet_message_id_original text, size_in_bytes bigint, item_time timestamptz, item_id text, subject text, sensitivity_labels text[]`,
      `o.id, o.org_id, o.record_id, o.folder_id, o.message_id, o.internet_message_id_original, o.size_in_bytes, o.item_time,
       coalesce(o.item_id_text, ${UNPACKED('o.item_id_b64')}), o.subject, o.sensitivity_labels`,
      'DROP FUNCTION item_id(message_access)',
    );
  }
}

/**
 * Replaces `table` (message_access or folder_sync) by a table of `columns` filled with `values` (of the old table,
 * `o`): same name, same indexes but the primary key (by their definitions, storage settings included), REPLICA
 * IDENTITY FULL (no primary key), and the identity continuing where the old one stopped. `beforeDrop` runs just
 * before the old table goes (a function of its row type must go first).
 */
async function rebuild(queryRunner: QueryRunner, table: 'message_access' | 'folder_sync', columns: string, values: string, beforeDrop?: string): Promise<void> {
  const indexes: { name: string; definition: string }[] = await queryRunner.query(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass AND NOT i.indisprimary ORDER BY 1`,
    [table],
  );
  // The identity goes with the old table (its sequence's name varies: NarrowAccesses made the tables anew).
  const [{ sequence }] = await queryRunner.query('SELECT pg_get_serial_sequence($1, $2) AS sequence', [table, 'id']);
  const [{ next }] = await queryRunner.query(
    `SELECT greatest(coalesce((SELECT max(id) FROM "${table}"), 0) + 1,
       (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM ${sequence}))::text AS next`,
  );
  await queryRunner.query(`CREATE TABLE "${table}_narrow" (${columns})`);
  // In the old table's physical order (a scan from its first page): a record's accesses stay together, as written.
  await queryRunner.query('SET LOCAL synchronize_seqscans = off');
  await queryRunner.query(`INSERT INTO "${table}_narrow" SELECT ${values} FROM "${table}" o`);
  if (beforeDrop) await queryRunner.query(beforeDrop);
  await queryRunner.query(`DROP TABLE "${table}"`);
  await queryRunner.query(`ALTER TABLE "${table}_narrow" RENAME TO "${table}"`);
  await queryRunner.query(
    `ALTER TABLE "${table}" ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME "${table}_id_seq" START WITH ${next})`,
  );
  await queryRunner.query(`ALTER TABLE "${table}" REPLICA IDENTITY FULL`);
  for (const index of indexes) await queryRunner.query(index.definition);
  await queryRunner.query(`ANALYZE "${table}"`);
}
