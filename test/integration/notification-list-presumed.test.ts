/**
 * The notification list aggregates presumed exposure per synced folder before it meets the folder's content
 * (notification-list.service.ts). Here its PRESUMED rows are checked against Exposure.presumedMessages, which still
 * lists one row per (Sync, message): grouped per message, those pairs must give the same evidence, first and last
 * Sync, folders and sessions. The case has what a per-folder aggregate can get wrong: several Syncs of one folder by
 * different sessions, an inventory dated between them (only the later Syncs count), one dated after every Sync (no
 * row), one before them all, an undated one, a message in two synced folders, and a message bound only after the
 * last Sync (BOUND_AFTER, every Sync counts).
 */
import { makeBindRecord, makeSyncRecord, messageIdFrom, toNdjson } from '../fixtures/generate.cjs';
import { messageKeyHash } from '../../src/import/normalize/message-id';
import { startTestServer, type TestServer } from '../support/server';

const ERIN = 'erin@contoso.com';
const OWNER = '11111111-2222-4333-8444-555555555555';
const A = '99999999-8888-4777-8666-555555555555';
const B = '77777777-8888-4777-8666-555555555555';
const m = (label: string) => messageIdFrom(`nlp-${label}`);
const [BOUND_EARLY, BOUND_LATE, BOTH_FOLDERS, ARCHIVED] = ['bound-early', 'bound-late', 'both', 'archived'].map(m);
const [UNDATED, BEFORE_ALL, BETWEEN, AFTER_ALL, ARCHIVE_BETWEEN] = ['undated', 'before-all', 'between', 'after-all', 'archive-between'].map(m);
const at = (hhmm: string) => `2025-05-01T${hhmm}:00`;
const iso = (hhmm: string) => `2025-05-01T${hhmm}:00.000Z`;

function records() {
  const sync = (hhmm: string, sessionId: string, clientIp: string, path: string) =>
    makeSyncRecord({ time: at(hhmm), mailbox: ERIN, sessionId, clientIp, folder: { path } });
  return [
    makeBindRecord({ time: at('08:00'), mailbox: ERIN, sessionId: OWNER, clientIp: '192.0.2.30', folders: [{ path: '\\Inbox', items: [BOUND_EARLY, BOTH_FOLDERS] }] }),
    makeBindRecord({ time: at('08:10'), mailbox: ERIN, sessionId: OWNER, clientIp: '192.0.2.30', folders: [{ path: '\\Archive', items: [BOTH_FOLDERS, ARCHIVED] }] }),
    sync('09:00', A, '203.0.113.50', '\\Inbox'),
    sync('10:30', B, '198.51.100.7', '\\Archive'),
    sync('11:00', B, '198.51.100.7', '\\Inbox'),
    sync('13:00', A, '203.0.113.51', '\\Inbox'),
    sync('13:30', A, '203.0.113.51', '\\Archive'),
    makeBindRecord({ time: at('15:00'), mailbox: ERIN, sessionId: OWNER, clientIp: '192.0.2.30', folders: [{ path: '\\Inbox', items: [BOUND_LATE] }] }),
  ];
}

/** Inventories keyed by path, as the inventory importer stores them (other folder rows than the Syncs' ones). */
async function importInventory(t: TestServer): Promise<void> {
  const q = (text: string, values: unknown[] = []) => t.db.dataSource.query(text, values);
  const [{ id: mailboxId }] = await q(`SELECT id FROM mailbox WHERE user_principal_name = $1`, [ERIN]);
  const [{ id: batchId }] = await q(`SELECT max(id) AS id FROM import_batch`);
  const folders: Record<string, string> = {};
  for (const path of ['Inbox', 'Archive']) {
    const [{ id }] = await q(`INSERT INTO folder (org_id, mailbox_id, folder_key, path) VALUES (1, $1, $2, $3) RETURNING id`, [mailboxId, `path:${path}`, path]);
    folders[path] = id;
  }
  const rows: [string, string, string | null][] = [
    ['Inbox', UNDATED, null],
    ['Inbox', BEFORE_ALL, '2025-05-01T07:00:00Z'],
    ['Inbox', BETWEEN, '2025-05-01T10:00:00Z'],
    ['Inbox', AFTER_ALL, '2025-05-01T14:00:00Z'],
    ['Inbox', BOUND_LATE, '2025-05-01T12:00:00Z'],
    ['Archive', ARCHIVE_BETWEEN, '2025-05-01T12:00:00Z'],
    ['Archive', BETWEEN, '2025-05-01T13:10:00Z'],
  ];
  for (const [path, id, observed] of rows) {
    const [{ id: messageId }] = await q(
      `INSERT INTO message (org_id, key_hash, spelling) VALUES (1, decode($1, 'hex'), $2)
       ON CONFLICT (org_id, key_hash) DO UPDATE SET spelling = excluded.spelling RETURNING id`,
      [messageKeyHash(id), id],
    );
    await q(
      `INSERT INTO folder_inventory (org_id, mailbox_id, folder_id, message_id, source, batch_id, observed_at) VALUES (1, $1, $2, $3, 'EDISCOVERY', $4, $5)`,
      [mailboxId, folders[path], messageId, batchId, observed],
    );
  }
}

