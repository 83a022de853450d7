/**
 * Record keys that are lower-case GUIDs are stored as uuids (migration PackedRecordKeys), any other key as text:
 * what the importer writes, that duplicates, repeats and Id conflicts are still found through both unique indexes,
 * that a store written before the migration becomes the same, and that every reader sees the key as it was. Real
 * importer, real migrations, asked over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { undoMigrationsThrough } from '../support/database';
import { bindRecord, writeNdjson } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

const GUID = '7f000000-0000-4000-8000-000000000001';
const OPAQUE = 'AAMkAGI2TG93AAABbCdE9xYz='; // a Search-MailboxAuditLog style token: kept as written
const ANONYMISED = 'ANONYMIZED'; // no usable Id: the key is the sha256 of the content

const record = (id: string, hour: number, ip = '203.0.113.9') =>
  bindRecord({ id, creationTime: `2025-07-03T0${hour}:00:00`, sessionId: 's-keys', clientIp: ip, items: [{ InternetMessageId: `<k${hour}@example.com>` }] });

describe('record keys stored as uuids where they are GUIDs', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-keys-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stored = () =>
    t.db.dataSource.query(`SELECT r.record_key AS key, record_uuid::text AS uuid, record_key_text AS text FROM audit_record r ORDER BY r.id`);
  const found = async (id: string) => (await t.gql(`query($id: ID!) { auditRecord(id: $id) { id clientIpRaw } }`, { id })).body.data.auditRecord;

  test('GUIDs become uuids, other keys stay text; lookups, repeats and Id conflicts go through both', async () => {
    const [a] = await t.importer.importFile(
      writeNdjson(dir, 'first.ndjson', [record(GUID, 1), record(OPAQUE, 2), record(ANONYMISED, 3)]),
      { orgId: 1, source: 'cli' },
    );
    expect([a.status, a.recordsInserted]).toEqual(['SUCCEEDED', 3]);
    // The same records again (nothing new) and an Id conflict: the GUID's Id with other content, kept under
    // `<Id>#<sha256>`, as text.
    const [b] = await t.importer.importFile(
      writeNdjson(dir, 'second.ndjson', [record(GUID, 1), record(OPAQUE, 2), record(ANONYMISED, 3), record(GUID, 4, '198.51.100.7')]),
      { orgId: 1, source: 'cli' },
    );
    expect([b.status, b.recordsInserted, b.duplicates]).toEqual(['SUCCEEDED', 1, 3]);

    const rows = await stored();
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ key: GUID, uuid: GUID, text: null });
    expect(rows[1]).toEqual({ key: OPAQUE, uuid: null, text: OPAQUE });
    expect(rows[2]).toEqual({ key: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), uuid: null, text: rows[2].key });
    expect(rows[3]).toEqual({ key: expect.stringMatching(new RegExp(`^${GUID}#[0-9a-f]{64}$`)), uuid: null, text: rows[3].key });

    // Found by key, whichever way it is stored; a GUID asked for in upper case too.
    expect(await found(GUID.toUpperCase())).toEqual({ id: GUID, clientIpRaw: '203.0.113.9' });
    expect(await found(OPAQUE)).toEqual({ id: OPAQUE, clientIpRaw: '203.0.113.9' });
    expect(await found(rows[2].key)).toEqual({ id: rows[2].key, clientIpRaw: '203.0.113.9' });
    expect(await found(rows[3].key)).toEqual({ id: rows[3].key, clientIpRaw: '198.51.100.7' });
    expect(await found('7f000000-0000-4000-8000-00000000ffff')).toBeNull();
  });

  test('a store written before the migration is packed by it the same way, and back by its down', async () => {
    const ds = t.db.dataSource;
    const packed = await stored();
    await undoMigrationsThrough(ds, 'PackedRecordKeys1796007200000');
    expect(await ds.query('SELECT record_key AS key FROM audit_record ORDER BY id')).toEqual(packed.map((r: { key: string }) => ({ key: r.key })));
    await ds.runMigrations({ transaction: 'each' });
    expect(await stored()).toEqual(packed);
    // Unique again through the new indexes: the same file adds nothing, the conflict is not kept twice.
    const [c] = await t.importer.importFile(
      writeNdjson(dir, 'third.ndjson', [record(GUID, 1), record(OPAQUE, 2), record(ANONYMISED, 3), record(GUID, 4, '198.51.100.7')]),
      { orgId: 1, source: 'cli' },
    );
    expect([c.status, c.recordsInserted, c.duplicates]).toEqual(['SUCCEEDED', 0, 4]);
    await expect(ds.query(`INSERT INTO audit_record (org_id, record_uuid, creation_time, operation_text, raw_sha256, batch_id, source_line)
      VALUES (1, '${GUID}', now(), 'x', '\\x00', 1, 1)`)).rejects.toThrow(/uq_audit_record_org_uuid/);
    await expect(ds.query(`INSERT INTO audit_record (org_id, record_key_text, creation_time, operation_text, raw_sha256, batch_id, source_line)
      VALUES (1, '${OPAQUE}', now(), 'x', '\\x00', 1, 1)`)).rejects.toThrow(/uq_audit_record_org_key_text/);
  });
});
