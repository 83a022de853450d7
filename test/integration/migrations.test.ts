import { MIGRATIONS } from '../../migrations';
import { schemaDrift } from '../../src/db/schema-drift';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('database migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => db.drop());

  test('run up from an empty database and create the whole model', async () => {
    const applied = await db.dataSource.runMigrations({ transaction: 'each' });
    expect(applied.length).toBeGreaterThan(0);
    const tables: { table_name: string }[] = await db.dataSource.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'organization', 'api_key', 'import_batch', 'import_rejection', 'mailbox', 'session', 'client_ip', 'folder',
        'audit_record', 'message_access', 'folder_sync', 'session_client_ip', 'session_mailbox', 'client_ip_mailbox',
      ]),
    );
    const [org] = await db.dataSource.query("SELECT id, slug FROM organization WHERE slug = 'default'");
    expect(org.id).toBe(1);
  });

  test('match the entities exactly: migration:generate would find nothing to change', async () => {
    const drift = await schemaDrift(db.dataSource);
    expect(drift.up).toEqual([]);
  });

  test('the entities the drift check skips (synchronize: false) match their tables column by column and index by index', async () => {
    const skipped = db.dataSource.entityMetadatas.filter((m) => !m.synchronize);
    expect(skipped.map((m) => m.tableName).sort()).toEqual(['folder_sync', 'message_access']);
    for (const meta of skipped) {
      const columns: Array<{ name: string; type: string; nullable: boolean }> = await db.dataSource.query(
        `SELECT column_name AS name, udt_name AS type, is_nullable = 'YES' AS nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1`,
        [meta.tableName],
      );
      columns.sort((a, b) => a.name.localeCompare(b.name)); // in JS on both sides: the database's collation may differ
      const typeName = (t: unknown) => ({ bigint: 'int8', integer: 'int4', text: 'text', timestamptz: 'timestamptz' })[String(t)] ?? String(t);
      const expected = meta.columns
        .map((c) => ({ name: c.databaseName, type: c.isArray ? `_${typeName(c.type)}` : typeName(c.type), nullable: c.isNullable }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(columns).toEqual(expected);
      const indexes: Array<{ name: string }> = await db.dataSource.query(
        `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`,
        [meta.tableName],
      );
      expect(indexes.map((i) => i.name).sort()).toEqual(meta.indices.map((i) => i.name).sort());
    }
  });

  test('every foreign key and index has an explicit name (so drift checks are exact)', async () => {
    const unnamed: { name: string }[] = await db.dataSource.query(
      `SELECT conname AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname = 'public' AND c.contype IN ('p', 'f', 'u') AND conname !~ '^(pk|fk|uq)_'
         AND c.conrelid <> 'migrations'::regclass
       UNION ALL
       SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname !~ '^(pk|uq|ix)_' AND tablename <> 'migrations'`,
    );
    expect(unnamed).toEqual([]);
  });

  test('revert down to empty and up again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await db.dataSource.undoLastMigration({ transaction: 'each' });
    const left: unknown[] = await db.dataSource.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
    );
    expect(left).toEqual([]);
    await db.dataSource.runMigrations({ transaction: 'each' });
    expect((await schemaDrift(db.dataSource)).up).toEqual([]);
  });
});
