/**
 * Verbatim evidence: every record's original text comes back byte-exact (rawText) and parsed (raw), duplicate keys
 * and key order included, out of compressed blocks; `mailtrail verify` re-hashes everything and fails on a change.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { verifyEvidence } from '../../src/evidence/verify';
import { runCli } from '../support/cli';
import { fixture } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { importIncident } from './contract-queries';

const RECORD = `query($id: ID!) { auditRecord(id: $id) { id raw rawText rawExact } }`;

describe('verbatim evidence', () => {
  let t: TestServer;
  const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter(Boolean);
  // What jsonb used to lose: key order and a repeated key.
  const odd = '{"Operation":"MailItemsAccessed","Id":"0dd0dd00-0000-4000-8000-000000000001","CreationTime":"2025-03-12T10:00:00",' +
    '"RecordType":50,"UserId":"eve@contoso.com","MailboxOwnerUPN":"eve@contoso.com","X":1,"X":2,  "Spaced" : "kept"}';
  beforeAll(async () => {
    t = await startTestServer();
    await importIncident(t);
    const [batch] = await t.importer.importContent(odd + '\n', { orgId: 1, source: 'cli', fileName: 'odd.ndjson' });
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 1 });
  });
  afterAll(async () => t.close());

  test('rawText is the line as read, raw its parse, for every record of the fixture', async () => {
    const stored: { key: string; line: number }[] = await t.db.dataSource.query(
      "SELECT r.record_key AS key, r.source_line AS line FROM audit_record r JOIN import_batch b ON b.id = r.batch_id WHERE b.file_name = 'audit.ndjson'",
    );
    expect(stored).toHaveLength(lines.length);
    for (const { key: id, line: n } of stored) {
      const line = lines[n - 1];
      const { body } = await t.gql(RECORD, { id });
      expect(body.errors).toBeUndefined();
      expect(body.data.auditRecord).toMatchObject({ rawText: line, raw: JSON.parse(line), rawExact: true });
    }
  });

  test('duplicate keys, key order and spacing survive', async () => {
    const { body } = await t.gql(RECORD, { id: '0dd0dd00-0000-4000-8000-000000000001' });
    expect(body.data.auditRecord.rawText).toBe(odd);
    expect(body.data.auditRecord.raw.X).toBe(2);
  });

  test('a flat Search-MailboxAuditLog row is stored as a serialisation and says so: rawExact false, verify counts it apart', async () => {
    const t2 = await startTestServer();
    try {
      const [batch] = await t2.importer.importFile(fixture('mailbox-audit-showdetails.csv'), { orgId: 1, source: 'cli' });
      expect(batch.recordsInserted).toBeGreaterThan(0);
      const [{ id }] = await t2.db.dataSource.query('SELECT r.record_key AS id FROM audit_record r ORDER BY 1 LIMIT 1');
      const { body } = await t2.gql(RECORD, { id });
      expect(body.data.auditRecord.rawExact).toBe(false);
      const report = await verifyEvidence(t2.db.dataSource);
      expect(report).toMatchObject({ records: batch.recordsInserted, exact: 0, serialized: batch.recordsInserted, mismatchCount: 0 });
    } finally {
      await t2.close();
    }
  });

  test('records are compressed in blocks, with no jsonb copy', async () => {
    const [row] = await t.db.dataSource.query(
      `SELECT count(*)::int AS records, count(raw)::int AS jsonb, count(DISTINCT raw_block_id)::int AS blocks,
        (SELECT sum(length(data))::int FROM evidence_block) AS compressed, sum(raw_length)::int AS original FROM audit_record`,
    );
    expect(row.jsonb).toBe(0);
    expect(row.records).toBe(lines.length + 1);
    expect(row.compressed).toBeLessThan(row.original / 3);
  });

  test('verify re-hashes everything; a changed byte is a mismatch and the CLI exits 1', async () => {
    const clean = await verifyEvidence(t.db.dataSource);
    expect(clean).toMatchObject({ records: lines.length + 1, exact: lines.length + 1, notExact: 0, serialized: 0, mismatchCount: 0 });
    const ok = await runCli(['verify'], { env: { DATABASE_URL: t.db.url } });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^${lines.length + 1} records checked: ${lines.length + 1} byte-exact and unchanged .*0 mismatches`));

    // Tamper with one record inside a block: same length, one character changed, block re-compressed.
    const [target] = await t.db.dataSource.query(
      "SELECT id::text, raw_block_id::text AS block, raw_offset AS start FROM audit_record r WHERE r.record_key = '0dd0dd00-0000-4000-8000-000000000001'",
    );
    const [block] = await t.db.dataSource.query('SELECT data FROM evidence_block WHERE id = $1', [target.block]);
    const plain = zlib.brotliDecompressSync(block.data);
    plain[target.start + plain.subarray(target.start).indexOf('eve')] = 'a'.charCodeAt(0);
    await t.db.dataSource.query('UPDATE evidence_block SET data = $2 WHERE id = $1', [target.block, zlib.brotliCompressSync(plain)]);

    const report = await verifyEvidence(t.db.dataSource);
    expect(report.mismatchCount).toBe(1);
    expect(report.mismatches[0]).toMatchObject({ id: target.id, reason: expect.stringMatching(/SHA-256/) });
    const failed = await runCli(['verify', '--json'], { env: { DATABASE_URL: t.db.url } });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ mismatchCount: 1, mismatches: [{ id: target.id }] });
  });
});
