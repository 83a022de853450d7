import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every primary key includes org_id (issue 13, docs/SCALING.md): what a database distributed by organisation (Citus)
 * requires of its keys, and what keeps a row from pointing at another organisation's parent. The key is (id, org_id),
 * not (org_id, id): id stays the leading column, so every existing lookup and join by id keeps its index and plan.
 * The two real foreign keys (folder -> mailbox, import_rejection -> import_batch) become composite, so a folder can
 * only belong to a mailbox of its own organisation. Unique keys already led with org_id. The exceptions are global
 * tables (organization, migrations) and api_key's unique key hash (a key names its organisation; see SCALING.md).
 * Existing rows are kept: only constraints and their indexes are rebuilt.
 */
const KEYS: Array<[table: string, columns: string]> = [
  ['access_log', '"id"'],
  ['api_key', '"id"'],
  ['app', '"id"'],
  ['client_ip', '"id"'],
  ['mailbox', '"id"'],
  ['session', '"id"'],
  ['session_client_ip', '"session_id", "client_ip_id"'],
  ['session_mailbox', '"session_id", "mailbox_id"'],
  ['client_ip_mailbox', '"client_ip_id", "mailbox_id"'],
  ['app_mailbox', '"app_id", "mailbox_id"'],
  ['import_batch', '"id"'],
  ['audit_record', '"id"'],
  ['evidence_block', '"id"'],
  ['folder', '"id"'],
  ['folder_sync', '"id"'],
  ['import_rejection', '"id"'],
  ['message', '"id"'],
  ['message_access', '"id"'],
];

export class OrgInEveryKey1796005770082 implements MigrationInterface {
  name = 'OrgInEveryKey1796005770082';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // A row pointing at another organisation's parent would make the composite keys fail half-way: say which first.
    const [crossed] = await queryRunner.query(`SELECT
        (SELECT count(*) FROM folder f JOIN mailbox m ON m.id = f.mailbox_id WHERE m.org_id <> f.org_id)::int AS folders,
        (SELECT count(*) FROM import_rejection r JOIN import_batch b ON b.id = r.batch_id WHERE b.org_id <> r.org_id)::int AS rejections`);
    if (crossed.folders > 0 || crossed.rejections > 0) {
      throw new Error(
        `OrgInEveryKey: ${crossed.folders} folder(s) belong to a mailbox of another organisation and ${crossed.rejections} ` +
          'rejection(s) to an import batch of another organisation; fix or remove them, then migrate again.',
      );
    }
    await queryRunner.query('ALTER TABLE "folder" DROP CONSTRAINT "fk_folder_mailbox"');
    await queryRunner.query('ALTER TABLE "import_rejection" DROP CONSTRAINT "fk_import_rejection_batch"');
    for (const [table, columns] of KEYS) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "pk_${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" ADD CONSTRAINT "pk_${table}" PRIMARY KEY (${columns}, "org_id")`);
    }
    await queryRunner.query(
      'ALTER TABLE "folder" ADD CONSTRAINT "fk_folder_mailbox" FOREIGN KEY ("mailbox_id", "org_id") REFERENCES "mailbox"("id", "org_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "import_rejection" ADD CONSTRAINT "fk_import_rejection_batch" FOREIGN KEY ("batch_id", "org_id") REFERENCES "import_batch"("id", "org_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "import_rejection" DROP CONSTRAINT "fk_import_rejection_batch"');
    await queryRunner.query('ALTER TABLE "folder" DROP CONSTRAINT "fk_folder_mailbox"');
    for (const [table, columns] of [...KEYS].reverse()) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "pk_${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" ADD CONSTRAINT "pk_${table}" PRIMARY KEY (${columns})`);
    }
    await queryRunner.query(
      'ALTER TABLE "import_rejection" ADD CONSTRAINT "fk_import_rejection_batch" FOREIGN KEY ("batch_id") REFERENCES "import_batch"("id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "folder" ADD CONSTRAINT "fk_folder_mailbox" FOREIGN KEY ("mailbox_id") REFERENCES "mailbox"("id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
  }
}
