import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The spelling the parts stand for: exchangeOnlineSpelling (src/import/normalize/message-id.ts) in SQL. */
const SPELLING = (server: string, hex: string, odd: string, region: string) =>
  `'<' || ${server} || substr(upper(encode(${hex}, 'hex')), 1, 2 * length(${hex}) - (${odd})::int) || '@' || ${server} || '.' || ${region} || '.prod.outlook.com>'`;

/**
 * The message dictionary stores an InternetMessageId made by Exchange Online
 * (`<SN2PR00MB01571C097EE2C3C01A5F3469B58E0@SN2PR00MB0157.namprd00.prod.outlook.com>`) as its parts: the server
 * name once, the hex digits as bytes (0-padded when odd, `exo_hex_odd` says so) and the region, ~40 bytes less per
 * message than the ~80-character text (docs/PERFORMANCE.md, eleventh session). Any other spelling stays text, in
 * `spelling` (the column `internet_message_id` renamed).
 *
 * `internet_message_id(message)` gives the spelling back whichever way it is stored, and PostgreSQL resolves
 * `m.internet_message_id` on a message row to it, so every query that read the column reads the same text as before;
 * the function is inlined (a plain expression over the row's columns, no call per row). The rename makes anything
 * that still names the old column fail instead of reading NULL (a packed message would look like one without an id).
 *
 * Existing rows are split where the parts give back their text byte for byte; the table is rewritten once, compact.
 */
export class PackedMessageIds1796007100000 implements MigrationInterface {
  name = 'PackedMessageIds1796007100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // [server, hex bytes as hex, odd, region] of an Exchange Online spelling, or NULL; kept only where the parts give
    // the text back. Plain expressions, so the function is inlined: no backreference in a pattern (PostgreSQL's regex
    // engine backtracks on one: minutes at 500k rows) and no FROM (it would run a query for every row).
    const server = "split_part(split_part(t, '@', 2), '.', 1)";
    const region = "split_part(split_part(t, '@', 2), '.', 2)";
    const digits = `substr(split_part(t, '@', 1), length(${server}) + 2)`;
    const odd = `length(${digits}) % 2 = 1`;
    const padded = `${digits} || CASE WHEN ${odd} THEN '0' ELSE '' END`;
    await queryRunner.query(`CREATE FUNCTION pg_temp.exo_parts(t text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN t ~ '^<[^@<>]+@[A-Z0-9]+\\.[a-z0-9]+\\.prod\\.outlook\\.com>$'
                   AND starts_with(split_part(t, '@', 1), '<' || ${server}) AND ${digits} ~ '^[0-9A-F]+$' THEN
               CASE WHEN ${SPELLING(server, `decode(${padded}, 'hex')`, odd, region)} = t
                    THEN ARRAY[${server}, ${padded}, (${odd})::text, ${region}] END
             END $$`);
    await queryRunner.query(`ALTER TABLE "message" ADD COLUMN "exo_server" text, ADD COLUMN "exo_hex" bytea,
      ADD COLUMN "exo_hex_odd" boolean, ADD COLUMN "exo_region" text`);
    // One rewrite: every USING reads the row as it was before this statement.
    await queryRunner.query(`ALTER TABLE "message"
      ALTER COLUMN "exo_server" TYPE text USING (pg_temp.exo_parts("internet_message_id"))[1],
      ALTER COLUMN "exo_hex" TYPE bytea USING decode((pg_temp.exo_parts("internet_message_id"))[2], 'hex'),
      ALTER COLUMN "exo_hex_odd" TYPE boolean USING (pg_temp.exo_parts("internet_message_id"))[3]::boolean,
      ALTER COLUMN "exo_region" TYPE text USING (pg_temp.exo_parts("internet_message_id"))[4],
      ALTER COLUMN "internet_message_id" TYPE text USING CASE WHEN pg_temp.exo_parts("internet_message_id") IS NULL THEN "internet_message_id" END`);
    await queryRunner.query('ALTER TABLE "message" RENAME COLUMN "internet_message_id" TO "spelling"');
    await queryRunner.query(`CREATE FUNCTION internet_message_id(m message) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(m.spelling, ${SPELLING('m.exo_server', 'm.exo_hex', 'm.exo_hex_odd', 'm.exo_region')}) $$`);
    await queryRunner.query('DROP FUNCTION pg_temp.exo_parts(text)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION internet_message_id(message)');
    await queryRunner.query('ALTER TABLE "message" RENAME COLUMN "spelling" TO "internet_message_id"');
    await queryRunner.query(`ALTER TABLE "message" ALTER COLUMN "internet_message_id" TYPE text
      USING coalesce("internet_message_id", ${SPELLING('"exo_server"', '"exo_hex"', '"exo_hex_odd"', '"exo_region"')})`);
    await queryRunner.query('ALTER TABLE "message" DROP COLUMN "exo_server", DROP COLUMN "exo_hex", DROP COLUMN "exo_hex_odd", DROP COLUMN "exo_region"');
  }
}
