/**
 * The NonIpClientAddresses migration: records stored before it kept a non-IP client address as text only; after
 * it, that text is a ClientIp of its own (NOT_AN_IP) with its sessions and mailboxes, as the importer now makes.
 * Down and up again over data imported by the real importer, asked over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { undoMigrationsThrough } from '../support/database';
import { bindRecord } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

const record = (i: number, clientIp: string, sessionId: string, mailbox: string) =>
  bindRecord({
    id: `6e000000-0000-4000-8000-00000000000${i}`,
    creationTime: `2025-07-01T0${i}:00:00`,
    mailbox,
    sessionId,
    clientIp,
    items: [{ InternetMessageId: `<mig${i}@example.com>` }],
  });

describe('migration NonIpClientAddresses', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-non-ip-'));
    const file = path.join(dir, 'non-ip.ndjson');
    const records = [
      record(1, 'localhost', 's-one', 'alice@example.com'),
      record(2, 'localhost', 's-two', 'bob@example.com'),
      record(3, '203.0.113.9', 's-one', 'alice@example.com'),
      record(4, 'x'.repeat(501), 's-two', 'bob@example.com'),
    ];
    fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const [batch] = await t.importer.importFile(file, { orgId: 1, source: 'cli' });
    expect(batch.status).toBe('SUCCEEDED');
    expect(batch.warnings.join('\n')).toMatch(/1 record: client address is not an IP address and longer than 500 characters; kept as text on the record only/);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const LOCALHOST = `{ clientIp(address: "localhost") { kind recordCount firstSeen lastSeen sessions { edges { node { sessionId } } } mailboxes { userPrincipalName } } }`;

  test('down leaves the text on the records only; up links it again exactly as the importer did', async () => {
    const asImported = await t.gql(LOCALHOST);
    expect(asImported.body.data.clientIp).toEqual({
      kind: 'NOT_AN_IP',
      recordCount: 2,
      firstSeen: '2025-07-01T01:00:00.000Z',
      lastSeen: '2025-07-01T02:00:00.000Z',
      sessions: { edges: [{ node: { sessionId: 's-one' } }, { node: { sessionId: 's-two' } }] },
      mailboxes: [{ userPrincipalName: 'alice@example.com' }, { userPrincipalName: 'bob@example.com' }],
    });
    const ds = t.db.dataSource;
    // Later migrations are undone first (each has its own down), then this one.
    await undoMigrationsThrough(ds, 'NonIpClientAddresses1796006161698');
    expect(await ds.query(`SELECT count(*)::int AS n FROM audit_record WHERE client_ip_id IS NULL AND client_ip_raw IS NOT NULL`)).toEqual([{ n: 3 }]);
    expect(await ds.query(`SELECT host(address) AS a FROM client_ip`)).toEqual([{ a: '203.0.113.9' }]);

    await ds.runMigrations({ transaction: 'each' });
    expect((await t.gql(LOCALHOST)).body.data.clientIp).toEqual(asImported.body.data.clientIp);
    // The over-long text stays on its record only, as the importer leaves it.
    expect(await ds.query(`SELECT count(*)::int AS n FROM audit_record WHERE client_ip_id IS NULL AND client_ip_raw IS NOT NULL`)).toEqual([{ n: 1 }]);
    expect((await t.gql(`{ clientIps { totalCount } }`)).body.data.clientIps.totalCount).toBe(2);
  });
});
