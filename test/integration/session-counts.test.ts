/**
 * Session.messageAccesses.totalCount and Session.boundMessageCount are kept on the session row by the import
 * (src/import/load/session-counts.ts). After every import, in chunks of any size, by the bulk path that defers
 * indexes or the incremental one, with repeats and overlapping files, the kept counts must equal counts over the
 * stored accesses; the API must answer from them, and count a session itself while it is uncounted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ImportService } from '../../src/import/import-service';
import { UPDATED_IN_PLACE } from '../../src/import/load/session-counts';
import { createTestDatabase, undoMigrationsThrough, type TestDatabase } from '../support/database';
import { bindRecord, newOrganization, writeNdjson } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

let n = 0;
const bind = (sessionId: string, messages: string[], mailbox = 'alice@example.com') =>
  bindRecord({
    id: `a6000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    creationTime: `2025-09-02T10:${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n++ % 60).padStart(2, '0')}`,
    mailbox,
    sessionId,
    items: messages.map((m) => ({ InternetMessageId: `<${m}@example.com>` })),
  });

/** What the kept counts must equal: the session's accesses, and their distinct messages. */
const COUNTED = `SELECT s.session_id,
    (SELECT count(*)::int FROM audit_record r JOIN message_access x ON x.record_id = r.id AND x.org_id = r.org_id
      WHERE r.org_id = s.org_id AND r.session_id = s.id) AS accesses,
    (SELECT count(DISTINCT x.message_id)::int FROM audit_record r JOIN message_access x ON x.record_id = r.id AND x.org_id = r.org_id
      WHERE r.org_id = s.org_id AND r.session_id = s.id) AS messages
  FROM session s WHERE s.org_id = $1 ORDER BY s.session_id`;
const KEPT = `SELECT session_id, message_access_count::int AS accesses, bound_message_count::int AS messages
  FROM session WHERE org_id = $1 ORDER BY session_id`;

