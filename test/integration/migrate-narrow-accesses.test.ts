/**
 * The NarrowAccesses migration moves an existing database (it does not wipe it): wide message_access / folder_sync
 * rows written under the previous migrations become dictionary messages and narrow rows with the same ids, the
 * API answers the same questions the same way, and `down` restores the wide rows.
 */
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { NarrowAccesses1795998900000 } from '../../migrations/1795998900000-NarrowAccesses';
import { createServices } from '../../src/api/services';
import { NO_RANGE } from '../../src/api/services/time-range';
import { schemaDrift } from '../../src/db/schema-drift';
import { verifyEvidence } from '../../src/evidence/verify';
import { messageKeyHash } from '../../src/import/normalize';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestServer, type TestServer } from '../support/server';
import { ask, CONTRACT_FILES, ids, importIncident } from './contract-queries';

/** Undoes migrations down to (and including) NarrowAccesses, whatever came after it. */
async function undoNarrowAccesses(ds: DataSource): Promise<void> {
  for (;;) {
    const [last] = await ds.query('SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1');
    await ds.undoLastMigration({ transaction: 'each' });
    if (last.name === 'NarrowAccesses1795998900000') return;
  }
}

const WIDE_ACCESS = `SELECT id::text, org_id, record_id::text, folder_id::text, mailbox_id::text, session_id::text, client_ip_id::text, client_app_id,
  access_type, accessed_at, internet_message_id, internet_message_id_original, size_in_bytes::text FROM message_access ORDER BY id`;
const WIDE_SYNC = `SELECT id::text, org_id, record_id::text, folder_id::text, mailbox_id::text, session_id::text, client_ip_id::text, client_app_id, synced_at
  FROM folder_sync ORDER BY id`;

