/**
 * The OrgInEveryKey migration moves an existing database (it does not wipe it): built by the previous migrations
 * with data in it, it keeps every row, leaves the keys the entities describe (org_id in every primary key, composite
 * foreign keys), refuses with a clear message when a row already points at another organisation's parent, and the
 * API answers the same questions the same way afterwards.
 */
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { OrgInEveryKey1796005770082 } from '../../migrations/1796005770082-OrgInEveryKey';
import { schemaDrift } from '../../src/db/schema-drift';
import { createTestDatabase, undoMigrationsThrough, type TestDatabase } from '../support/database';
import { startTestServer, type TestServer } from '../support/server';
import { ask, FIXTURES_DIR, ids, importIncident } from './contract-queries';

const NAME = 'OrgInEveryKey1796005770082';

const primaryKey = async (ds: DataSource, table: string): Promise<string> =>
  (await ds.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1`, [`pk_${table}`]))[0].def;

/**
 * Every row of every table, as text, in a stable order: what the migration must keep. `except`: tables a running
 * server writes on its own after answering (the access log, a key's last use), which would race a snapshot.
 */
async function everyRow(ds: DataSource, except: string[] = []): Promise<Record<string, string[]>> {
  const tables: { t: string }[] = await ds.query(
    "SELECT relname AS t FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname <> 'migrations' AND relname <> ALL($1::text[]) ORDER BY 1",
    [except],
  );
  const out: Record<string, string[]> = {};
  for (const { t } of tables) out[t] = (await ds.query(`SELECT x::text AS row FROM "${t}" x ORDER BY 1`)).map((r: { row: string }) => r.row);
  return out;
}

/** Undoes migrations down to (and including) OrgInEveryKey, whatever came after it. */
async function undoThroughOrgKeys(ds: DataSource): Promise<void> {
  for (;;) {
    const [last] = await ds.query('SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1');
    await ds.undoLastMigration({ transaction: 'each' });
    if (last.name === NAME) return;
  }
}

/** Runs OrgInEveryKey alone (not the migrations after it), as `migrate` runs it: one transaction, then recorded. */
async function runOrgKeysAlone(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  try {
    await runner.startTransaction();
    await new OrgInEveryKey1796005770082().up(runner);
    await runner.query('INSERT INTO migrations (timestamp, name) VALUES ($1, $2)', [1796005770082, NAME]);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

/** Builds a database with exactly the migrations before OrgInEveryKey, recorded as TypeORM records them. */
async function previousMigrations(db: TestDatabase): Promise<void> {
  const runner = db.dataSource.createQueryRunner();
  try {
    await runner.query('CREATE TABLE migrations (id SERIAL PRIMARY KEY, timestamp bigint NOT NULL, name varchar NOT NULL)');
    for (const Migration of MIGRATIONS.slice(0, MIGRATIONS.indexOf(OrgInEveryKey1796005770082))) {
      const m = new (Migration as new () => { name: string; up(r: unknown): Promise<void> })();
      // One transaction each, as `mailtrail migrate` runs them (some use ON COMMIT DROP temporary tables).
      await runner.startTransaction();
      await m.up(runner);
      await runner.query('INSERT INTO migrations (timestamp, name) VALUES ($1, $2)', [Number(m.name.match(/\d+$/)![0]), m.name]);
      await runner.commitTransaction();
    }
  } finally {
    await runner.release();
  }
}

describe('a database built by the previous migrations, with data in it', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    await previousMigrations(db);
    await db.dataSource.query(`
      INSERT INTO organization (id, slug, name) VALUES (2, 'other', 'Other');
      INSERT INTO import_batch (id, org_id, status, source) VALUES (1, 1, 'SUCCEEDED', 'cli'), (2, 2, 'FAILED', 'cli');
      INSERT INTO import_rejection (org_id, batch_id, line, reason, excerpt) VALUES (1, 1, 7, 'not JSON', '{'), (2, 2, 1, 'empty', '');
      INSERT INTO mailbox (id, org_id, user_principal_name) VALUES (10, 1, 'alice@contoso.com'), (20, 2, 'alice@contoso.com');
      INSERT INTO session (id, org_id, session_id, first_seen, last_seen) VALUES (11, 1, 's-1', '2025-03-10T03:00Z', '2025-03-10T04:00Z');
      INSERT INTO client_ip (id, org_id, address, version, first_seen, last_seen) VALUES (12, 1, '203.0.113.10', 4, '2025-03-10T03:00Z', '2025-03-10T04:00Z');
      INSERT INTO session_client_ip (session_id, client_ip_id, org_id, first_seen, last_seen, record_count) VALUES (11, 12, 1, '2025-03-10T03:00Z', '2025-03-10T04:00Z', 2);
      INSERT INTO session_mailbox (session_id, mailbox_id, org_id, first_seen, last_seen, record_count) VALUES (11, 10, 1, '2025-03-10T03:00Z', '2025-03-10T04:00Z', 2);
      INSERT INTO folder (id, org_id, mailbox_id, folder_key, path) VALUES (13, 1, 10, 'F1', '\\Inbox'), (23, 2, 20, 'F1', '\\Inbox');`);
  });
  afterAll(async () => db.drop());

  test('a folder of one organisation under a mailbox of another: the migration refuses, says why, and changes nothing', async () => {
    await db.dataSource.query(`INSERT INTO folder (id, org_id, mailbox_id, folder_key, path) VALUES (99, 2, 10, 'F9', '\\Crossed')`);
    await expect(runOrgKeysAlone(db.dataSource)).rejects.toThrow(/1 folder\(s\) belong to a mailbox of another organisation and 0 rejection/);
    expect(await primaryKey(db.dataSource, 'mailbox')).toBe('PRIMARY KEY (id)');
    expect((await db.dataSource.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1'))[0].name).not.toBe(NAME);
    await db.dataSource.query('DELETE FROM folder WHERE id = 99');
  });

  let before: Record<string, string[]>;
  test('keeps every row, and with the migrations after it leaves the model the entities describe', async () => {
    before = await everyRow(db.dataSource);
    expect(before.folder).toHaveLength(2);
    await runOrgKeysAlone(db.dataSource);
    expect(await everyRow(db.dataSource)).toEqual(before);
    expect(await primaryKey(db.dataSource, 'mailbox')).toBe('PRIMARY KEY (id, org_id)');
    await db.dataSource.runMigrations({ transaction: 'each' });
    expect((await schemaDrift(db.dataSource)).up).toEqual([]);
    expect(await primaryKey(db.dataSource, 'mailbox')).toBe('PRIMARY KEY (id, org_id)');
    expect(await primaryKey(db.dataSource, 'session_client_ip')).toBe('PRIMARY KEY (session_id, client_ip_id, org_id)');
  });

  test('the composite foreign keys now refuse a row pointing at another organisation', async () => {
    await expect(db.dataSource.query(`INSERT INTO folder (org_id, mailbox_id, folder_key, path) VALUES (2, 10, 'F9', '\\Crossed')`)).rejects.toThrow(/fk_folder_mailbox/);
    await expect(db.dataSource.query(`INSERT INTO import_rejection (org_id, batch_id, line, reason, excerpt) VALUES (2, 1, 1, 'x', '')`)).rejects.toThrow(/fk_import_rejection_batch/);
    await db.dataSource.query(`INSERT INTO folder (org_id, mailbox_id, folder_key, path) VALUES (2, 20, 'F9', '\\Own')`);
  });

  test('down restores the previous keys with the rows', async () => {
    await undoThroughOrgKeys(db.dataSource);
    const rows = await everyRow(db.dataSource);
    await runOrgKeysAlone(db.dataSource);
    await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await primaryKey(db.dataSource, 'mailbox')).toBe('PRIMARY KEY (id)');
    expect(await primaryKey(db.dataSource, 'session_client_ip')).toBe('PRIMARY KEY (session_id, client_ip_id)');
    expect(await everyRow(db.dataSource)).toEqual(rows);
  });
});

describe('an imported incident: the same answers and rows after the keys change, and imports go on', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await importIncident(t);
  });
  afterAll(async () => t.close());

  const VARIABLES: [string, Record<string, unknown>][] = [
    ['01-sessions-by-ip.graphql', { ip: '203.0.113.10' }],
    ['02-session.graphql', { sessionId: ids.S_ATTACK }],
    ['04-exposure.graphql', { mailbox: 'alice@contoso.com' }],
    ['09-mailbox.graphql', { upn: 'alice@contoso.com' }],
  ];

  test('down to the previous keys and up again', async () => {
    const answers = async () => {
      const out = [];
      for (const [name, variables] of VARIABLES) out.push(await ask(t, name, variables));
      return out;
    };
    const before = await answers();
    const serverWrites = ['access_log', 'api_key'];
    // OwnerUserIdImplied's and ImpliedRecordValues' downs write the UserIds and client addresses the import left
    // implied, and their ups leave them written (nulling them would rewrite every row of a stored case to save ~30
    // bytes each): have those migrations write them first, so the rows compare.
    await undoMigrationsThrough(t.db.dataSource, 'OwnerUserIdImplied1796006900000');
    await t.db.dataSource.runMigrations({ transaction: 'each' });
    const rows = await everyRow(t.db.dataSource, serverWrites);
    expect(rows.audit_record.length).toBeGreaterThan(0);
    expect(rows.session_client_ip.length).toBeGreaterThan(0);
    await undoThroughOrgKeys(t.db.dataSource);
    expect(await primaryKey(t.db.dataSource, 'audit_record')).toBe('PRIMARY KEY (id)');
    await t.db.dataSource.runMigrations({ transaction: 'each' });
    expect(await primaryKey(t.db.dataSource, 'audit_record')).toBe('PRIMARY KEY (id, org_id)');
    expect(await everyRow(t.db.dataSource, serverWrites)).toEqual(rows);
    expect(await answers()).toEqual(before);
  });

  test('after it, imports go on: the same file adds nothing again, and into another organisation it adds its links', async () => {
    const counts = async (orgId: number) =>
      (await t.db.dataSource.query('SELECT (SELECT count(*) FROM audit_record WHERE org_id = $1)::int AS records, (SELECT count(*) FROM session_client_ip WHERE org_id = $1)::int AS links', [orgId]))[0];
    const first = await counts(1);
    const [again] = await t.importer.importFile(path.join(FIXTURES_DIR, 'audit.ndjson'), { orgId: 1, source: 'cli' });
    expect(again.recordsInserted).toBe(0);
    expect(await counts(1)).toEqual(first);
    await t.db.dataSource.query("INSERT INTO organization (slug, name) VALUES ('second', 'Second') ");
    const [{ id }] = await t.db.dataSource.query("SELECT id FROM organization WHERE slug = 'second'");
    const [other] = await t.importer.importFile(path.join(FIXTURES_DIR, 'audit.ndjson'), { orgId: id, source: 'cli' });
    expect(other.status).toBe('SUCCEEDED');
    expect(await counts(id)).toEqual(first);
  });
});