describe('session counts kept by the import', () => {
  let db: TestDatabase;
  let dir: string;
  const logger = pino({ level: 'silent' });
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-session-counts-'));
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const counted = (orgId: number) => db.dataSource.query(COUNTED, [orgId]);
  const kept = (orgId: number) => db.dataSource.query(KEPT, [orgId]);

  test('a bulk load with deferred indexes counts once at its end', async () => {
    const orgId = await newOrganization(db.dataSource, 'sessions-bulk');
    const file = writeNdjson(dir, 'bulk.ndjson', [bind('s-1', ['m1', 'm2']), bind('s-1', ['m2', 'm3']), bind('s-2', ['m1']), bind('s-1', ['m1'])]);
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 2, deferIndexesFromBytes: 0 });
    // Each table updated in place, and each of its indexes: its file and its storage settings.
    const storage = async () =>
      Object.fromEntries(
        (
          await db.dataSource.query(
            `SELECT c.relname AS name, pg_relation_filenode(c.oid)::text AS file, c.reloptions FROM pg_class t
             JOIN pg_class c ON c.oid = t.oid OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = t.oid)
             WHERE t.relname = ANY($1::text[]) AND t.relnamespace = current_schema()::regnamespace`,
            [UPDATED_IN_PLACE],
          )
        ).map((r: { name: string; file: string; reloptions: string[] | null }) => [r.name, r]),
      );
    const before = await storage();
    const [batch] = await importer.importFile(file, { orgId, source: 'cli' });
    expect([batch.status, batch.recordsInserted]).toEqual(['SUCCEEDED', 4]);
    // The count rewrote every session row; every table updated in place was then rewritten with full pages (a new
    // file for it and its indexes) and has its settings back: the tables fillfactor 70, their indexes the default.
    const after = await storage();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(after).length).toBeGreaterThan(UPDATED_IN_PLACE.length);
    for (const [name, r] of Object.entries(after)) {
      expect([name, r.file]).not.toEqual([name, before[name].file]);
      expect([name, r.reloptions]).toEqual([name, before[name].reloptions]);
    }
    expect(after.session.reloptions).toEqual(['fillfactor=70']);
    expect(await kept(orgId)).toEqual([
      { session_id: 's-1', accesses: 5, messages: 3 },
      { session_id: 's-2', accesses: 1, messages: 1 },
    ]);
  });

  test('chunk by chunk, across files that overlap and repeat, the kept counts equal the stored accesses', async () => {
    const orgId = await newOrganization(db.dataSource, 'sessions-chunks');
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 2 });
    const first = [bind('s-a', ['m1', 'm2']), bind('s-b', ['m2']), bind('s-a', ['m3']), bind('s-a', ['m1'], 'bob@example.com')];
    await importer.importFile(writeNdjson(dir, 'first.ndjson', first), { orgId, source: 'cli' });
    expect(await kept(orgId)).toEqual(await counted(orgId));
    // A later file: two repeated records, new ones for a known session and two new sessions.
    const second = [first[0], first[2], bind('s-a', ['m4', 'm1']), bind('s-c', ['m9', 'm9']), bind('s-d', ['m5'])];
    await importer.importFile(writeNdjson(dir, 'second.ndjson', second), { orgId, source: 'cli' });
    expect(await kept(orgId)).toEqual(await counted(orgId));
    expect((await kept(orgId)).find((s: { session_id: string }) => s.session_id === 's-a')).toEqual({ session_id: 's-a', accesses: 6, messages: 4 });
    // The same file again adds nothing, and the counts stay.
    await importer.importFile(writeNdjson(dir, 'again.ndjson', second), { orgId, source: 'cli' });
    expect(await kept(orgId)).toEqual(await counted(orgId));
  });

  test('sessions left uncounted are counted by the periodic pass, but not while an import of their organisation runs', async () => {
    const [{ id: orgId }] = await db.dataSource.query("SELECT id FROM organization WHERE name LIKE 'sessions-chunks-%'");
    const truth = await counted(orgId);
    expect(truth).toHaveLength(4);
    // One session of four uncounted: counted on its own ...
    await db.dataSource.query("UPDATE session SET message_access_count = NULL, bound_message_count = NULL WHERE org_id = $1 AND session_id = 's-a'", [orgId]);
    await new ImportService(db.dataSource, logger, { chunkRecords: 2 }).countUncounted();
    expect(await kept(orgId)).toEqual(truth);
    // ... all of them: in one pass over the organisation's accesses.
    await db.dataSource.query('UPDATE session SET message_access_count = NULL, bound_message_count = NULL WHERE org_id = $1', [orgId]);
    const [running] = await db.dataSource.query(
      "INSERT INTO import_batch (org_id, file_name, status, source) VALUES ($1, 'still-running.ndjson', 'RUNNING', 'cli') RETURNING id",
      [orgId],
    );
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 2 });
    await importer.countUncounted();
    expect((await kept(orgId)).every((s: { messages: number | null }) => s.messages === null)).toBe(true);
    await db.dataSource.query("UPDATE import_batch SET status = 'FAILED', finished_at = now() WHERE id = $1", [running.id]);
    await importer.countUncounted();
    expect(await kept(orgId)).toEqual(truth);
  });

  test('the SessionAccessCounts migration fills the counts of what is stored', async () => {
    const orgs: { id: number }[] = await db.dataSource.query("SELECT id FROM organization WHERE name LIKE 'sessions-%' ORDER BY id");
    expect(orgs.length).toBe(2);
    await undoMigrationsThrough(db.dataSource, 'SessionAccessCounts1796006700000');
    await db.dataSource.runMigrations({ transaction: 'each' });
    for (const { id } of orgs) expect(await kept(id)).toEqual(await counted(id));
  });
});

describe('the API answers from the kept session counts', () => {
  let t: TestServer;
  let dir: string;
  const query = `query($id: String!) { session(sessionId: $id) { boundMessageCount messageAccesses(first: 2) { totalCount edges { node { internetMessageId } } } } }`;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-session-counts-api-'));
    await t.importer.importFile(writeNdjson(dir, 'api.ndjson', [bind('s-api', ['m1', 'm2', 'm3']), bind('s-api', ['m3'])]), { orgId: 1, source: 'cli' });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('kept counts are what the API shows; an uncounted session is counted from its accesses', async () => {
    const live = await t.gql(query, { id: 's-api' });
    expect(live.body.data.session).toMatchObject({ boundMessageCount: 3, messageAccesses: { totalCount: 4 } });
    // The kept values are read as they are (a value no count would give proves it), ...
    await t.db.dataSource.query("UPDATE session SET message_access_count = 40, bound_message_count = 30 WHERE session_id = 's-api'");
    expect((await t.gql(query, { id: 's-api' })).body.data.session).toMatchObject({ boundMessageCount: 30, messageAccesses: { totalCount: 40 } });
    // ... and while the session is uncounted, the API counts.
    await t.db.dataSource.query("UPDATE session SET message_access_count = NULL, bound_message_count = NULL WHERE session_id = 's-api'");
    expect((await t.gql(query, { id: 's-api' })).body.data.session).toEqual(live.body.data.session);
  });
});
