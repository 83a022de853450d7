/** What normalisation decided about single records (a guessed access type, an address that is no IP) is counted per batch. */
import pino from 'pino';
import { ImportService } from '../../src/import/import-service';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { newOrganization } from '../support/fixtures';
import { makeBindRecord, messageIdFrom, toNdjson } from '../fixtures/generate.cjs';

describe('normalisation notes in the batch warnings', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  test('each kind of note is counted, with the first record that has it', async () => {
    const orgId = await newOrganization(db.dataSource, 'notes');
    const bind = (i: number, clientIp = '203.0.113.7') =>
      makeBindRecord({ time: `2025-03-10T03:2${i}:00`, mailbox: 'alice@contoso.com', clientIp, folders: [{ path: '\\Inbox', items: [messageIdFrom(`n-${i}`)] }] });
    const noAccessType = (record: { OperationProperties?: unknown }) => ({ ...record, OperationProperties: [] });
    const records = [bind(1), noAccessType(bind(2)), bind(3, 'localhost'), noAccessType(bind(4)), bind(5)];
    const importer = new ImportService(db.dataSource, pino({ level: 'silent' }), { chunkRecords: 2 });
    const [batch] = await importer.importContent(toNdjson(records), { orgId, source: 'cli', fileName: 'notes.ndjson' });
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsRead: 5, rejected: 0 });
    const ids = records.map((r) => String((r as Record<string, unknown>).Id).toLowerCase());
    expect(batch.warnings).toEqual([
      `2 records: MailAccessType missing; treated as Bind because the record lists messages (e.g. line 2, record ${ids[1]}: MailAccessType is missing; treated as Bind because the record lists messages)`,
      `1 record: client address is not an IP address; kept as written (a ClientIp of kind NOT_AN_IP) (e.g. line 3, record ${ids[2]}: client address 'localhost' is not an IP address)`,
    ]);
    expect(batch.notes).toEqual([
      {
        code: 'ACCESS_TYPE_GUESSED',
        description: 'MailAccessType missing; treated as Bind because the record lists messages',
        records: 2,
        items: 0,
        examples: [
          { line: 2, recordId: ids[1], text: 'MailAccessType is missing; treated as Bind because the record lists messages' },
          { line: 4, recordId: ids[3], text: 'MailAccessType is missing; treated as Bind because the record lists messages' },
        ],
      },
      { code: 'CLIENT_IP_NOT_IP', description: 'client address is not an IP address; kept as written (a ClientIp of kind NOT_AN_IP)', records: 1, items: 0, examples: [{ line: 3, recordId: ids[2], text: "client address 'localhost' is not an IP address" }] },
    ]);
  });

  test('nothing lost in silence: each lossy shape is counted per batch with an example', async () => {
    const orgId = await newOrganization(db.dataSource, 'silent-loss');
    const base = (i: number, folders: unknown, extra: Record<string, unknown> = {}) => ({
      ...makeBindRecord({ time: `2025-03-10T04:0${i}:00`, mailbox: 'alice@contoso.com', clientIp: '203.0.113.7', folders: [{ path: '\\Inbox', items: [messageIdFrom(`s-${i}`)] }] }),
      Folders: folders,
      ...extra,
    });
    const sync = (props: unknown) => ({ OperationProperties: props });
    const records = [
      base(1, [{ Path: '\\Inbox', FolderItems: [{ InternetMessageId: messageIdFrom('s-1') }, { SizeInBytes: 1200 }] }], { OperationCount: 2 }),
      base(2, [{ Path: '\\Archive', FolderItems: [] }]),
      base(3, [], sync([{ Name: 'MailAccessType', Value: 'Sync' }])),
      base(4, [{ Path: '\\Inbox' }], sync([])),
      base(5, [{ Path: '\\Inbox', FolderItems: [{ InternetMessageId: messageIdFrom('s-5') }, { InternetMessageId: messageIdFrom('s-6') }] }], { OperationCount: undefined }),
    ];
    const importer = new ImportService(db.dataSource, pino({ level: 'silent' }), { chunkRecords: 100 });
    const [batch] = await importer.importContent(toNdjson(records), { orgId, source: 'cli', fileName: 'silent.ndjson' });
    expect(batch.error).toBeNull();
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsRead: 5, recordsInserted: 5, rejected: 0 });
    const ids = records.map((r) => String((r as Record<string, unknown>).Id).toLowerCase());
    expect(batch.warnings).toEqual([
      `1 record (1 item): Bind item without an InternetMessageId; stored as a message access known by its item id (internetMessageIdMissing) (e.g. line 1, record ${ids[0]}: an item of folder '\\Inbox' has no InternetMessageId and no item id)`,
      `1 record: Bind record names folders but no items; no message access stored (e.g. line 2, record ${ids[1]}: folders '\\Archive' list no items)`,
      `1 record: Sync record names no folder; stored as a sync of an unknown folder (the whole mailbox may have been synced) (e.g. line 3, record ${ids[2]}: no Folders, Item.ParentFolder or FolderId/FolderPathName)`,
      `1 record: MailItemsAccessed without MailAccessType and without messages; stored as a record only (neither Bind nor Sync) (e.g. line 4, record ${ids[3]}: MailAccessType is missing and no message is listed (1 folder(s)))`,
      `1 record: Bind record without OperationCount; the items it lists were counted instead (e.g. line 5, record ${ids[4]}: no OperationCount; 2 item(s) listed)`,
    ]);
    // OperationCount 2 with one item lacking an InternetMessageId: 2 accesses, not 1.
    const [accesses] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM message_access a JOIN audit_record r ON r.id = a.record_id WHERE r.batch_id = $1 AND r.source_line = 1',
      [batch.id],
    );
    expect(accesses.n).toBe(2);
    const [syncs] = await db.dataSource.query(
      'SELECT f.folder_key FROM folder_sync s JOIN audit_record r ON r.id = s.record_id JOIN folder f ON f.id = s.folder_id WHERE r.batch_id = $1 AND r.source_line = 3',
      [batch.id],
    );
    expect(syncs).toEqual({ folder_key: 'unknown:' });
    const [counted] = await db.dataSource.query('SELECT operation_count FROM audit_record WHERE batch_id = $1 AND source_line = 5', [batch.id]);
    expect(counted.operation_count).toBe(2);
  });
});
