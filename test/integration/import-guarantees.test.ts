/**
 * What an investigator relies on when loading evidence: nothing lost, nothing invented, nothing doubled, and a
 * clear record of what could not be used.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { createServices } from '../../src/api/services';
import { ImportService } from '../../src/import/import-service';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { expected, fixture, modelCounts, newOrganization } from '../support/fixtures';
import { tempDir } from '../support/cli';
import { makeBulkBindRecords, makeZip, toNdjson } from '../fixtures/generate.cjs';

const logger = pino({ level: 'silent' });

describe('import guarantees', () => {
  let db: TestDatabase;
  let importer: ImportService;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    importer = new ImportService(db.dataSource, logger, { chunkRecords: 10 });
    dir = tempDir('guarantees');
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  test('importing the same file twice adds nothing the second time', async () => {
    const orgId = await newOrganization(db.dataSource, 'twice');
    const [first] = await importer.importFile(fixture('purview.csv'), { orgId, source: 'cli' });
    const before = await modelCounts(db.dataSource, orgId);
    const [second] = await importer.importFile(fixture('purview.csv'), { orgId, source: 'cli' });
    expect(first.recordsInserted).toBe(39);
    expect(second).toMatchObject({ status: 'SUCCEEDED', recordsRead: 39, recordsInserted: 0, duplicates: 39 });
    expect(await modelCounts(db.dataSource, orgId)).toEqual(before);
    const [mailbox] = await db.dataSource.query("SELECT record_count FROM mailbox WHERE org_id = $1 AND user_principal_name = 'alice@contoso.com'", [orgId]);
    expect(mailbox.record_count).toBe(20);
  });

  test('overlapping exports give their exact union', async () => {
    const orgId = await newOrganization(db.dataSource, 'overlap');
    const [a] = await importer.importFile(fixture('overlap-a.ndjson'), { orgId, source: 'cli' });
    const [b] = await importer.importFile(fixture('overlap-b.ndjson'), { orgId, source: 'cli' });
    expect([a.recordsInserted, b.recordsInserted, b.duplicates]).toEqual([17, 22, 11]);
    expect(await modelCounts(db.dataSource, orgId)).toMatchObject({
      records: expected.overlap.union,
      messageAccesses: expected.summary.messageAccesses,
      folderSyncs: expected.summary.folderSyncs,
    });
  });

  test('two imports of overlapping data running at once give no duplicates', async () => {
    const orgId = await newOrganization(db.dataSource, 'concurrent');
    const concurrent = new ImportService(db.dataSource, logger, { chunkRecords: 3 });
    const results = await Promise.all(
      ['audit.ndjson', 'purview.csv', 'graph-records.json', 'management-api.json'].map((f) =>
        concurrent.importFile(fixture(f), { orgId, source: 'cli' }),
      ),
    );
    const inserted = results.flat().reduce((n, b) => n + b.recordsInserted, 0);
    expect(inserted).toBe(39);
    expect(await modelCounts(db.dataSource, orgId)).toMatchObject({
      records: 39,
      messageAccesses: expected.summary.messageAccesses,
      folderSyncs: expected.summary.folderSyncs,
      sessions: expected.summary.sessions,
    });
    const [links] = await db.dataSource.query(
      'SELECT sum(record_count)::int AS n FROM session_client_ip WHERE org_id = $1',
      [orgId],
    );
    const [withBoth] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM audit_record WHERE org_id = $1 AND session_id IS NOT NULL AND client_ip_id IS NOT NULL',
      [orgId],
    );
    expect(links.n).toBe(withBoth.n);
  });

  test('every record keeps its AuditData verbatim, its file, the file sha256 and its line', async () => {
    const orgId = await newOrganization(db.dataSource, 'provenance');
    const file = fixture('audit.ndjson');
    const [batch] = await importer.importFile(file, { orgId, source: 'cli' });
    const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(batch).toMatchObject({ fileName: 'audit.ndjson', sha256, format: 'NDJSON' });
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const rows: { id: string; raw: unknown; source_line: number; batch_id: string; raw_sha256: Buffer }[] = await db.dataSource.query(
      'SELECT id::text, raw, source_line, batch_id, raw_sha256 FROM audit_record WHERE org_id = $1 ORDER BY source_line',
      [orgId],
    );
    expect(rows).toHaveLength(lines.length);
    const originals = await createServices(db.dataSource, orgId).auditRecords.originalsByIds(rows.map((r) => r.id));
    rows.forEach((row, i) => {
      // Byte-exact, hashed, and no jsonb copy.
      expect(originals[i]).toEqual({ text: lines[row.source_line - 1], exact: true });
      expect(row.raw_sha256.toString('hex')).toBe(crypto.createHash('sha256').update(lines[row.source_line - 1]).digest('hex'));
      expect(row.raw).toBeNull();
      expect(row.batch_id).toBe(batch.id);
    });
  });

  test('bad rows become rejections with line, reason and excerpt; the rest of the file loads', async () => {
    const orgId = await newOrganization(db.dataSource, 'bad');
    const [batch] = await importer.importFile(fixture('bad-rows.csv'), { orgId, source: 'cli' });
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 3, rejected: 3 });
    const rejections: { line: number; reason: string; excerpt: string }[] = await db.dataSource.query(
      'SELECT line, reason, excerpt FROM import_rejection WHERE batch_id = $1 ORDER BY line',
      [batch.id],
    );
    expect(rejections.map((r) => r.line)).toEqual([3, 5, 6]);
    expect(rejections[0].reason).toMatch(/column/i);
    expect(rejections[1].reason).toMatch(/AuditData/);
    expect(rejections[2].reason).toMatch(/time|date/i);
    for (const r of rejections) expect(r.excerpt.length).toBeGreaterThan(0);
  });

  // 'file': prepared in the worker thread, whose Dates are of another realm in Jest's sandbox.
  test.each(['content', 'file'])('a record with a NUL (\\u0000) is stored verbatim, with U+FFFD in its typed columns, and counted in the warnings (issue 8; %s)', async (via) => {
    const orgId = await newOrganization(db.dataSource, `nul-${via}`);
    const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter(Boolean);
    lines[4] = lines[4].replace('"Operation":', '"Note":"bad\\u0000byte","Literal":"not \\\\u0000 a nul","Operation":');
    lines[6] = lines[6].replace('"ClientInfoString":"', '"ClientInfoString":"x\\u0000');
    const text = lines.join('\n') + '\n';
    const file = path.join(dir, 'nul.ndjson');
    if (via === 'file') fs.writeFileSync(file, text);
    const [batch] =
      via === 'content'
        ? await importer.importContent(text, { orgId, fileName: 'nul.ndjson', source: 'graphql' })
        : await new ImportService(db.dataSource, logger, { chunkRecords: 10, workerFromBytes: 0 }).importFile(file, { orgId, source: 'cli' });
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 39, rejected: 0 });
    expect(batch.warnings).toEqual([expect.stringMatching(/^2 records contain NUL characters .* \(first at line 5\)/)]);
    const [stored] = await db.dataSource.query('SELECT id::text FROM audit_record WHERE batch_id = $1 AND source_line = 5', [batch.id]);
    const [original] = await createServices(db.dataSource, orgId).auditRecords.originalsByIds([stored.id]);
    expect(original!.text).toBe(lines[4]);
    expect(JSON.parse(original!.text)).toMatchObject({ Note: 'bad\u0000byte', Literal: 'not \\u0000 a nul' });
    const [typed] = await db.dataSource.query('SELECT r.client_info_string FROM audit_record r WHERE r.batch_id = $1 AND r.source_line = 7', [batch.id]);
    expect(typed.client_info_string).toMatch(/^x\uFFFD/);
  });

  test('a hostile record nested too deep for jsonb is stored verbatim (no jsonb copy refuses it); the file loads', async () => {
    const orgId = await newOrganization(db.dataSource, 'deep');
    const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter(Boolean);
    lines[2] = lines[2].replace('"Operation":', `"Deep":${'['.repeat(20000)}${']'.repeat(20000)},"Operation":`);
    const [batch] = await importer.importContent(lines.join('\n') + '\n', { orgId, fileName: 'deep.ndjson', source: 'graphql' });
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 39, rejected: 0 });
    const [stored] = await db.dataSource.query('SELECT id::text FROM audit_record WHERE batch_id = $1 AND source_line = 3', [batch.id]);
    const [original] = await createServices(db.dataSource, orgId).auditRecords.originalsByIds([stored.id]);
    expect(original!.text).toBe(lines[2]);
  });

  test('a file that is not an audit export fails fast and says what was expected', async () => {
    const orgId = await newOrganization(db.dataSource, 'notexport');
    for (const name of ['not-an-export.csv', 'not-an-export.json']) {
      const [batch] = await importer.importFile(fixture(name), { orgId, source: 'cli' });
      expect(batch.status).toBe('FAILED');
      expect(batch.recordsRead).toBe(0);
      expect(batch.error).toMatch(/does not look like an audit export/);
      expect(batch.error).toMatch(/Expected/);
    }
  });

  test('an export that flattened AuditData (System.Object[]) is flagged, not silently imported', async () => {
    const orgId = await newOrganization(db.dataSource, 'lossy');
    const [batch] = await importer.importFile(fixture('lossy-flattened.csv'), { orgId, source: 'cli' });
    const said = `${batch.error ?? ''} ${batch.warnings.join(' ')}`;
    const rejections: { reason: string }[] = await db.dataSource.query('SELECT reason FROM import_rejection WHERE batch_id = $1', [batch.id]);
    expect(said + rejections.map((r) => r.reason).join(' ')).toMatch(/System\.Object\[\]/);
    expect((await modelCounts(db.dataSource, orgId)).messageAccesses).toBe(0);
  });

  test.each([
    [5000, true],
    [4999, false],
  ])('a file of exactly %i records warns that the export was probably truncated: %p', async (count, warns) => {
    const orgId = await newOrganization(db.dataSource, `cap${count}`);
    const content = toNdjson(makeBulkBindRecords({ count, mailbox: 'bulk@contoso.com' }));
    const [batch] = await new ImportService(db.dataSource, logger, { chunkRecords: 2000 }).importContent(content, {
      orgId,
      fileName: 'bulk.ndjson',
      source: 'graphql',
    });
    expect(batch.recordsInserted).toBe(count);
    expect(batch.warnings.some((w) => /exactly 5000 records.*truncated/.test(w))).toBe(warns);
  });

  test('an import interrupted mid-file is marked FAILED with how to finish it, and a re-run completes it', async () => {
    const orgId = await newOrganization(db.dataSource, 'crash');
    const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8');
    // Simulate a crash after the first chunks: import only part of the file into a batch left RUNNING.
    const partial = lines.split('\n').slice(0, 15).join('\n') + '\n';
    const [stale] = await importer.importContent(partial, { orgId, fileName: 'audit.ndjson', source: 'cli' });
    await db.dataSource.query("UPDATE import_batch SET status = 'RUNNING', finished_at = NULL, heartbeat_at = now() - interval '1 hour' WHERE id = $1", [stale.id]);

    expect(await importer.markInterruptedBatches()).toBe(1);
    const [marked] = await db.dataSource.query('SELECT status, error FROM import_batch WHERE id = $1', [stale.id]);
    expect(marked.status).toBe('FAILED');
    expect(marked.error).toMatch(/Import the same file again/);

    const [rerun] = await importer.importStream(Readable.from([Buffer.from(lines)]), { orgId, fileName: 'audit.ndjson', source: 'cli' });
    expect(rerun).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 39 - 15, duplicates: 15 });
    expect((await modelCounts(db.dataSource, orgId)).records).toBe(39);
  });

  test('an archive entry that is not an audit export is named in a warning, not silently dropped', async () => {
    const orgId = await newOrganization(db.dataSource, 'zipnote');
    const zip = makeZip([
      { name: 'case/README.txt', data: 'exported by the helpdesk' },
      { name: 'case/audit.ndjson', data: fs.readFileSync(fixture('audit.ndjson')) },
    ]);
    const batches = await importer.importStream(Readable.from([zip]), { orgId, fileName: 'case.zip', source: 'http' });
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ fileName: 'case.zip:case/audit.ndjson', status: 'SUCCEEDED', recordsInserted: 39 });
    expect(batches[0].warnings.join(' ')).toMatch(/Skipped case\/README\.txt in the archive/);
  });
});
