/**
 * The message dictionary through the real importer and API: spellings of one InternetMessageId that differ only in
 * the case of the domain are one message (shown as first spelt), across chunks and across imports; a different
 * local part is another message.
 */
import { makeBindRecord, toNdjson } from '../fixtures/generate.cjs';
import { ImportService } from '../../src/import/import-service';
import { silentLogger, startTestServer, type TestServer } from '../support/server';

const MESSAGE = `query($id: String!) { message(internetMessageId: $id) {
  internetMessageId mailboxes { userPrincipalName } accesses(first: 50) { totalCount edges { node { internetMessageId record { id } } } } } }`;

describe('one message whatever the case of its domain', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    const bind = (time: string, mailbox: string, items: string[]) =>
      makeBindRecord({ time, mailbox, sessionId: 's-1', clientIp: '203.0.113.10', folders: [{ path: '\\Inbox', items }] });
    // Chunks of 2 records: the spellings meet in different chunks and in a second import.
    const first = toNdjson([
      bind('2025-03-10T03:00:00', 'alice@contoso.com', ['<m1@HOST.Example.com>', '<other@x.example>']),
      bind('2025-03-10T03:01:00', 'alice@contoso.com', ['<m1@host.example.com>']),
      bind('2025-03-10T03:02:00', 'bob@contoso.com', ['m1@HOST.EXAMPLE.COM', '<M1@host.example.com>']),
    ]);
    const second = toNdjson([bind('2025-03-10T03:03:00', 'carol@contoso.com', ['<m1@host.example.COM>'])]);
    const importer = new ImportService(t.db.dataSource, silentLogger, { chunkRecords: 2 });
    for (const content of [first, second]) {
      const [batch] = await importer.importContent(content, { orgId: 1, source: 'cli', fileName: 'm.ndjson' });
      expect(batch.status).toBe('SUCCEEDED');
    }
  });
  afterAll(async () => t.close());

  test('every spelling finds the message, shown as first spelt, with all its binds', async () => {
    for (const id of ['m1@host.example.com', '<m1@HOST.EXAMPLE.COM>']) {
      const { body } = await t.gql(MESSAGE, { id });
      expect(body.errors).toBeUndefined();
      const m = body.data.message;
      expect(m.internetMessageId).toBe('<m1@HOST.Example.com>');
      expect(m.mailboxes.map((x: { userPrincipalName: string }) => x.userPrincipalName)).toEqual(['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com']);
      expect(m.accesses.totalCount).toBe(4);
      expect(new Set(m.accesses.edges.map((e: any) => e.node.internetMessageId))).toEqual(new Set(['<m1@HOST.Example.com>']));
    }
  });

  test('the local part is case-sensitive: another message', async () => {
    const { body } = await t.gql(MESSAGE, { id: '<M1@host.example.com>' });
    expect(body.data.message.internetMessageId).toBe('<M1@host.example.com>');
    expect(body.data.message.accesses.totalCount).toBe(1);
    const [{ n }] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM message');
    expect(n).toBe(3);
  });
});
