/**
 * A record larger than the import's limit (IMPORT_MAX_RECORD_MB) is rejected with its line and a reason that says
 * how to import it, and the rest of the file is imported, whether the file is prepared in a worker thread or in
 * the importing thread. Before the limit matched what an import can hold in memory, three records of 29.5 MB ran
 * the worker out of its heap and the file failed from there on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ImportService } from '../../src/import/import-service';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { bindRecord, newOrganization, writeNdjson } from '../support/fixtures';

const record = (i: number, items: number) =>
  bindRecord({
    id: `8e000000-0000-4000-8000-00000000000${i}`,
    creationTime: `2025-08-01T0${i}:00:00`,
    sessionId: 's-limit',
    items: Array.from({ length: items }, (_, k) => ({ InternetMessageId: `<limit${i}.${k}@example.com>` })),
  });

describe('the largest record an import accepts', () => {
  let db: TestDatabase;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-record-limit-'));
    // ~3 KB, ~40 KB (over the limit below), ~3 KB.
    file = writeNdjson(dir, 'limit.ndjson', [record(1, 50), record(2, 1000), record(3, 50)]);
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['in a worker thread', 0],
    ['in the importing thread', Infinity],
  ])('%s: the oversized record is rejected with its line, the others are imported', async (_, workerFromBytes) => {
    const orgId = await newOrganization(db.dataSource, `limit-${workerFromBytes}`);
    const importer = new ImportService(db.dataSource, pino({ level: 'silent' }), { chunkRecords: 100, maxRecordChars: 20_000, workerFromBytes });
    const [batch] = await importer.importFile(file, { orgId, source: 'cli' });
    expect([batch.status, batch.recordsRead, batch.recordsInserted, batch.rejected]).toEqual(['SUCCEEDED', 3, 2, 1]);
    const rejections = await db.dataSource.query('SELECT line, reason FROM import_rejection WHERE batch_id = $1', [batch.id]);
    expect(rejections).toEqual([{ line: 2, reason: expect.stringMatching(/^record larger than 20000 characters \(IMPORT_MAX_RECORD_MB raises the limit\)/) }]);
    expect(await db.dataSource.query('SELECT r.record_key FROM audit_record r WHERE org_id = $1 ORDER BY source_line', [orgId])).toEqual([
      { record_key: '8e000000-0000-4000-8000-000000000001' },
      { record_key: '8e000000-0000-4000-8000-000000000003' },
    ]);
  });
});
