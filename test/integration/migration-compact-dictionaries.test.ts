/**
 * The CompactDictionaries migration: message-dictionary keys go from a 32-byte to a 16-byte hash in place. A store
 * imported before it must, after it, find the same messages by id and add nothing when the same messages come
 * again, in whatever domain case. Down and up over data imported by the real importer, asked over HTTP.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { messageKey } from '../../src/import/normalize/message-id';
import { undoMigrationsThrough } from '../support/database';
import { bindRecord, writeNdjson } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

const record = (i: number, items: object[]) =>
  bindRecord({ id: `7d000000-0000-4000-8000-00000000000${i}`, creationTime: `2025-07-01T0${i}:00:00`, sessionId: 's-compact', items });

describe('migration CompactDictionaries', () => {
  let t: TestServer;
  let dir: string;
  const write = (name: string, records: object[]) => writeNdjson(dir, name, records);
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-compact-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const MESSAGE = (id: string) => `{ message(internetMessageId: "${id}") { internetMessageId accesses { totalCount } } }`;
  const hashes = () => t.db.dataSource.query(`SELECT m.internet_message_id AS id, encode(key_hash, 'hex') AS hash FROM message m ORDER BY id NULLS LAST`);

  test('keys written before it are shortened in place: the same messages are found and not added again', async () => {
    const ds = t.db.dataSource;
    const first = write('first.ndjson', [
      record(1, [{ InternetMessageId: '<one@Mail.EXAMPLE.com>' }, { InternetMessageId: '<two@example.com>' }]),
      record(2, [{ Id: 'LgAAAAA-item-without-an-id' }]),
    ]);
    // Imported by today's importer (it writes today's schema), then the store taken back to before the migration:
    // later migrations undone first (each has its own down), then this one.
    const [a] = await t.importer.importFile(first, { orgId: 1, source: 'cli' });
    expect([a.status, a.recordsInserted]).toEqual(['SUCCEEDED', 2]);
    await undoMigrationsThrough(ds, 'CompactDictionaries1796006500000');
    // 32-byte keys, as the old importer wrote them (this one writes 16 bytes): the full SHA-256 of each key.
    await ds.query(`UPDATE message SET key_hash = sha256(convert_to(internet_message_id, 'UTF8')) WHERE internet_message_id = '<two@example.com>'`);
    await ds.query(`UPDATE message SET key_hash = sha256(convert_to('<one@mail.example.com>', 'UTF8')) WHERE internet_message_id = '<one@Mail.EXAMPLE.com>'`);
    await ds.query(`UPDATE message SET key_hash = key_hash || key_hash WHERE internet_message_id IS NULL`);
    const before = await hashes();
    expect(before.map((r: { hash: string }) => r.hash.length)).toEqual([64, 64, 64]);

    await ds.runMigrations({ transaction: 'each' });
    const after = await hashes();
    expect(after).toEqual(before.map((r: { id: string; hash: string }) => ({ id: r.id, hash: r.hash.slice(0, 32) })));
    // What the importer and the API compute now: the first 16 bytes of the SHA-256 of the key.
    const sha = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 32);
    expect(after[0]).toEqual({ id: '<one@Mail.EXAMPLE.com>', hash: sha(messageKey('<one@Mail.EXAMPLE.com>')) });

    // The same messages again, one in another domain case, plus the same records: nothing new in the dictionary.
    const again = write('again.ndjson', [
      record(1, [{ InternetMessageId: '<one@Mail.EXAMPLE.com>' }, { InternetMessageId: '<two@example.com>' }]),
      record(3, [{ InternetMessageId: '<one@mail.example.COM>' }, { InternetMessageId: '<two@EXAMPLE.com>' }]),
    ]);
    const [b] = await t.importer.importFile(again, { orgId: 1, source: 'cli' });
    expect([b.status, b.recordsInserted, b.duplicates]).toEqual(['SUCCEEDED', 1, 1]);
    expect(await ds.query('SELECT count(*)::int AS n FROM message')).toEqual([{ n: 3 }]);
    const one = await t.gql(MESSAGE('<one@mail.example.com>'));
    expect(one.body.data.message).toEqual({ internetMessageId: '<one@Mail.EXAMPLE.com>', accesses: { totalCount: 2 } });
  });

  test('the tables an import updates in place leave room in each page for those updates', async () => {
    const rows = await t.db.dataSource.query(
      `SELECT relname, reloptions FROM pg_class WHERE relname = ANY($1) AND relkind = 'r' ORDER BY relname`,
      [['session', 'session_mailbox', 'session_client_ip', 'mailbox', 'client_ip', 'client_ip_mailbox', 'app_mailbox']],
    );
    expect(rows).toHaveLength(7);
    for (const r of rows) expect(r.reloptions).toEqual(['fillfactor=70']);
  });
});
