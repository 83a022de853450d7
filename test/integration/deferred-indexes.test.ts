/**
 * A bulk load into empty tables builds the search indexes of audit_record, message_access and folder_sync once at
 * the end instead of row by row (src/import/load/deferred-indexes.ts). Whatever happens, the indexes come back: after
 * a success, after a failure midway, and after an importer that died (the next import builds them).
 */
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { ImportService, type ImportProgress } from '../../src/import/import-service';
import { DEFERRABLE_TABLES, HASH_ORDERED_INDEXES } from '../../src/import/load/deferred-indexes';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { newOrganization } from '../support/fixtures';
import { makeBulkBindRecords, toNdjson } from '../fixtures/generate.cjs';

const logger = pino({ level: 'silent' });

const indexesOf = async (db: TestDatabase): Promise<string[]> =>
  (
    await db.dataSource.query(
      'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1) ORDER BY indexname',
      [DEFERRABLE_TABLES],
    )
  ).map((r: { indexname: string }) => r.indexname);

/** Each hash-ordered unique index's file and validity: a rebuild gives it a new file. */
const dictionaryIndexes = (db: TestDatabase): Promise<{ name: string; file: string; valid: boolean }[]> =>
  db.dataSource.query(
    `SELECT c.relname AS name, pg_relation_filenode(c.oid)::text AS file, i.indisvalid AS valid
     FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname LIKE ANY($1) ORDER BY c.relname`,
    [HASH_ORDERED_INDEXES.map((n) => `${n}%`)],
  );

const deferredRows = async (db: TestDatabase): Promise<number> => Number((await db.dataSource.query('SELECT count(*) AS n FROM deferred_index'))[0].n);

const lines = (mailbox: string, count: number) => toNdjson(makeBulkBindRecords({ count, mailbox, itemsPerRecord: 2 })).split('\n').filter(Boolean);

/** Starts an import fed by hand: the first half of `content` now; `finish` sends the rest or breaks the stream. */
function importByHand(importer: ImportService, orgId: number, content: string[]) {
  const input = new PassThrough();
  let progress: ImportProgress | null = null;
  const done = importer.importStream(input, { orgId, source: 'cli', fileName: 'bulk.ndjson', onProgress: (p) => (progress = p) });
  const half = Math.floor(content.length / 2);
  input.write(content.slice(0, half).join('\n') + '\n');
  return {
    done,
    async firstChunkLoaded() {
      for (let i = 0; i < 400 && !(progress && progress.records > 0); i++) await new Promise((r) => setTimeout(r, 25));
      expect(progress?.records).toBeGreaterThan(0);
    },
    finish(error?: Error) {
      if (error) input.destroy(error);
      else input.end(content.slice(half).join('\n') + '\n');
    },
  };
}

describe('index builds deferred for a bulk load into empty tables', () => {
  let db: TestDatabase;
  let all: string[];
  beforeEach(async () => {
    db = await createTestDatabase();
    all = await indexesOf(db);
  });
  afterEach(async () => db.drop());

  test('the search indexes are missing while the load runs and all back when it ends', async () => {
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 20, deferIndexesFromBytes: 0 });
    const orgId = await newOrganization(db.dataSource, 'bulk');
    const dictionariesBefore = await dictionaryIndexes(db);
    const run = importByHand(importer, orgId, lines('bulk@contoso.com', 100));
    await run.firstChunkLoaded();
    const during = await indexesOf(db);
    expect(all).toEqual(expect.arrayContaining(['ix_audit_record_batch', 'ix_message_access_record', 'ix_folder_sync_record']));
    expect(during).not.toContain('ix_audit_record_batch');
    expect(during.length).toBeLessThan(all.length);
    expect(during.every((i) => /^(pk|uq)_/.test(i))).toBe(true);
    expect(await deferredRows(db)).toBe(all.length - during.length);
    run.finish();
    const [batch] = await run.done;
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 100 });
    expect(await indexesOf(db)).toEqual(all);
    expect(await deferredRows(db)).toBe(0);
    // The unique indexes the load filled in hash order were rebuilt (new files), valid, with no leftover copy.
    const dictionariesAfter = await dictionaryIndexes(db);
    expect(dictionariesAfter.map((i) => [i.name, i.valid])).toEqual(HASH_ORDERED_INDEXES.map((n) => [n, true]));
    for (const [i, index] of dictionariesAfter.entries()) expect(index.file).not.toBe(dictionariesBefore[i].file);
  });

  test('an import that fails midway still builds them again', async () => {
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 20, deferIndexesFromBytes: 0 });
    const orgId = await newOrganization(db.dataSource, 'broken');
    const run = importByHand(importer, orgId, lines('broken@contoso.com', 100));
    await run.firstChunkLoaded();
    expect((await indexesOf(db)).length).toBeLessThan(all.length);
    run.finish(new Error('the upload was cut'));
    const [batch] = await run.done;
    expect(batch.status).toBe('FAILED');
    expect(batch.recordsInserted).toBeGreaterThan(0);
    expect(await indexesOf(db)).toEqual(all);
    expect(await deferredRows(db)).toBe(0);
  });

  test('tables that already hold records (any organisation) keep their indexes during a load', async () => {
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 20, deferIndexesFromBytes: 0 });
    await importer.importContent(lines('first@contoso.com', 5).join('\n'), { orgId: await newOrganization(db.dataSource, 'first'), source: 'cli', fileName: 'a.ndjson' });
    const dictionariesBefore = await dictionaryIndexes(db);
    const run = importByHand(importer, await newOrganization(db.dataSource, 'second'), lines('second@contoso.com', 100));
    await run.firstChunkLoaded();
    expect(await indexesOf(db)).toEqual(all);
    run.finish();
    expect((await run.done)[0]).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 100 });
    // Nor is anything rebuilt after it: only a bulk load into empty tables compacts the dictionaries.
    expect(await dictionaryIndexes(db)).toEqual(dictionariesBefore);
  });

  test('indexes left deferred by an importer that died are built by the next import, small or not', async () => {
    // What a kill -9 after the deferral leaves: the definitions listed, the indexes gone, nobody holding the lock.
    await db.dataSource.query(
      `INSERT INTO deferred_index (org_id, index_name, definition)
       SELECT 1, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ('ix_audit_record_batch', 'ix_message_access_record')`,
    );
    await db.dataSource.query('DROP INDEX ix_audit_record_batch, ix_message_access_record');
    expect((await indexesOf(db)).length).toBe(all.length - 2);
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 20 });
    const [batch] = await importer.importContent(lines('next@contoso.com', 3).join('\n'), { orgId: 1, source: 'cli', fileName: 'next.ndjson' });
    expect(batch.status).toBe('SUCCEEDED');
    expect(await indexesOf(db)).toEqual(all);
    expect(await deferredRows(db)).toBe(0);
  });
});
