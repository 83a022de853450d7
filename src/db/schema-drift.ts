import type { DataSource } from 'typeorm';

export interface SchemaDrift {
  up: string[];
  down: string[];
}

/**
 * What TypeORM would change to make the database match the entities (what `migration:generate` would write).
 * Empty after the migrations ran means entities and migrations agree.
 */
export async function schemaDrift(dataSource: DataSource): Promise<SchemaDrift> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return {
    up: sql.upQueries.map((q) => q.query),
    down: sql.downQueries.map((q) => q.query).reverse(),
  };
}

/** Renders a drift as a migration class, for a developer who changed an entity. */
export function renderMigration(name: string, timestamp: number, drift: SchemaDrift): string {
  const quote = (q: string) => '    await queryRunner.query(' + JSON.stringify(q) + ');';
  return [
    "import type { MigrationInterface, QueryRunner } from 'typeorm';",
    '',
    `export class ${name}${timestamp} implements MigrationInterface {`,
    `  name = '${name}${timestamp}';`,
    '',
    '  public async up(queryRunner: QueryRunner): Promise<void> {',
    ...drift.up.map(quote),
    '  }',
    '',
    '  public async down(queryRunner: QueryRunner): Promise<void> {',
    ...drift.down.map(quote),
    '  }',
    '}',
    '',
  ].join('\n');
}
