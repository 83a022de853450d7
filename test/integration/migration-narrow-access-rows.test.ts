/**
 * Narrower message_access rows (migration NarrowAccessRows): the folder as a 4-byte id, base64 item ids stored as
 * the bytes they spell and anything else as text. What the importer writes, that every reader gets the item id back
 * byte for byte (SQL and API), that the importer's packing and the database's unpacking agree for every length, and
 * that a store written before the migration becomes the same, continues its ids and goes back by its down. Real
 * importer, real migrations, asked over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NarrowFolderSyncs1796007600000 } from '../../migrations/1796007600000-NarrowFolderSyncs';
import { storedItemId } from '../../src/import/normalize';
import { undoMigrationsThrough } from '../support/database';
import { bindRecord, writeNdjson } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

/** Item ids as records carry them, and how each must be stored. */
const ITEMS: { id: string | undefined; packed: boolean }[] = [
  { id: 'LgAAAAALcWhVmnTeRJS8qp8HxA25AQC/yWJ3KK0XQJ7UyikjUZtEAAAAAAEMAAAB', packed: true }, // a real one: 64 characters
  { id: 'RgAAAAAb787lFZMBPJcUzpmg9mSlEek0X+igWQKk8G9gVNp', packed: true }, // 47: not whole groups
  { id: 'Q', packed: true },
  { id: `RgAAAA${'xyz+/09Q'.repeat(40)}ab`, packed: true }, // 328: several of PostgreSQL's 76-character base64 lines
  { id: 'AAMkAGI2TG93AAA=', packed: false }, // '=' padding: kept as written
  { id: 'AAMkAGI2-TG93_AA', packed: false }, // URL-safe base64
  { id: 'élément 7', packed: false },
  { id: undefined, packed: false },
];

const RECORDS = [
  bindRecord({
    id: '7a000000-0000-4000-8000-000000000001',
    creationTime: '2025-07-04T01:00:00',
    sessionId: 's-narrow',
    items: ITEMS.map((item, i) => ({ InternetMessageId: `<n${i}@example.com>`, ...(item.id === undefined ? {} : { Id: item.id }), SizeInBytes: 1000 + i })),
  }),
  {
    ...bindRecord({ id: '7a000000-0000-4000-8000-000000000003', creationTime: '2025-07-04T01:30:00', sessionId: 's-narrow', items: [] }),
    OperationProperties: [{ Name: 'MailAccessType', Value: 'Sync' }],
    Folders: [{ Id: 'inbox', Path: '\\Inbox' }],
  },
];
const SYNCS = `query($id: ID!) { auditRecord(id: $id) { folderSyncs { syncedAt folder { path } } } }`;

const ACCESSES = `query($s: String!) { session(sessionId: $s) { messageAccesses(first: 50) { edges { node { internetMessageId itemId sizeInBytes folder { path } } } } } }`;