describe('migrating a database built by the previous migrations, with data in it', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    const runner = db.dataSource.createQueryRunner();
    try {
      // Exactly the migrations before NarrowAccesses, recorded as TypeORM records them.
      await runner.query('CREATE TABLE migrations (id SERIAL PRIMARY KEY, timestamp bigint NOT NULL, name varchar NOT NULL)');
      for (const Migration of MIGRATIONS.slice(0, MIGRATIONS.indexOf(NarrowAccesses1795998900000))) {
        const m = new (Migration as new () => { name: string; up(r: unknown): Promise<void> })();
        await m.up(runner);
        await runner.query('INSERT INTO migrations (timestamp, name) VALUES ($1, $2)', [Number(m.name.match(/\d+$/)![0]), m.name]);
      }
      await runner.query(`
        INSERT INTO organization (id, slug, name) VALUES (2, 'other', 'Other');
        INSERT INTO import_batch (id, org_id, status, source) VALUES (1, 1, 'SUCCEEDED', 'cli'), (2, 2, 'SUCCEEDED', 'cli');
        INSERT INTO mailbox (id, org_id, user_principal_name) VALUES (10, 1, 'alice@contoso.com'), (20, 2, 'alice@contoso.com');
        INSERT INTO session (id, org_id, session_id, first_seen, last_seen) VALUES (11, 1, 's-1', '2025-03-10T03:00Z', '2025-03-10T04:00Z');
        INSERT INTO client_ip (id, org_id, address, version, first_seen, last_seen) VALUES (12, 1, '203.0.113.10', 4, '2025-03-10T03:00Z', '2025-03-10T04:00Z');
        INSERT INTO folder (id, org_id, mailbox_id, folder_key, path) VALUES (13, 1, 10, 'F1', '\\Inbox'), (23, 2, 20, 'F1', '\\Inbox');
        INSERT INTO audit_record (id, org_id, record_key, creation_time, operation, user_id, mailbox_id, session_id, client_ip_id, client_app_id,
            mail_access_type, operation_count, raw, batch_id, source_line) VALUES
          (100, 1, 'r1', '2025-03-10T03:00Z', 'MailItemsAccessed', 'alice@contoso.com', 10, 11, 12, 'app-1', 'BIND', 3, '{"Id":"r1"}', 1, 1),
          (101, 1, 'r2', '2025-03-10T04:00Z', 'MailItemsAccessed', 'alice@contoso.com', 10, 11, 12, NULL, 'BIND', 1, '{"Id":"r2"}', 1, 2),
          (102, 1, 'r3', '2025-03-10T05:00Z', 'MailItemsAccessed', 'alice@contoso.com', 10, 11, NULL, NULL, 'SYNC', 1, '{"Id":"r3"}', 1, 3),
          (200, 2, 'r1', '2025-03-11T03:00Z', 'MailItemsAccessed', 'alice@contoso.com', 20, NULL, NULL, NULL, 'BIND', 1, '{"Id":"r1"}', 2, 1);
        INSERT INTO message_access (id, org_id, record_id, folder_id, mailbox_id, session_id, client_ip_id, client_app_id, access_type, accessed_at,
            internet_message_id, internet_message_id_original, size_in_bytes) VALUES
          (1000, 1, 100, 13, 10, 11, 12, 'app-1', 'BIND', '2025-03-10T03:00Z', '<m1@HOST.Example.com>', 'm1@HOST.Example.com', 2048),
          (1001, 1, 100, 13, 10, 11, 12, 'app-1', 'BIND', '2025-03-10T03:00Z', '<M1@host.example.com>', NULL, NULL),
          (1002, 1, 100, 13, 10, 11, 12, 'app-1', 'BIND', '2025-03-10T03:00Z', '<no-domain>', NULL, 10),
          (1003, 1, 101, 13, 10, 11, 12, NULL, 'BIND', '2025-03-10T04:00Z', '<m1@host.EXAMPLE.com>', NULL, 2048),
          (1004, 2, 200, 23, 20, NULL, NULL, NULL, 'BIND', '2025-03-11T03:00Z', '<m1@host.example.com>', NULL, NULL);
        INSERT INTO folder_sync (id, org_id, record_id, folder_id, mailbox_id, session_id, client_ip_id, client_app_id, synced_at) VALUES
          (500, 1, 102, 13, 10, 11, NULL, NULL, '2025-03-10T05:00Z');`);
    } finally {
      await runner.release();
    }
  });
  afterAll(async () => db.drop());

  let wideAccesses: unknown[];
  let wideSyncs: unknown[];
  test('runs only the new migration and leaves the model the entities describe', async () => {
    wideAccesses = await db.dataSource.query(WIDE_ACCESS);
    wideSyncs = await db.dataSource.query(WIDE_SYNC);
    const applied = await db.dataSource.runMigrations({ transaction: 'each' });
    expect(applied[0].name).toBe('NarrowAccesses1795998900000');
    expect((await schemaDrift(db.dataSource)).up).toEqual([]);
  });

  test('one dictionary message per organisation and domain-insensitive id, shown as first spelt', async () => {
    const messages = await db.dataSource.query("SELECT org_id, encode(key_hash, 'hex') AS key_hash, m.internet_message_id FROM message m ORDER BY org_id, id");
    const row = (orgId: number, key: string, shown: string) => ({ org_id: orgId, key_hash: messageKeyHash(key), internet_message_id: shown });
    expect(messages).toEqual(expect.arrayContaining([
      row(1, '<m1@host.example.com>', '<m1@HOST.Example.com>'),
      row(1, '<M1@host.example.com>', '<M1@host.example.com>'),
      row(1, '<no-domain>', '<no-domain>'),
      row(2, '<m1@host.example.com>', '<m1@host.example.com>'),
    ]));
    expect(messages).toHaveLength(4);
    const accesses = await db.dataSource.query('SELECT id::text, record_id::text, folder_id::text, size_in_bytes::text, internet_message_id_original FROM message_access ORDER BY id');
    expect(accesses.map((a: { id: string }) => a.id)).toEqual(['1000', '1001', '1002', '1003', '1004']);
    expect(accesses[0]).toEqual({ id: '1000', record_id: '100', folder_id: '13', size_in_bytes: '2048', internet_message_id_original: 'm1@HOST.Example.com' });
  });

  test('the services answer from the moved rows: message, exposure, syncs, per organisation', async () => {
    const s = createServices(db.dataSource, 1);
    const message = await s.messages.findMessage('<m1@host.example.COM>');
    expect(message).toEqual({ messageId: expect.any(String), internetMessageId: '<m1@HOST.Example.com>', firstAccessedAt: new Date('2025-03-10T03:00Z'), lastAccessedAt: new Date('2025-03-10T04:00Z'), bindSubject: null });
    expect(await s.messages.findMessage('<m1@nowhere.example.com>')).toBeNull();
    const totals = await s.exposure.totals({ mailboxId: '10', from: null, to: null, sessionIds: null, clientIps: null, clientAppIds: null } as never);
    expect(totals).toEqual({ boundMessageCount: 3, bindOperationCount: 4 });
    const related = { folder: () => undefined, clientIp: () => undefined };
    const [syncs] = await s.messages.syncsBy('mailbox', ['10'], NO_RANGE, related);
    expect(syncs.map((x) => [x.id, x.recordId, x.sessionId, x.syncedAt.toISOString()])).toEqual([['500', '102', '11', '2025-03-10T05:00:00.000Z']]);
    const [byRecord] = await s.messages.accessesByRecordIds(['100'], related);
    expect(byRecord.map((a) => [a.id, a.internetMessageId, a.clientAppId, a.sessionId])).toEqual([
      ['1000', '<m1@HOST.Example.com>', 'app-1', '11'],
      ['1001', '<M1@host.example.com>', 'app-1', '11'],
      ['1002', '<no-domain>', 'app-1', '11'],
    ]);
    const other = await createServices(db.dataSource, 2).messages.findMessage('<m1@HOST.example.com>');
    expect(other?.internetMessageId).toBe('<m1@host.example.com>');
  });

  test('records moved from jsonb are marked not byte-exact, and verify checks their jsonb text', async () => {
    const s = createServices(db.dataSource, 1);
    const [original] = await s.auditRecords.originalsByIds(['100']);
    expect(original).toEqual({ text: '{"Id": "r1"}', exact: false });
    expect(await verifyEvidence(db.dataSource)).toMatchObject({ records: 4, exact: 0, notExact: 4, mismatchCount: 0 });
  });

  test('new rows continue after the moved ids', async () => {
    const [{ id }] = await db.dataSource.query("SELECT nextval(pg_get_serial_sequence('message_access', 'id'))::text AS id");
    expect(Number(id)).toBeGreaterThan(1004);
  });

  test('down restores the wide rows (the first spelling of each message stands for its variants)', async () => {
    await undoNarrowAccesses(db.dataSource);
    const back = (await db.dataSource.query(WIDE_ACCESS)) as { internet_message_id: string }[];
    const domainInsensitive = (rows: unknown[]) =>
      (rows as { internet_message_id: string }[]).map((r) => ({ ...r, internet_message_id: r.internet_message_id.replace(/@.*/, (d) => d.toLowerCase()) }));
    expect(domainInsensitive(back)).toEqual(domainInsensitive(wideAccesses));
    expect(await db.dataSource.query(WIDE_SYNC)).toEqual(wideSyncs);
  });
});

describe('the contract answers the same before and after the move', () => {
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

  test('down to the wide tables and up again', async () => {
    expect(CONTRACT_FILES).toEqual(expect.arrayContaining(VARIABLES.map(([name]) => name)));
    const before = [];
    for (const [name, variables] of VARIABLES) before.push(await ask(t, name, variables));
    const [{ n }] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM message_access');
    expect(n).toBeGreaterThan(0);
    await undoNarrowAccesses(t.db.dataSource);
    await t.db.dataSource.runMigrations({ transaction: 'each' });
    const after = [];
    for (const [name, variables] of VARIABLES) after.push(await ask(t, name, variables));
    expect(after).toEqual(before);
  });
});