const PRESUMED = `query($mailbox: String!, $sessionIds: [String!], $after: String) {
  exposure(mailbox: $mailbox, sessionIds: $sessionIds) {
    presumedMessages(first: 500, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { internetMessageId folder { path } syncedAt session { sessionId } evidence syncRecord { creationTime } } } } } }`;

const LIST = `query($mailboxes: [String!]!, $sessionIds: [String!], $after: String) {
  notificationList(mailboxes: $mailboxes, sessionIds: $sessionIds, first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { internetMessageId tier evidence firstAccessedAt lastAccessedAt sessions { sessionId } clientIps { address } folders { path } evidenceRecordIds } } } }`;

const EVIDENCE = ['INVENTORY', 'BOUND_BEFORE', 'BOUND_AFTER'];

describe('presumed rows of the notification list, aggregated per folder', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    const [batch] = await t.importer.importContent(toNdjson(records()), { orgId: 1, source: 'cli', fileName: 'erin.ndjson' });
    expect(batch.status).toBe('SUCCEEDED');
    await importInventory(t);
  });
  afterAll(async () => t?.close());

  const gql = async (query: string, variables: Record<string, unknown>) => {
    const { body } = await t.gql(query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  async function listRows(sessionIds: string[] | null) {
    const rows: any[] = [];
    const totals = new Set<number>();
    let after: string | null = null;
    for (;;) {
      const { notificationList }: any = await gql(LIST, { mailboxes: [ERIN], sessionIds, after });
      rows.push(...notificationList.edges.map((e: any) => e.node));
      totals.add(notificationList.totalCount); // counted by the page's own statement
      if (!notificationList.pageInfo.hasNextPage) {
        expect([...totals]).toEqual([rows.length]);
        // A page past the end has no row to carry the count: it is counted apart.
        const past: any = await gql(LIST, { mailboxes: [ERIN], sessionIds, after: notificationList.pageInfo.endCursor });
        expect([past.notificationList.edges, past.notificationList.totalCount]).toEqual([[], rows.length]);
        return rows;
      }
      after = notificationList.pageInfo.endCursor;
    }
  }

  /** presumedMessages (one row per (Sync, message)) grouped per message as the notification list reports them. */
  async function referenceRows(sessionIds: string[] | null, confirmed: Set<string>) {
    const pairs: any[] = [];
    let after: string | null = null;
    for (;;) {
      const { exposure }: any = await gql(PRESUMED, { mailbox: ERIN, sessionIds, after });
      pairs.push(...exposure.presumedMessages.edges.map((e: any) => e.node));
      if (!exposure.presumedMessages.pageInfo.hasNextPage) break;
      after = exposure.presumedMessages.pageInfo.endCursor;
    }
    const byMessage = new Map<string, any[]>();
    for (const p of pairs) if (!confirmed.has(p.internetMessageId)) byMessage.set(p.internetMessageId, [...(byMessage.get(p.internetMessageId) ?? []), p]);
    return [...byMessage.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, ps]) => ({
        internetMessageId: id,
        tier: 'PRESUMED',
        evidence: EVIDENCE[Math.min(...ps.map((p) => EVIDENCE.indexOf(p.evidence)))],
        firstAccessedAt: ps.map((p) => p.syncedAt).sort()[0],
        lastAccessedAt: ps.map((p) => p.syncedAt).sort().reverse()[0],
        sessions: [...new Set(ps.map((p) => p.session.sessionId))].sort().map((sessionId) => ({ sessionId })),
        folders: [...new Set(ps.map((p) => p.folder.path))].sort().map((path) => ({ path })),
      }));
  }

  test.each([
    ['both attacker sessions', [A, B]],
    ['session A', [A]],
    ['session B', [B]],
    ['everyone', null],
  ])('%s: PRESUMED rows equal presumedMessages grouped per message', async (_name, sessionIds) => {
    const rows = await listRows(sessionIds as string[] | null);
    const confirmed = new Set(rows.filter((r) => r.tier === 'CONFIRMED').map((r) => r.internetMessageId));
    const presumed = rows.filter((r) => r.tier === 'PRESUMED');
    const reference = await referenceRows(sessionIds as string[] | null, confirmed);
    const comparable = (r: any) => ({
      ...r,
      sessions: [...r.sessions].sort((a: any, b: any) => (a.sessionId < b.sessionId ? -1 : 1)),
      folders: [...r.folders].sort((a: any, b: any) => (a.path < b.path ? -1 : 1)),
    });
    expect(presumed.map(({ clientIps: _c, evidenceRecordIds: _e, ...r }) => comparable(r))).toEqual(reference);
  });

  test('the Syncs that count for each message: all of them, or those after a dated inventory', async () => {
    const rows = Object.fromEntries((await listRows([A, B])).map((r) => [r.internetMessageId, r]));
    // Inbox: A 09:00, B 11:00, A 13:00; Archive: B 10:30, A 13:30.
    expect(rows[AFTER_ALL]).toBeUndefined();
    expect([rows[UNDATED].evidence, rows[UNDATED].firstAccessedAt, rows[UNDATED].lastAccessedAt]).toEqual(['INVENTORY', iso('09:00'), iso('13:00')]);
    expect([rows[BEFORE_ALL].evidence, rows[BEFORE_ALL].firstAccessedAt]).toEqual(['INVENTORY', iso('09:00')]);
    // Inbox from 10:00 (B 11:00, A 13:00), Archive from 13:10 (A 13:30).
    expect([rows[BETWEEN].evidence, rows[BETWEEN].firstAccessedAt, rows[BETWEEN].lastAccessedAt]).toEqual(['INVENTORY', iso('11:00'), iso('13:30')]);
    expect(rows[BETWEEN].folders.map((f: any) => f.path).sort()).toEqual(['\\Archive', '\\Inbox']);
    expect(rows[BETWEEN].evidenceRecordIds).toHaveLength(3);
    // Archive from 12:00: only A's 13:30 Sync.
    expect([rows[ARCHIVE_BETWEEN].firstAccessedAt, rows[ARCHIVE_BETWEEN].sessions]).toEqual([iso('13:30'), [{ sessionId: A }]]);
    expect(rows[ARCHIVE_BETWEEN].clientIps).toEqual([{ address: '203.0.113.51' }]);
    // Bound at 15:00 and in a dated inventory (12:00): every Sync counts, the inventory is the strongest evidence.
    expect([rows[BOUND_LATE].evidence, rows[BOUND_LATE].firstAccessedAt, rows[BOUND_LATE].lastAccessedAt]).toEqual(['INVENTORY', iso('09:00'), iso('13:00')]);
    expect(rows[BOUND_LATE].evidenceRecordIds).toHaveLength(4); // three Syncs and the Bind
    // Bound before the Syncs in two folders: every Sync of both (five), and the first Bind in each (two records).
    expect([rows[BOTH_FOLDERS].evidence, rows[BOTH_FOLDERS].firstAccessedAt, rows[BOTH_FOLDERS].lastAccessedAt]).toEqual(['BOUND_BEFORE', iso('09:00'), iso('13:30')]);
    expect(rows[BOTH_FOLDERS].sessions.map((s: any) => s.sessionId).sort()).toEqual([A, B].sort());
    expect(rows[BOTH_FOLDERS].evidenceRecordIds).toHaveLength(7);
    expect([rows[ARCHIVED].firstAccessedAt, rows[ARCHIVED].lastAccessedAt]).toEqual([iso('10:30'), iso('13:30')]);
  });
});
