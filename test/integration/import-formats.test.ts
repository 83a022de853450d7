/**
 * Every export shape investigators arrive with loads into the same model: each fixture file holds the same incident
 * (or a documented part of it) in another container, encoding or compression.
 */
import pino from 'pino';
import { ImportService } from '../../src/import/import-service';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { expected, fixture, modelCounts, newOrganization } from '../support/fixtures';

const WHOLE_INCIDENT = expected.summary;

const files = Object.entries(expected.files as Record<string, { read: number; inserted: number; duplicates: number; rejectedLines: number[] }>)
  .filter(([name]) => !name.startsWith('not-an-export') && name !== 'lossy-flattened.csv');

describe('importing each export shape into an empty organisation', () => {
  let db: TestDatabase;
  let importer: ImportService;
  beforeAll(async () => {
    db = await createTestDatabase();
    importer = new ImportService(db.dataSource, pino({ level: 'silent' }), { chunkRecords: 7 });
  });
  afterAll(async () => db.drop());

  test.each(files)('%s: records read, inserted, duplicates and rejected lines as documented', async (name, want) => {
    const orgId = await newOrganization(db.dataSource, name);
    const batches = await importer.importFile(fixture(name), { orgId, source: 'cli' });
    expect(batches.every((b) => b.status === 'SUCCEEDED')).toBe(true);
    const sum = (k: 'recordsRead' | 'recordsInserted' | 'duplicates' | 'rejected') => batches.reduce((n, b) => n + b[k], 0);
    expect({ read: sum('recordsRead'), inserted: sum('recordsInserted'), duplicates: sum('duplicates') }).toEqual({
      read: want.read,
      inserted: want.inserted,
      duplicates: want.duplicates,
    });
    const rejected: { line: number }[] = await db.dataSource.query(
      'SELECT line FROM import_rejection WHERE batch_id = ANY($1::bigint[]) ORDER BY line',
      [batches.map((b) => b.id)],
    );
    expect(rejected.map((r) => r.line)).toEqual(want.rejectedLines);
    expect(sum('rejected')).toBe(want.rejectedLines.length);
  });

  test.each(files.filter(([, want]) => want.inserted === WHOLE_INCIDENT.records && !want.rejectedLines.length))(
    '%s: the whole incident becomes the same model (records, message accesses, syncs, sessions, IPs, mailboxes)',
    async (name) => {
      const orgId = await newOrganization(db.dataSource, `model-${name}`);
      await importer.importFile(fixture(name), { orgId, source: 'cli' });
      expect(await modelCounts(db.dataSource, orgId)).toEqual({
        records: WHOLE_INCIDENT.records,
        messageAccesses: WHOLE_INCIDENT.messageAccesses,
        folderSyncs: WHOLE_INCIDENT.folderSyncs,
        sessions: WHOLE_INCIDENT.sessions,
        clientIps: WHOLE_INCIDENT.clientIps,
        mailboxes: WHOLE_INCIDENT.mailboxes,
        distinctMessages: WHOLE_INCIDENT.distinctMessages,
      });
    },
  );

  test('a zip of two exports gives one batch per file inside, named after the archive and the entry', async () => {
    const orgId = await newOrganization(db.dataSource, 'zip');
    const batches = await importer.importFile(fixture('exports.zip'), { orgId, source: 'cli' });
    expect(batches.map((b) => [b.fileName, b.recordsInserted])).toEqual([
      ['exports.zip:AuditLog_2025-03-07_2025-03-09.csv', 11],
      ['exports.zip:AuditLog_2025-03-10_2025-03-12.csv', 28],
    ]);
  });

  test('the en-AU wrapper date 3/12/2025 is read as AuditData.CreationTime says (the wrapper is ambiguous)', async () => {
    const orgId = await newOrganization(db.dataSource, 'au');
    await importer.importFile(fixture('unified-audit-log.csv'), { orgId, source: 'cli' });
    const [carol] = await db.dataSource.query(
      "SELECT creation_time FROM audit_record r WHERE org_id = $1 AND r.record_key = 'ca201000-0004-4f00-8b00-0000000c0004'",
      [orgId],
    );
    expect(carol.creation_time.toISOString()).toBe('2025-03-11T14:22:31.000Z');
  });

  test('a Search-MailboxAuditLog row becomes a record with its message accesses from AggregatedRecordFoldersData', async () => {
    const orgId = await newOrganization(db.dataSource, 'mbx');
    await importer.importFile(fixture('mailbox-audit-showdetails.csv'), { orgId, source: 'cli' });
    const rows = await db.dataSource.query(
      `SELECT r.operation, r.mail_access_type, r.is_throttled, r.operation_count,
              (SELECT count(*) FROM message_access m WHERE m.record_id = r.id)::int AS accesses,
              (SELECT count(*) FROM folder_sync s WHERE s.record_id = r.id)::int AS syncs
       FROM audit_record r WHERE r.org_id = $1 ORDER BY r.source_line`,
      [orgId],
    );
    expect(rows.every((r: { operation: string }) => r.operation === 'MailItemsAccessed')).toBe(true);
    expect(rows.filter((r: { is_throttled: boolean }) => r.is_throttled)).toHaveLength(1);
    expect(rows.reduce((n: number, r: { accesses: number }) => n + r.accesses, 0)).toBeGreaterThan(0);
    expect(rows.filter((r: { mail_access_type: string; syncs: number }) => r.mail_access_type === 'SYNC' && r.syncs === 1)).toHaveLength(1);
  });
});