describe('message accesses in narrower rows', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-narrow-'));
    const [batch] = await t.importer.importFile(writeNdjson(dir, 'narrow.ndjson', RECORDS), { orgId: 1, source: 'cli' });
    expect([batch.status, batch.recordsInserted]).toEqual(['SUCCEEDED', 2]);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stored = () =>
    t.db.dataSource.query(
      `SELECT a.id::text, a.record_id::text, a.folder_id, pg_typeof(a.folder_id)::text AS folder_type, a.size_in_bytes::int AS size,
         a.item_id_text AS text, encode(a.item_id_b64, 'hex') AS b64, a.item_id FROM message_access a ORDER BY a.id`,
    );
  const syncs = () =>
    t.db.dataSource.query(`SELECT s.id::text, s.record_id::text, s.folder_id, pg_typeof(s.folder_id)::text AS folder_type FROM folder_sync s ORDER BY s.id`);
  const asked = async () => {
    const { body } = await t.gql(ACCESSES, { s: 's-narrow' });
    expect(body.errors).toBeUndefined();
    const synced = await t.gql(SYNCS, { id: RECORDS[1].Id });
    expect(synced.body.errors).toBeUndefined();
    return [body.data.session.messageAccesses.edges.map((e: { node: unknown }) => e.node), synced.body.data.auditRecord.folderSyncs];
  };
  const ANSWERS = [
    ITEMS.map((item, i) => ({ internetMessageId: `<n${i}@example.com>`, itemId: item.id ?? null, sizeInBytes: 1000 + i, folder: { path: '\\Inbox' } })),
    [{ syncedAt: '2025-07-04T01:30:00.000Z', folder: { path: '\\Inbox' } }],
  ];

  test('base64 item ids are stored as their bytes, others as text, and every reader gets them back as written', async () => {
    const rows = await stored();
    expect(rows.map((r: { item_id: string | null }) => r.item_id)).toEqual(ITEMS.map((i) => i.id ?? null));
    rows.forEach((r: { text: string | null; b64: string | null }, i: number) => {
      expect([ITEMS[i].id, r.b64 !== null, r.text]).toEqual([ITEMS[i].id, ITEMS[i].packed, ITEMS[i].packed ? null : (ITEMS[i].id ?? null)]);
    });
    // 3/4 of the text, plus one byte: 64 characters in 49 bytes.
    expect(rows[0].b64.length / 2).toBe(49);
    const [folder] = await t.db.dataSource.query('SELECT id FROM folder');
    expect(rows.every((r: { folder_id: number; folder_type: string }) => r.folder_type === 'integer' && String(r.folder_id) === String(folder.id))).toBe(true);
    expect(await syncs()).toEqual([expect.objectContaining({ folder_id: Number(folder.id), folder_type: 'integer' })]);
    expect(await asked()).toEqual(ANSWERS);
  });

  test("the importer's packing and the database's item_id(message_access) agree for every length, and refuse two at once", async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const texts = Array.from({ length: 160 }, (_, n) => Array.from({ length: n + 1 }, (_, i) => alphabet[(i * 7 + n * 13) % 64]).join(''));
    const qr = t.db.dataSource.createQueryRunner();
    try {
      await qr.query('BEGIN');
      await qr.query(
        `INSERT INTO message_access (org_id, record_id, message_id, folder_id, item_id_b64)
         SELECT 1, -1, -1, 1, decode(h, 'hex') FROM unnest($1::text[]) WITH ORDINALITY AS u(h, n) ORDER BY n`,
        [texts.map((x) => storedItemId(x).b64Hex)],
      );
      const back = await qr.query('SELECT a.item_id FROM message_access a WHERE a.record_id = -1 ORDER BY a.id');
      expect(back.map((r: { item_id: string }) => r.item_id)).toEqual(texts);
      await expect(qr.query(`INSERT INTO message_access (org_id, record_id, message_id, folder_id, item_id_text, item_id_b64) VALUES (1, -1, -1, 1, 'x', '\\x00')`)).rejects.toThrow(
        /ck_message_access_item_id/,
      );
    } finally {
      await qr.query('ROLLBACK');
      await qr.release();
    }
    expect(storedItemId(null)).toEqual({ b64Hex: null, text: null });
    expect(storedItemId('AB==')).toEqual({ b64Hex: null, text: 'AB==' });
  });

  test('a store written before the migration is rebuilt the same way, continues its ids, and goes back by its down', async () => {
    const ds = t.db.dataSource;
    const before = await stored();
    const syncsBefore = await syncs();
    await undoMigrationsThrough(ds, 'NarrowAccessRows1796007500000');
    const [pk] = await ds.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'pk_folder_sync'`);
    expect(pk.def).toBe('PRIMARY KEY (id, org_id)');
    const old = await ds.query(`SELECT id::text, folder_id, pg_typeof(folder_id)::text AS folder_type, item_id FROM message_access ORDER BY id`);
    expect(old).toEqual(before.map((r: { id: string; folder_id: number; item_id: string | null }) => ({ id: r.id, folder_id: String(r.folder_id), folder_type: 'bigint', item_id: r.item_id })));
    await ds.runMigrations({ transaction: 'each' });
    expect(await stored()).toEqual(before);
    expect(await syncs()).toEqual(syncsBefore);
    expect(await ds.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'folder_sync'::regclass AND contype = 'p'`)).toEqual([]);
    expect(await asked()).toEqual(ANSWERS);
    // Indexes rebuilt under their names, filled to 100 % (StaticIndexFill); the folder identity capped for the column.
    const indexes = await ds.query(
      `SELECT c.relname AS name, c.reloptions FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid IN ('message_access'::regclass, 'folder_sync'::regclass) ORDER BY 1`,
    );
    expect(indexes).toEqual(
      ['ix_folder_sync_folder', 'ix_folder_sync_record', 'ix_message_access_folder', 'ix_message_access_message', 'ix_message_access_record'].map((name) => ({
        name,
        reloptions: ['fillfactor=100'],
      })),
    );
    const [{ max }] = await ds.query(`SELECT seqmax::text AS max FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('folder', 'id')::regclass`);
    expect(max).toBe('2147483647');
    const next = bindRecord({ id: '7a000000-0000-4000-8000-000000000002', creationTime: '2025-07-04T02:00:00', sessionId: 's-narrow', items: [{ InternetMessageId: '<later@example.com>', Id: 'QUJD' }] });
    const [more] = await t.importer.importFile(writeNdjson(dir, 'more.ndjson', [next]), { orgId: 1, source: 'cli' });
    expect([more.status, more.recordsInserted]).toEqual(['SUCCEEDED', 1]);
    const after = await stored();
    expect(BigInt(after[ITEMS.length].id)).toBeGreaterThan(BigInt(before[ITEMS.length - 1].id));
    expect(after[ITEMS.length]).toMatchObject({ item_id: 'QUJD', text: null, b64: '41424300' });
  });

  test("a store migrated by NarrowAccessRows' first version (message_access only) gets folder_sync narrowed by NarrowFolderSyncs", async () => {
    const ds = t.db.dataSource;
    const syncsBefore = await syncs();
    const answersBefore = await asked();
    await undoMigrationsThrough(ds, 'NarrowFolderSyncs1796007600000');
    // folder_sync as that first version left it: an 8-byte folder id and its primary key.
    await ds.query('ALTER TABLE folder_sync ALTER COLUMN folder_id TYPE bigint');
    await ds.query('ALTER TABLE folder_sync ADD CONSTRAINT pk_folder_sync PRIMARY KEY (id, org_id) WITH (fillfactor = 100)');
    await ds.query('ALTER TABLE folder_sync REPLICA IDENTITY DEFAULT');
    expect((await syncs()).map((r: { folder_type: string }) => r.folder_type)).toEqual(syncsBefore.map(() => 'bigint'));
    await ds.runMigrations({ transaction: 'each' });
    expect(await syncs()).toEqual(syncsBefore);
    expect(await ds.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'folder_sync'::regclass AND contype = 'p'`)).toEqual([]);
    expect(await ds.query(`SELECT relreplident FROM pg_class WHERE oid = 'folder_sync'::regclass`)).toEqual([{ relreplident: 'f' }]);
    const indexes = await ds.query(`SELECT c.relname AS name, c.reloptions FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'folder_sync'::regclass ORDER BY 1`);
    expect(indexes).toEqual(['ix_folder_sync_folder', 'ix_folder_sync_record'].map((name) => ({ name, reloptions: ['fillfactor=100'] })));
    expect(await asked()).toEqual(answersBefore);
    // On a store NarrowAccessRows narrowed whole (every store made since), it changes nothing, not even the file.
    const file = async () => (await ds.query(`SELECT pg_relation_filenode('folder_sync')::text AS f`))[0].f;
    const filenode = await file();
    const runner = ds.createQueryRunner();
    try {
      await new NarrowFolderSyncs1796007600000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await file()).toBe(filenode);
  });
});
