/**
 * The seventh session's leaner rows: message_access without its primary key (AccessesWithoutPrimaryKey), UserId
 * stored only where it is not the mailbox's UPN (OwnerUserIdImplied) and the client address as written only where it
 * is not the canonical IPv4 (storedRawAddress, no migration). Over data imported by the real importer, asked over
 * HTTP: down fills what the import left implied and restores the key, up again changes no answer; meanwhile a
 * mailbox's UPN, which implies the owner's UserId, cannot change (ImpliedRecordValues).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { undoMigrationsThrough } from '../support/database';
import { bindRecord, writeNdjson } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

const records = [
  // The owner's own access from a canonical IPv4: nothing of either is stored.
  bindRecord({ id: '7e000000-0000-4000-8000-000000000001', creationTime: '2025-07-01T01:00:00', sessionId: 's-lean', items: [{ InternetMessageId: '<l1@example.com>' }] }),
  // A delegate (UserId is not the mailbox) from an IPv4-mapped spelling: both kept as written.
  { ...bindRecord({ id: '7e000000-0000-4000-8000-000000000002', creationTime: '2025-07-01T02:00:00', sessionId: 's-lean', clientIp: '::ffff:203.0.113.9', items: [{ InternetMessageId: '<l2@example.com>' }] }), UserId: 'Assistant@example.com', LogonType: 1 },
  // The owner again, from IPv6 and with another case of the UPN: kept (only an exact match is implied).
  { ...bindRecord({ id: '7e000000-0000-4000-8000-000000000003', creationTime: '2025-07-01T03:00:00', sessionId: 's-lean', clientIp: '2001:db8::7', items: [{ InternetMessageId: '<l3@example.com>' }] }), UserId: 'Alice@Example.com' },
];

const QUERY = `{
  auditRecords(filter: { sessionId: "s-lean" }) { edges { node { id userId clientIpRaw clientIp { address } messageAccesses { internetMessageId } } } }
  session(sessionId: "s-lean") { userIds }
  owner: auditRecords(filter: { userId: "ALICE@example.com" }) { totalCount }
  delegate: auditRecords(filter: { userId: "assistant@example.com" }) { totalCount }
}`;

describe('migrations AccessesWithoutPrimaryKey and OwnerUserIdImplied', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-lean-'));
    const [batch] = await t.importer.importFile(writeNdjson(dir, 'lean.ndjson', records), { orgId: 1, source: 'cli' });
    expect(batch.status).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stored = () =>
    t.db.dataSource.query(`SELECT r.record_key AS id, user_id, client_ip_raw FROM audit_record r WHERE r.record_key LIKE '7e000000%' ORDER BY 1`);
  const primaryKey = async () =>
    (await t.db.dataSource.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'message_access'::regclass AND contype = 'p'`)).map((r: { conname: string }) => r.conname);

  test('the import stores only what the mailbox and the client IP do not give back; the API answers every field as written', async () => {
    expect(await stored()).toEqual([
      { id: '7e000000-0000-4000-8000-000000000001', user_id: null, client_ip_raw: null },
      { id: '7e000000-0000-4000-8000-000000000002', user_id: 'Assistant@example.com', client_ip_raw: '::ffff:203.0.113.9' },
      { id: '7e000000-0000-4000-8000-000000000003', user_id: 'Alice@Example.com', client_ip_raw: '2001:db8::7' },
    ]);
    const { body } = await t.gql(QUERY);
    expect(body.errors).toBeUndefined();
    // The order of userIds follows the database's collation; the set is what matters here.
    expect([...body.data.session.userIds].sort()).toEqual(['alice@example.com', 'Alice@Example.com', 'Assistant@example.com'].sort());
    expect({ ...body.data, session: undefined }).toEqual({
      auditRecords: {
        edges: [
          { node: { id: records[0].Id, userId: 'alice@example.com', clientIpRaw: '203.0.113.9', clientIp: { address: '203.0.113.9' }, messageAccesses: [{ internetMessageId: '<l1@example.com>' }] } },
          { node: { id: records[1].Id, userId: 'Assistant@example.com', clientIpRaw: '::ffff:203.0.113.9', clientIp: { address: '203.0.113.9' }, messageAccesses: [{ internetMessageId: '<l2@example.com>' }] } },
          { node: { id: records[2].Id, userId: 'Alice@Example.com', clientIpRaw: '2001:db8::7', clientIp: { address: '2001:db8::7' }, messageAccesses: [{ internetMessageId: '<l3@example.com>' }] } },
        ],
      },
      session: undefined,
      owner: { totalCount: 2 },
      delegate: { totalCount: 1 },
    });
    expect(await primaryKey()).toEqual([]);
  });

  test("a mailbox's UPN cannot change under the records whose UserId it implies (ImpliedRecordValues)", async () => {
    const rename = t.db.dataSource.query(`UPDATE mailbox SET user_principal_name = 'alice@fabrikam.example' WHERE user_principal_name = 'alice@example.com'`);
    await expect(rename).rejects.toThrow(/never changes/);
    // The import's own upsert (activity counters on the same row) still works: the same file again adds nothing.
    const [again] = await t.importer.importFile(writeNdjson(dir, 'lean-again.ndjson', records), { orgId: 1, source: 'cli' });
    expect(again.status).toBe('SUCCEEDED');
    expect((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM mailbox WHERE user_principal_name = 'alice@example.com'`))[0].n).toBe(1);
  });

  test('down writes the implied UserIds and client addresses back and restores the key; up again answers the same', async () => {
    const before = (await t.gql(QUERY)).body;
    await undoMigrationsThrough(t.db.dataSource, 'AccessesWithoutPrimaryKey1796006800000');
    expect(await stored()).toEqual([
      { id: '7e000000-0000-4000-8000-000000000001', user_id: 'alice@example.com', client_ip_raw: '203.0.113.9' },
      { id: '7e000000-0000-4000-8000-000000000002', user_id: 'Assistant@example.com', client_ip_raw: '::ffff:203.0.113.9' },
      { id: '7e000000-0000-4000-8000-000000000003', user_id: 'Alice@Example.com', client_ip_raw: '2001:db8::7' },
    ]);
    expect(await primaryKey()).toEqual(['pk_message_access']);
    // Not asked over the API here: it reads the current schema (client_info since DenseRecordRows), as the server
    // only serves a migrated database.
    await t.db.dataSource.runMigrations({ transaction: 'each' });
    expect(await primaryKey()).toEqual([]);
    expect((await t.gql(QUERY)).body).toEqual(before);
  });
});
