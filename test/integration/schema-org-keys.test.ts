/**
 * The schema rules of docs/SCALING.md, read from pg_catalog on a database built by the real migrations: every table
 * carries a NOT NULL org_id, its primary key and every unique key (constraint or unique index) include it, and every
 * foreign key between organisation tables joins on org_id too. Those are what distributing the tables by
 * organisation (Citus) requires, and what keeps one organisation's rows from referencing another's. A table added
 * without them fails here; the only exceptions are listed below, each with its reason (also in SCALING.md).
 */
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Global tables: not distributed by organisation (a Citus reference table or local bookkeeping). */
const GLOBAL_TABLES: Record<string, string> = {
  organization: 'the organisations themselves: the distribution key is their id (a reference table)',
  migrations: "TypeORM's record of applied migrations (one per database, not data)",
};

/** Organisation tables deliberately without a primary key (they still carry org_id and every other rule). */
const WITHOUT_PRIMARY_KEY: Record<string, string> = {
  folder_sync: 'no statement reads a sync by its id; the key cost 6 bytes per record at 1M (REPLICA IDENTITY FULL instead)',
  message_access: 'no statement reads an access by its id; the key cost 100 bytes per record (REPLICA IDENTITY FULL instead)',
};

/** Unique keys that are deliberately global. */
const GLOBAL_UNIQUE_KEYS: Record<string, string> = {
  // A presented key must identify its organisation before the organisation is known.
  uq_api_key_hash: 'api_key(key_hash): authentication looks a key up by its hash alone, across organisations',
};

interface KeyRow {
  table: string;
  name: string;
  columns: string[];
}

describe('every table is keyed by organisation (docs/SCALING.md)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  const tables = async (): Promise<Array<{ table: string; org_id: string | null }>> =>
    db.dataSource.query(`
      SELECT c.relname AS table,
             (SELECT format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped) AS org_id
      FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      ORDER BY 1`);

  /** Primary keys and unique keys, whether declared as constraints or as bare unique indexes. */
  const uniqueKeys = async (): Promise<Array<KeyRow & { primary: boolean }>> =>
    db.dataSource.query(`
      SELECT t.relname AS table, i.relname AS name, x.indisprimary AS primary,
             array(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relnamespace = 'public'::regnamespace AND x.indisunique
      ORDER BY 1, 2`);

  test('the database has the tables the rules are about (the query reads the right catalog)', async () => {
    const names = (await tables()).map((t) => t.table);
    expect(names).toEqual(expect.arrayContaining(['audit_record', 'message_access', 'message', 'session', 'mailbox', 'organization', 'migrations']));
  });

  test('every table but the global ones has org_id integer NOT NULL', async () => {
    const wrong = (await tables()).filter((t) => !(t.table in GLOBAL_TABLES) && t.org_id !== 'integer not null');
    expect(wrong).toEqual([]);
  });

  test('every primary key includes org_id, and every table has one', async () => {
    const keys = await uniqueKeys();
    const orgTables = (await tables()).map((t) => t.table).filter((t) => !(t in GLOBAL_TABLES));
    const withoutPk = orgTables.filter((t) => !keys.some((k) => k.table === t && k.primary));
    expect(withoutPk).toEqual(Object.keys(WITHOUT_PRIMARY_KEY));
    const wrong = keys.filter((k) => k.primary && !(k.table in GLOBAL_TABLES) && !k.columns.includes('org_id'));
    expect(wrong).toEqual([]);
  });

  test('a table without a primary key has REPLICA IDENTITY FULL, so logical replication (Citus shard moves) still works', async () => {
    const rows: Array<{ table: string; identity: string }> = await db.dataSource.query(
      `SELECT relname AS table, relreplident AS identity FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1) ORDER BY 1`,
      [Object.keys(WITHOUT_PRIMARY_KEY)],
    );
    expect(rows).toEqual(Object.keys(WITHOUT_PRIMARY_KEY).map((table) => ({ table, identity: 'f' })));
  });

  test('every unique key includes org_id, except the listed global ones', async () => {
    const keys = await uniqueKeys();
    const wrong = keys.filter((k) => !k.primary && !(k.table in GLOBAL_TABLES) && !(k.name in GLOBAL_UNIQUE_KEYS) && !k.columns.includes('org_id'));
    expect(wrong).toEqual([]);
    // The exceptions exist and are what they say (a renamed or widened key must be looked at again).
    expect(keys.filter((k) => k.name in GLOBAL_UNIQUE_KEYS).map((k) => [k.table, k.name, k.columns])).toEqual([['api_key', 'uq_api_key_hash', ['key_hash']]]);
  });

  test('a foreign key between organisation tables joins on org_id as well', async () => {
    const fks: Array<{ table: string; name: string; target: string; columns: string[]; targetColumns: string[] }> = await db.dataSource.query(`
      SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.confrelid::regclass::text AS target,
             array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
             array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS "targetColumns"
      FROM pg_constraint c
      WHERE c.connamespace = 'public'::regnamespace AND c.contype = 'f'
      ORDER BY 1, 2`);
    expect(fks.length).toBeGreaterThan(0);
    const wrong = fks.filter((fk) => {
      if (fk.target in GLOBAL_TABLES) return false; // e.g. org_id -> organization(id)
      const i = fk.columns.indexOf('org_id');
      return i < 0 || fk.targetColumns[i] !== 'org_id';
    });
    expect(wrong).toEqual([]);
  });
});
