/**
 * Message ids Exchange Online made are stored as their parts (migration PackedMessageIds): what the importer writes,
 * what a store written before the migration becomes, and that every reader still sees the exact spelling. Real
 * importer, real migrations, asked over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { undoMigrationsThrough } from '../support/database';
import { bindRecord, writeNdjson } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

// A real Exchange Online id (25 hex digits: odd), one with an even number, and spellings that must stay text: hex in
// lower case, nothing after the server, another domain case (the same message as the first: domains compare
// case-insensitively, and the first spelling seen is kept), another domain.
const ODD = '<SN2PR00MB01571C097EE2C3C01A5F3469B58E0@SN2PR00MB0157.namprd00.prod.outlook.com>';
const EVEN = '<DM6PR11MB409198D35E3C888E12AC00001FD1@DM6PR11MB4091.namprd04.prod.outlook.com>';
const LOWER_HEX = '<SN2PR00MB01571c097ee2c3c01a5f3469b58e0@SN2PR00MB0157.namprd00.prod.outlook.com>';
const NO_HEX = '<SN2PR00MB0157@SN2PR00MB0157.namprd00.prod.outlook.com>';
const ODD_UPPER_DOMAIN = '<SN2PR00MB01571C097EE2C3C01A5F3469B58E0@SN2PR00MB0157.NAMPRD00.PROD.OUTLOOK.COM>';
const OTHER = '<5c06433f-d7f6-48c7-8752-72f5cf93011c@az.westus.production.microsoft.com>';
const LATER = '<BY5PR12MB42120A1B2C3D4E5F60718293A4B5C@BY5PR12MB4212.namprd12.prod.outlook.com>';

const record = (i: number, items: object[]) =>
  bindRecord({ id: `7e000000-0000-4000-8000-00000000000${i}`, creationTime: `2025-07-02T0${i}:00:00`, sessionId: 's-packed', items });

describe('message ids stored as their Exchange Online parts', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-packed-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stored = () =>
    t.db.dataSource.query(
      `SELECT m.internet_message_id AS shown, spelling, exo_server AS server, encode(exo_hex, 'hex') AS hex, exo_hex_odd AS odd, exo_region AS region
         FROM message m ORDER BY m.internet_message_id COLLATE "C" NULLS LAST`,
    );
  const shown = async (id: string) =>
    (await t.gql(`{ message(internetMessageId: "${id}") { internetMessageId accesses { totalCount } } }`)).body.data.message;

  test('the importer packs Exchange Online ids, keeps the rest as text, and every reader sees the spelling', async () => {
    const first = writeNdjson(dir, 'first.ndjson', [
      record(1, [{ InternetMessageId: ODD }, { InternetMessageId: EVEN }, { InternetMessageId: LOWER_HEX }]),
      record(2, [{ InternetMessageId: NO_HEX }, { InternetMessageId: ODD_UPPER_DOMAIN }, { InternetMessageId: OTHER }, { Id: 'LgAAAAA-no-id' }]),
    ]);
    const [a] = await t.importer.importFile(first, { orgId: 1, source: 'cli' });
    expect([a.status, a.recordsInserted]).toEqual(['SUCCEEDED', 2]);
    // A store with messages takes new ones through the other path (INSERT … ON CONFLICT instead of COPY).
    const second = writeNdjson(dir, 'second.ndjson', [record(3, [{ InternetMessageId: LATER }, { InternetMessageId: ODD }])]);
    const [b] = await t.importer.importFile(second, { orgId: 1, source: 'cli' });
    expect([b.status, b.recordsInserted]).toEqual(['SUCCEEDED', 1]);

    const text = (s: string) => ({ shown: s, spelling: s, server: null, hex: null, odd: null, region: null });
    const rows = [
      { shown: ODD, spelling: null, server: 'SN2PR00MB0157', hex: '1c097ee2c3c01a5f3469b58e00', odd: true, region: 'namprd00' },
      { shown: EVEN, spelling: null, server: 'DM6PR11MB4091', hex: '98d35e3c888e12ac00001fd1', odd: false, region: 'namprd04' },
      { shown: LATER, spelling: null, server: 'BY5PR12MB4212', hex: '0a1b2c3d4e5f60718293a4b5c0', odd: true, region: 'namprd12' },
      text(LOWER_HEX),
      text(NO_HEX),
      text(OTHER),
    ].sort((x, y) => (x.shown < y.shown ? -1 : 1));
    const noId = { shown: null, spelling: null, server: null, hex: null, odd: null, region: null };
    expect(await stored()).toEqual([...rows, noId]);
    // Looked up in either domain case, shown as first spelt; its accesses counted across both spellings.
    expect(await shown(ODD_UPPER_DOMAIN)).toEqual({ internetMessageId: ODD, accesses: { totalCount: 3 } });
    expect(await shown(LATER)).toEqual({ internetMessageId: LATER, accesses: { totalCount: 1 } });
    // What the mailbox exposed reads the message through the same function: the exact spellings.
    const exposure = await t.gql(
      `{ exposure(mailbox: "alice@example.com", from: "2025-07-02T00:00:00Z", to: "2025-07-03T00:00:00Z") {
          boundMessages(first: 20) { edges { node { internetMessageId } } } } }`,
    );
    expect(exposure.body.errors).toBeUndefined();
    const ids = exposure.body.data.exposure.boundMessages.edges.map((e: { node: { internetMessageId: string } }) => e.node.internetMessageId);
    expect([...ids].sort()).toEqual(['', ODD, EVEN, LATER, LOWER_HEX, NO_HEX, OTHER].sort());
  });

  test('a store written before the migration is packed by it the same way, and back by its down', async () => {
    const ds = t.db.dataSource;
    const packed = await stored();
    await undoMigrationsThrough(ds, 'PackedMessageIds1796007100000');
    // As the old importer left it: every spelling as text, in the column the old code reads.
    const before = await ds.query('SELECT internet_message_id AS shown FROM message ORDER BY internet_message_id COLLATE "C" NULLS LAST');
    expect(before).toEqual(packed.map((r: { shown: string | null }) => ({ shown: r.shown })));
    await ds.runMigrations({ transaction: 'each' });
    expect(await stored()).toEqual(packed);
    // Nothing new when the same messages come again.
    const again = writeNdjson(dir, 'again.ndjson', [record(4, [{ InternetMessageId: ODD_UPPER_DOMAIN }, { InternetMessageId: EVEN }, { InternetMessageId: LATER }])]);
    const [c] = await t.importer.importFile(again, { orgId: 1, source: 'cli' });
    expect([c.status, c.recordsInserted]).toEqual(['SUCCEEDED', 1]);
    expect(await ds.query('SELECT count(*)::int AS n FROM message')).toEqual([{ n: 7 }]);
    expect(await shown(EVEN)).toEqual({ internetMessageId: EVEN, accesses: { totalCount: 2 } });
  });
});
