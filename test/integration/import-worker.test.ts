/**
 * A file on disk is read, parsed and normalised in a worker thread (src/import/prepare-worker.ts); an upload in the
 * importing thread. Both must give the same batches and the same model, for every shape of input: formats, gzip,
 * zip with skipped entries, rejections, a file that is not an export.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { verifyEvidence } from '../../src/evidence/verify';
import { ImportService } from '../../src/import/import-service';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture, modelCounts, newOrganization } from '../support/fixtures';

const FILES = ['audit.ndjson', 'purview.csv', 'exports.zip', 'management-api.json.gz', 'mailbox-audit-showdetails.csv', 'bad-rows.csv', 'truncated.ndjson', 'not-an-export.csv'];

describe('preparing in a worker thread', () => {
  let db: TestDatabase;
  const logged: { msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  const recordsOf = async (orgId: number) =>
    db.dataSource.query(
      `SELECT r.record_key, source_line, encode(raw_sha256, 'hex') AS sha, r.operation, creation_time, raw_offset, raw_length, raw_exact,
         (SELECT count(*) FROM audit_record o WHERE o.org_id = r.org_id AND o.raw_block_id = r.raw_block_id)::int AS block_records
       FROM audit_record r WHERE org_id = $1 ORDER BY r.record_key`,
      [orgId],
    );

  test.each(FILES)('%s: the same batches and model as in the importing thread', async (name) => {
    const viaWorker = await newOrganization(db.dataSource, `worker-${name.replace(/\W/g, '-')}`);
    const inThread = await newOrganization(db.dataSource, `thread-${name.replace(/\W/g, '-')}`);
    logged.length = 0;
    const a = await new ImportService(db.dataSource, logger, { chunkRecords: 7, workerFromBytes: 0 }).importFile(fixture(name), { orgId: viaWorker, source: 'cli' });
    expect(logged.some((l) => l.msg === 'preparing the file in a worker thread')).toBe(true);
    logged.length = 0;
    const b = await new ImportService(db.dataSource, logger, { chunkRecords: 7, workerFromBytes: Infinity }).importFile(fixture(name), { orgId: inThread, source: 'cli' });
    expect(logged.some((l) => l.msg === 'preparing the file in a worker thread')).toBe(false);
    const shape = (batches: typeof a) =>
      batches.map((x) => ({
        fileName: x.fileName, format: x.format, status: x.status, error: x.error, warnings: x.warnings, sha256: x.sha256, byteSize: x.byteSize,
        recordsRead: x.recordsRead, recordsInserted: x.recordsInserted, duplicates: x.duplicates, rejected: x.rejected,
      }));
    expect(shape(a)).toEqual(shape(b));
    expect(await modelCounts(db.dataSource, viaWorker)).toEqual(await modelCounts(db.dataSource, inThread));
    expect(await recordsOf(viaWorker)).toEqual(await recordsOf(inThread));
  });

  test('evidence packed ahead in the worker is used only when the whole chunk is new, and verifies either way', async () => {
    // Chunks of 7: the first is all new (packed ahead), the second repeats a record of the first (packed again on load).
    const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThanOrEqual(12);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-prepack-')), 'repeat.ndjson');
    fs.writeFileSync(file, [...lines.slice(0, 7), lines[0], ...lines.slice(7, 12)].join('\n') + '\n');
    const viaWorker = await newOrganization(db.dataSource, 'worker-prepack');
    const inThread = await newOrganization(db.dataSource, 'thread-prepack');
    const [a] = await new ImportService(db.dataSource, logger, { chunkRecords: 7, workerFromBytes: 0 }).importFile(file, { orgId: viaWorker, source: 'cli' });
    const [b] = await new ImportService(db.dataSource, logger, { chunkRecords: 7, workerFromBytes: Infinity }).importFile(file, { orgId: inThread, source: 'cli' });
    expect([a.recordsInserted, a.duplicates]).toEqual([b.recordsInserted, b.duplicates]);
    expect(a.duplicates).toBeGreaterThanOrEqual(1);
    expect(await recordsOf(viaWorker)).toEqual(await recordsOf(inThread));
    const report = await verifyEvidence(db.dataSource);
    expect(report.mismatchCount).toBe(0);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  test('records the worker posts without their texts get them back wherever the load compares them', async () => {
    // An Id given twice with other content in one chunk (a conflict, kept under its own key), then the same file
    // again (every key stored: compared by hash) and a file mixing stored and new records (repacked on load).
    const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const other = JSON.stringify({ ...JSON.parse(lines[1]), ClientInfoString: 'Client=REST;conflict' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-texts-'));
    const first = path.join(dir, 'first.ndjson');
    const mixed = path.join(dir, 'mixed.ndjson');
    fs.writeFileSync(first, [...lines.slice(0, 4), other, ...lines.slice(4, 6)].join('\n') + '\n');
    fs.writeFileSync(mixed, [...lines.slice(2, 5), ...lines.slice(6, 12)].join('\n') + '\n');
    const viaWorker = await newOrganization(db.dataSource, 'worker-texts');
    const inThread = await newOrganization(db.dataSource, 'thread-texts');
    const shapes = [];
    for (const [orgId, workerFromBytes] of [[viaWorker, 0], [inThread, Infinity]]) {
      const importer = new ImportService(db.dataSource, logger, { chunkRecords: 7, workerFromBytes });
      const batches = [...(await importer.importFile(first, { orgId, source: 'cli' })), ...(await importer.importFile(first, { orgId, source: 'cli' })), ...(await importer.importFile(mixed, { orgId, source: 'cli' }))];
      shapes.push(batches.map((b) => [b.status, b.recordsInserted, b.duplicates, b.rejected, b.warnings]));
    }
    expect(shapes[0]).toEqual(shapes[1]);
    expect(shapes[0].map(([, inserted, duplicates]) => [inserted, duplicates])).toEqual([[7, 0], [0, 7], [6, 3]]);
    expect(shapes[0][0][4]).toEqual(expect.arrayContaining([expect.stringContaining('different content')]));
    expect(await recordsOf(viaWorker)).toEqual(await recordsOf(inThread));
    expect((await verifyEvidence(db.dataSource)).mismatchCount).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
