import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Longer text stays on its record only: a unique btree key holds at most ~2.7 kB (import/load keeps the same limit). */
const MAX_VERBATIM = 500;

/**
 * Client addresses that are not IPs (`localhost`, `fe80::1%eth0`) become client_ip rows of their own, kept as written
 * (address NULL, verbatim the text, version 0), so they can be found and listed like any address. Records stored
 * before this kept the text only (audit_record.client_ip_raw): they are linked here, with their sessions and mailboxes.
 */
async function backfillNonIpAddresses(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`INSERT INTO client_ip (org_id, address, verbatim, version, first_seen, last_seen, record_count)
    SELECT r.org_id, NULL, r.client_ip_raw, 0, min(r.creation_time), max(r.creation_time), count(*)
    FROM audit_record r WHERE r.client_ip_id IS NULL AND r.client_ip_raw IS NOT NULL AND length(r.client_ip_raw) <= ${MAX_VERBATIM}
    GROUP BY r.org_id, r.client_ip_raw`);
  await queryRunner.query(`UPDATE audit_record r SET client_ip_id = c.id FROM client_ip c
    WHERE r.client_ip_id IS NULL AND r.client_ip_raw IS NOT NULL AND c.org_id = r.org_id AND c.verbatim = r.client_ip_raw`);
  await queryRunner.query(`INSERT INTO session_client_ip (session_id, client_ip_id, org_id, first_seen, last_seen, record_count)
    SELECT r.session_id, r.client_ip_id, r.org_id, min(r.creation_time), max(r.creation_time), count(*)
    FROM audit_record r JOIN client_ip c ON c.id = r.client_ip_id AND c.verbatim IS NOT NULL
    WHERE r.session_id IS NOT NULL GROUP BY 1, 2, 3`);
  await queryRunner.query(`INSERT INTO client_ip_mailbox (client_ip_id, mailbox_id, org_id, first_seen, last_seen, record_count)
    SELECT r.client_ip_id, r.mailbox_id, r.org_id, min(r.creation_time), max(r.creation_time), count(*)
    FROM audit_record r JOIN client_ip c ON c.id = r.client_ip_id AND c.verbatim IS NOT NULL
    WHERE r.mailbox_id IS NOT NULL GROUP BY 1, 2, 3`);
}

export class NonIpClientAddresses1796006161698 implements MigrationInterface {
  name = 'NonIpClientAddresses1796006161698';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"client_ip\" ADD \"verbatim\" text");
    await queryRunner.query("ALTER TABLE \"client_ip\" ALTER COLUMN \"address\" DROP NOT NULL");
    await queryRunner.query("ALTER TABLE \"client_ip\" ADD CONSTRAINT \"uq_client_ip_org_verbatim\" UNIQUE (\"org_id\", \"verbatim\")");
    await backfillNonIpAddresses(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The records keep their text (client_ip_raw); only the links to the verbatim rows go.
    await queryRunner.query('UPDATE audit_record r SET client_ip_id = NULL FROM client_ip c WHERE c.id = r.client_ip_id AND c.address IS NULL');
    await queryRunner.query('DELETE FROM session_client_ip l USING client_ip c WHERE c.id = l.client_ip_id AND c.address IS NULL');
    await queryRunner.query('DELETE FROM client_ip_mailbox l USING client_ip c WHERE c.id = l.client_ip_id AND c.address IS NULL');
    await queryRunner.query('DELETE FROM client_ip WHERE address IS NULL');
    await queryRunner.query("ALTER TABLE \"client_ip\" DROP CONSTRAINT \"uq_client_ip_org_verbatim\"");
    await queryRunner.query("ALTER TABLE \"client_ip\" ALTER COLUMN \"address\" SET NOT NULL");
    await queryRunner.query("ALTER TABLE \"client_ip\" DROP COLUMN \"verbatim\"");
  }
}
