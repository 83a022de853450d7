/**
 * The message dictionary through the real importer and API: spellings of one InternetMessageId that differ only in
 * the case of the domain are one message (shown as first spelt), across chunks and across imports; a different
 * local part is another message.
 */
import { makeBindRecord, toNdjson } from '../fixtures/generate.cjs';
import { messageKeyHash } from '../../src/import/normalize/message-id';
import { ImportService } from '../../src/import/import-service';
import { LOAD_LOCK_CLASS } from '../../src/import/load/chunk-load';
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

describe('a message another writer stores while a batch loads', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  // The batch starts on an empty dictionary, so its chunks insert the messages they have not met without asking
  // (message-key-table.ts). A message stored meanwhile by a writer outside the load lock must still be one message.
  test('the chunk that meets it is redone asking, and its access points at the stored row', async () => {
    const bind = (time: string, items: string[]) =>
      makeBindRecord({ time, mailbox: 'alice@contoso.com', sessionId: 's-1', clientIp: '203.0.113.10', folders: [{ path: '\\Inbox', items }] });
    const content = toNdjson([bind('2025-03-10T03:00:00', ['<a@x.example>']), bind('2025-03-10T03:05:00', ['<a@x.example>', '<b@x.example>'])]);
    const db = t.db.dataSource;
    // The organisation's load lock, held here: the first chunk waits for it after the batch has seen the empty
    // dictionary, and the message is stored meanwhile.
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1, 1)', [LOAD_LOCK_CLASS]);
    let storedId: string | null = null;
    const racing = (async () => {
      for (let i = 0; ; i++) {
        const waiting = await db.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = 1", [LOAD_LOCK_CLASS]);
        if (waiting.length > 0) break;
        if (i > 400) throw new Error('the first chunk never asked for the load lock');
        await new Promise((r) => setTimeout(r, 25));
      }
      const [row] = await db.query("INSERT INTO message (org_id, key_hash, spelling) VALUES (1, decode($1, 'hex'), '<b@x.example>') RETURNING id::text AS id", [messageKeyHash('<b@x.example>')]);
      storedId = row.id;
      await holder.query('SELECT pg_advisory_unlock($1, 1)', [LOAD_LOCK_CLASS]);
      await holder.release();
    })();
    const importer = new ImportService(db, silentLogger, { chunkRecords: 1 });
    const [batch] = await importer.importContent(content, { orgId: 1, source: 'cli', fileName: 'race.ndjson' });
    await racing;
    expect({ status: batch.status, error: batch.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expect(batch.recordsInserted).toBe(2);
    const messages = await db.query('SELECT id::text, m.internet_message_id FROM message m ORDER BY 2');
    expect(messages.map((m: { internet_message_id: string }) => m.internet_message_id)).toEqual(['<a@x.example>', '<b@x.example>']);
    const accesses = await db.query("SELECT x.message_id::text AS id FROM message_access x JOIN message m ON m.id = x.message_id WHERE m.internet_message_id = '<b@x.example>'");
    expect(accesses).toEqual([{ id: storedId }]);
    // The message met by both chunks came from the batch's own table the second time: still one row, two accesses.
    const [{ n }] = await db.query("SELECT count(*)::int AS n FROM message_access x JOIN message m ON m.id = x.message_id WHERE m.internet_message_id = '<a@x.example>'");
    expect(n).toBe(2);
  });
});
