/** The importer refreshes planner statistics of the tables it grew, but only when an import grew them meaningfully. */
import { Readable } from 'node:stream';
import pino from 'pino';
import { ImportService } from '../../src/import/import-service';
import { ANALYZE_MIN_RECORDS } from '../../src/import/load/refresh-statistics';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture, newOrganization } from '../support/fixtures';
import { makeBulkBindRecords, toNdjson } from '../fixtures/generate.cjs';

describe('statistics after an import', () => {
  let db: TestDatabase;
  let importer: ImportService;
  beforeAll(async () => {
    db = await createTestDatabase();
    importer = new ImportService(db.dataSource, pino({ level: 'silent' }), { chunkRecords: 500 });
  });
  afterAll(async () => db.drop());

  /** What the planner believes the table holds: -1 until ANALYZE (or VACUUM) has looked at it. */
  const plannerRows = async (table: string): Promise<number> =>
    Number((await db.dataSource.query(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass`, [table]))[0].n);

  test('a small import leaves the statistics alone; a large one analyses every table it grew', async () => {
    const orgId = await newOrganization(db.dataSource, 'stats');
    const [small] = await importer.importFile(fixture('purview.csv'), { orgId, source: 'cli' });
    expect(small.recordsInserted).toBeLessThan(ANALYZE_MIN_RECORDS);
    expect(await plannerRows('audit_record')).toBeLessThanOrEqual(0);

    const records = makeBulkBindRecords({ count: ANALYZE_MIN_RECORDS + 200, mailbox: 'bulk@contoso.com', itemsPerRecord: 2 });
    const [large] = await importer.importStream(Readable.from([Buffer.from(toNdjson(records))]), { orgId, fileName: 'bulk.ndjson', source: 'cli' });
    expect(large.recordsInserted).toBe(ANALYZE_MIN_RECORDS + 200);
    const [{ total }] = await db.dataSource.query('SELECT count(*)::int AS total FROM audit_record');
    expect(await plannerRows('audit_record')).toBe(total);
    const [{ accesses }] = await db.dataSource.query('SELECT count(*)::int AS accesses FROM message_access');
    expect(await plannerRows('message_access')).toBe(accesses);
    expect(await plannerRows('session_mailbox')).toBeGreaterThan(0);
  });
});
