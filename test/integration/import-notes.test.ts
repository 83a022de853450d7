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
    expect(batch.warnings).toEqual([
      '2 records: MailAccessType missing; treated as Bind because the record lists messages (e.g. line 2: MailAccessType is missing; treated as Bind because the record lists messages)',
      "1 record: client address is not an IP address; kept as text only (e.g. line 3: client address 'localhost' is not an IP address)",
    ]);
  });
});
