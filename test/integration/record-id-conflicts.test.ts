/**
 * Issue 11: a record whose Id equals a stored record's but whose content differs is not a duplicate. Both are kept,
 * the later one points at the earlier (AuditRecord.conflictsWith), and the batch counts them with examples. The same
 * content imported again, in any spelling of its JSON, still adds nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ImportService } from '../../src/import/import-service';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { newOrganization } from '../support/fixtures';
import { tempDir } from '../support/cli';
import { startTestServer, type TestServer } from '../support/server';

const ID = '5a1e1d00-0000-4000-8000-00000000c0f1';
const record = (fields: Record<string, unknown>) =>
  JSON.stringify({
    Id: ID,
    CreationTime: '2025-03-12T10:00:00',
    Operation: 'MailItemsAccessed',
    RecordType: 50,
    UserId: 'eve@contoso.com',
    MailboxOwnerUPN: 'eve@contoso.com',
    ClientIPAddress: '203.0.113.7',
    ...fields,
  });
const original = record({ ClientInfoString: 'Client=OWA' });
const other = record({ ClientInfoString: 'Client=REST', ClientIPAddress: '198.51.100.9' });
const unrelated = JSON.stringify({ ...JSON.parse(original), Id: '5a1e1d00-0000-4000-8000-00000000c0f2' });

describe('records sharing an Id with different content', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  test('through files read by the worker thread: the conflict gets its own key and keeps its own values', async () => {
    const importer = new ImportService(db.dataSource, pino({ level: 'silent' }), { chunkRecords: 100, workerFromBytes: 0 });
    const orgId = await newOrganization(db.dataSource, 'conflict-file');
    const dir = tempDir('conflicts');
    try {
      const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
      expect((await importer.importFile(write('a.ndjson', `${original}\n`), { orgId, source: 'cli' }))[0]).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 1 });
      const [second] = await importer.importFile(write('b.ndjson', `${other}\n${unrelated}\n`), { orgId, source: 'cli' });
      expect(second).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 2, duplicates: 0 });
      const rows = (await db.dataSource.query(
        "SELECT r.record_key AS key, r.client_info_string AS info, conflicts_with_id IS NOT NULL AS flagged FROM audit_record r WHERE org_id = $1 ORDER BY id",
        [orgId],
      )) as { key: string; info: string; flagged: boolean }[];
      expect(rows).toEqual([
        { key: ID, info: 'Client=OWA', flagged: false },
        { key: '5a1e1d00-0000-4000-8000-00000000c0f2', info: 'Client=OWA', flagged: false },
        { key: expect.stringMatching(new RegExp(`^${ID}#[0-9a-f]{64}$`)), info: 'Client=REST', flagged: true },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const keysOf = async (orgId: number) =>
    (await db.dataSource.query('SELECT r.record_key AS key, conflicts_with_id::text AS c, id::text FROM audit_record r WHERE org_id = $1 ORDER BY r.id', [orgId])) as {
      key: string;
      c: string | null;
      id: string;
    }[];

  for (const chunkRecords of [1, 100]) {
    test(`a second import with the same Id and other content keeps both and flags the conflict (chunks of ${chunkRecords})`, async () => {
      const importer = new ImportService(db.dataSource, pino({ level: 'silent' }), { chunkRecords });
      const orgId = await newOrganization(db.dataSource, `conflict-${chunkRecords}`);
      const [first] = await importer.importContent(original + '\n', { orgId, source: 'cli', fileName: 'a.ndjson' });
      expect(first).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 1 });

      const [second] = await importer.importContent(`${other}\n${unrelated}\n`, { orgId, source: 'cli', fileName: 'b.ndjson' });
      expect(second).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 2, duplicates: 0 });
      const warning = second.warnings.find((w) => w.includes('different content'));
      expect(warning).toContain('1 records have the Id of a stored record');
      expect(warning).toContain(`line 1: Id ${ID}`);

      const rows = await keysOf(orgId);
      expect(rows).toHaveLength(3);
      const [kept, conflict] = [rows.find((r) => r.key === ID)!, rows.find((r) => r.key.startsWith(`${ID}#`))!];
      expect(kept.c).toBeNull();
      expect(conflict.c).toBe(kept.id);
      expect(conflict.key).toMatch(new RegExp(`^${ID}#[0-9a-f]{64}$`));

      // Both again, and the original spelt differently (key order, spacing): nothing new, no new conflict.
      const respelt = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(original)).reverse()), null, 1).replace(/\n/g, '');
      const [again] = await importer.importContent(`${original}\n${other}\n${respelt}\n`, { orgId, source: 'cli', fileName: 'c.ndjson' });
      expect(again).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 0, duplicates: 3 });
      expect(again.warnings.some((w) => w.includes('different content'))).toBe(false);
      expect(await keysOf(orgId)).toHaveLength(3);
    });

    test(`two records of one file sharing an Id with different content are both kept (chunks of ${chunkRecords})`, async () => {
      const importer = new ImportService(db.dataSource, pino({ level: 'silent' }), { chunkRecords });
      const orgId = await newOrganization(db.dataSource, `in-file-${chunkRecords}`);
      const [batch] = await importer.importContent(`${original}\n${original}\n${other}\n${other}\n`, { orgId, source: 'cli', fileName: 'd.ndjson' });
      expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsRead: 4, recordsInserted: 2, duplicates: 2 });
      expect(batch.warnings.find((w) => w.includes('different content'))).toContain(`line 3: Id ${ID}`);
      const rows = await keysOf(orgId);
      expect(rows.map((r) => r.c)).toEqual([null, rows[0].id]);
    });
  }
});

describe('AuditRecord.conflictsWith', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  test('the later record names the earlier one; the earlier names none', async () => {
    await t.importer.importContent(`${original}\n${other}\n`, { orgId: 1, source: 'cli', fileName: 'e.ndjson' });
    const [{ key }] = await t.db.dataSource.query("SELECT r.record_key AS key FROM audit_record r WHERE r.record_key LIKE '%#%'");
    const query = `query($id: ID!) { auditRecord(id: $id) { id clientIp { address } conflictsWith { id clientIp { address } conflictsWith { id } } } }`;
    const { body } = await t.gql(query, { id: key });
    expect(body.errors).toBeUndefined();
    expect(body.data.auditRecord).toEqual({
      id: key,
      clientIp: { address: '198.51.100.9' },
      conflictsWith: { id: ID, clientIp: { address: '203.0.113.7' }, conflictsWith: null },
    });
  });
});
