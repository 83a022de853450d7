import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The default organisation was inserted with an explicit id: move the identity past it so new ones can be created. */
export class OrganizationIdentity1796001000000 implements MigrationInterface {
  name = 'OrganizationIdentity1796001000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("SELECT setval(pg_get_serial_sequence('organization', 'id'), (SELECT max(id) FROM organization))");
  }

  public async down(): Promise<void> {
    // Nothing to undo: the identity only moved forward.
  }
}
