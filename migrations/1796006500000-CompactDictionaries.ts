import type { MigrationInterface, QueryRunner } from 'typeorm';

/** messageKey (src/import/normalize/message-id.ts) in SQL, as in the NarrowAccesses migration. */
const MESSAGE_KEY = `CASE WHEN strpos(internet_message_id, '@') = 0 THEN internet_message_id ELSE substring(internet_message_id from '^(.*)@') ||
  translate(substring(internet_message_id from '^.*(@.*)$'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') END`;

/** The dimension tables an import updates in place (their counters and first/last times), chunk after chunk. */
const UPDATED_IN_PLACE = ['session', 'session_mailbox', 'session_client_ip', 'mailbox', 'client_ip', 'client_ip_mailbox', 'app_mailbox'];

/**
 * Two savings on the tables every import grows (docs/PERFORMANCE.md, "Smaller dictionaries"):
 * - The message dictionary keys messages by the first 16 bytes of the SHA-256 of their key instead of all 32
 *   (messageKeyHash): 16 bytes less per message in the table and again in its unique index, at 2 messages per
 *   record. 128 bits keep a collision out of reach (~10^-20 at a billion messages). The column is rewritten in
 *   place (the table and its indexes are rebuilt compact).
 * - Sessions and the who-used-what links are updated once per chunk that mentions them; on full pages every update
 *   writes a new row version elsewhere and a new entry in every index, so at 1M records these tables held three dead
 *   versions per live row. Free space in each page (fillfactor 70) lets PostgreSQL update in place (HOT: 41 % of
 *   updates before, 99 % after) and prune old versions without VACUUM. Applies to pages written from now on.
 */
export class CompactDictionaries1796006500000 implements MigrationInterface {
  name = 'CompactDictionaries1796006500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "message" ALTER COLUMN "key_hash" TYPE bytea USING substring("key_hash" FROM 1 FOR 16)');
    for (const table of UPDATED_IN_PLACE) await queryRunner.query(`ALTER TABLE "${table}" SET (fillfactor = 70)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of UPDATED_IN_PLACE) await queryRunner.query(`ALTER TABLE "${table}" RESET (fillfactor)`);
    // The dropped half of a hash is recomputed from the message's spelling, as NarrowAccesses computed it. An item
    // listed without an InternetMessageId has no spelling to hash (its key names its mailbox): it keeps 16 bytes.
    await queryRunner.query(`UPDATE "message" SET "key_hash" = sha256(convert_to(${MESSAGE_KEY}, 'UTF8')) WHERE internet_message_id IS NOT NULL`);
  }
}
