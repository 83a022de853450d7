/**
 * Presumed messages: an attacker's Outlook synced erin's Inbox at 09:00. What was in it then is known from an
 * imported inventory (strongest), from Binds in the Inbox before 09:00, and from Binds there only later (weakest);
 * a message the inventory says arrived after 09:00, and messages of other folders, are not presumed.
 */
import { makeBindRecord, makeSyncRecord, messageIdFrom, toNdjson } from '../fixtures/generate.cjs';
import { messageKeyHash } from '../../src/import/normalize/message-id';
import { startTestServer, type TestServer } from '../support/server';
import { contract } from './contract-queries';

const ERIN = 'erin@contoso.com';
const OWNER = '11111111-2222-4333-8444-555555555555';
const ATTACKER = '99999999-8888-4777-8666-555555555555';
const m = (label: string) => messageIdFrom(`presumed-${label}`);
const [M1, M2, M3, M4, M5, M6] = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map(m);
const at = (hhmm: string) => `2025-05-01T${hhmm}:00`;

function records() {
  return [
    makeBindRecord({ time: at('08:00'), mailbox: ERIN, sessionId: OWNER, clientIp: '192.0.2.30', folders: [{ path: '\\Inbox', items: [M1, M2] }, { path: '\\Sent Items', items: [M5] }] }),
    makeSyncRecord({ time: at('09:00'), mailbox: ERIN, sessionId: ATTACKER, clientIp: '203.0.113.50', folder: { path: '\\Inbox' } }),
    makeBindRecord({ time: at('09:05'), mailbox: ERIN, sessionId: ATTACKER, clientIp: '203.0.113.50', folders: [{ path: '\\Inbox', items: [M2] }] }),
    makeBindRecord({ time: at('10:00'), mailbox: ERIN, sessionId: OWNER, clientIp: '192.0.2.30', folders: [{ path: '\\Inbox', items: [M2, M3] }] }),
    makeBindRecord({ time: at('11:00'), mailbox: ERIN, sessionId: OWNER, clientIp: '192.0.2.30', isThrottled: 'True', folders: [{ path: '\\Drafts', items: [m('draft')] }] }),
  ];
}

/**
 * An inventory of erin's Inbox as the inventory importer stores it: the folder keyed by its path (`path:Inbox`,
 * another row than the Sync's folder, which has an Id), M1 undated, M4 received at 07:00, M6 received at 09:30.
 */
async function importInventory(t: TestServer): Promise<void> {
  const q = (text: string, values: unknown[] = []) => t.db.dataSource.query(text, values);
  const [{ id: mailboxId }] = await q(`SELECT id FROM mailbox WHERE user_principal_name = $1`, [ERIN]);
  const [{ id: batchId }] = await q(`SELECT max(id) AS id FROM import_batch`);
  const [{ id: folderId }] = await q(`INSERT INTO folder (org_id, mailbox_id, folder_key, path) VALUES (1, $1, 'path:Inbox', 'Inbox') RETURNING id`, [mailboxId]);
  for (const [id, observed] of [[M1, null], [M4, '2025-05-01T07:00:00Z'], [M6, '2025-05-01T09:30:00Z']] as const) {
    const [{ id: messageId }] = await q(
      `INSERT INTO message (org_id, key_hash, spelling) VALUES (1, decode($1, 'hex'), $2)
       ON CONFLICT (org_id, key_hash) DO UPDATE SET spelling = excluded.spelling RETURNING id`,
      [messageKeyHash(id), id],
    );
    await q(
      `INSERT INTO folder_inventory (org_id, mailbox_id, folder_id, message_id, source, batch_id, observed_at) VALUES (1, $1, $2, $3, 'EDISCOVERY', $4, $5)`,
      [mailboxId, folderId, messageId, batchId, observed],
    );
  }
}

/** Message details as the message trace / eDiscovery importer stores them (their original rows are not needed here). */
async function importDetails(t: TestServer): Promise<void> {
  const q = (text: string, values: unknown[] = []) => t.db.dataSource.query(text, values);
  const [{ id: batchId }] = await q(`SELECT max(id) AS id FROM import_batch`);
  const rows: [string, string, string | null, string | null, string[], string | null][] = [
    // M2: a trace row (envelope sender, one recipient) and the mailbox's own copy (eDiscovery): the copy wins.
    [M2, 'MESSAGE_TRACE', 'Trace subject', 'bounces@mail.example.com', ['erin@contoso.com'], '2025-04-30T10:00:00Z'],
    [M2, 'EDISCOVERY', 'Q3 payroll', 'Frank <frank@contoso.com>', ['erin@contoso.com', 'ERIN@contoso.com', 'hr@contoso.com'], '2025-04-30T10:00:01Z'],
    // M4: only trace rows; a blank subject is skipped, recipients gathered from every row of the source.
    [M4, 'MESSAGE_TRACE', '  ', 'billing@vendor.example', ['erin@contoso.com'], '2025-05-01T06:59:00Z'],
    [M4, 'MESSAGE_TRACE', 'Invoice 42', null, ['ap@contoso.com'], '2025-05-01T07:00:00Z'],
  ];
  for (const [n, [id, source, subject, sender, recipients, receivedAt]] of rows.entries()) {
    await q(
      `INSERT INTO message_detail (org_id, message_id, source, batch_id, source_line, row_key, subject, sender, recipients, received_at, raw_block_id, raw_offset, raw_length, raw_sha256)
       SELECT 1, m.id, $2, $3, $4::int, decode(md5($4::int::text), 'hex'), $5, $6, $7, $8, 0, 0, 0, decode(md5('x'), 'hex') FROM message m WHERE m.key_hash = decode($1, 'hex')`,
      [messageKeyHash(id), source, batchId, n + 2, subject, sender, recipients, receivedAt],
    );
  }
}

const PRESUMED = `query($mailbox: String!, $sessionIds: [String!], $first: Int, $after: String) {
  exposure(mailbox: $mailbox, sessionIds: $sessionIds) {
    presumedMessageCount
    presumedMessages(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { internetMessageId folder { path } syncedAt session { sessionId } evidence inventoryObservedAt firstBoundAt
        syncRecord { operation mailAccessType } boundRecord { creationTime } } } } } }`;

const EXPOSURES = `query($id: String!) { message(internetMessageId: $id) { exposures {
  mailbox { userPrincipalName } tier evidence folder { path } firstAt lastAt eventCount sessions { sessionId } firstRecord { mailAccessType } } } }`;

const LIST = `query($mailboxes: [String!]!, $sessionIds: [String!], $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  notificationList(mailboxes: $mailboxes, sessionIds: $sessionIds, from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { mailbox { userPrincipalName } internetMessageId tier evidence firstAccessedAt lastAccessedAt
      sessions { sessionId } clientIps { address } apps { appId } folders { path } evidenceRecordIds unauditedReason subject sender recipients } } } }`;

describe('presumed messages of a synced folder', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    const [batch] = await t.importer.importContent(toNdjson(records()), { orgId: 1, source: 'cli', fileName: 'erin.ndjson' });
    expect(batch.status).toBe('SUCCEEDED');
    await importInventory(t);
    await importDetails(t);
  });
  afterAll(async () => t?.close());

  const gql = async (query: string, variables: Record<string, unknown>) => {
    const { body } = await t.gql(query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  test('the attacker\'s Sync of the Inbox presumes M1 and M4 (inventory), M2 (bound before) and M3 (bound only after)', async () => {
    const { exposure } = await gql(PRESUMED, { mailbox: ERIN, sessionIds: [ATTACKER] });
    expect(exposure.presumedMessageCount).toBe(4);
    expect(exposure.presumedMessages.totalCount).toBe(4);
    const rows = exposure.presumedMessages.edges.map(({ node }: any) => [node.internetMessageId, node.evidence]);
    expect(rows).toEqual([...[[M1, 'INVENTORY'], [M2, 'BOUND_BEFORE'], [M3, 'BOUND_AFTER'], [M4, 'INVENTORY']]].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    for (const { node } of exposure.presumedMessages.edges) {
      expect(node.folder.path).toBe('\\Inbox');
      expect(node.syncedAt).toBe('2025-05-01T09:00:00.000Z');
      expect(node.session.sessionId).toBe(ATTACKER);
      expect(node.syncRecord).toEqual({ operation: 'MailItemsAccessed', mailAccessType: 'SYNC' });
    }
    const byId = Object.fromEntries(exposure.presumedMessages.edges.map(({ node }: any) => [node.internetMessageId, node]));
    expect(byId[M4].inventoryObservedAt).toBe('2025-05-01T07:00:00.000Z');
    expect(byId[M4].boundRecord).toBeNull();
    expect(byId[M2].boundRecord.creationTime).toBe('2025-05-01T08:00:00.000Z');
    expect(byId[M3].firstBoundAt).toBe('2025-05-01T10:00:00.000Z');
    expect(byId[M5]).toBeUndefined(); // another folder
    expect(byId[M6]).toBeUndefined(); // the inventory says it arrived after the Sync
  });

  test('pages of presumedMessages add up to the whole list', async () => {
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { exposure }: any = await gql(PRESUMED, { mailbox: ERIN, sessionIds: [ATTACKER], first: 1, after });
      all.push(...exposure.presumedMessages.edges.map((e: any) => e.node.internetMessageId));
      if (!exposure.presumedMessages.pageInfo.hasNextPage) break;
      after = exposure.presumedMessages.pageInfo.endCursor;
    }
    expect(all).toEqual([M1, M2, M3, M4].sort());
  });

  test('the owner\'s session synced nothing: no presumed messages for it', async () => {
    const { exposure } = await gql(PRESUMED, { mailbox: ERIN, sessionIds: [OWNER] });
    expect(exposure.presumedMessageCount).toBe(0);
    expect(exposure.presumedMessages.edges).toEqual([]);
  });

  test('Message.exposures lists every exposure of M2: bound in the Inbox, and presumed by the Sync', async () => {
    const { message } = await gql(EXPOSURES, { id: M2 });
    expect(message.exposures).toEqual([
      {
        mailbox: { userPrincipalName: ERIN }, tier: 'CONFIRMED', evidence: null, folder: { path: '\\Inbox' }, firstAt: '2025-05-01T08:00:00.000Z',
        lastAt: '2025-05-01T10:00:00.000Z', eventCount: 3, sessions: expect.arrayContaining([{ sessionId: OWNER }, { sessionId: ATTACKER }]), firstRecord: { mailAccessType: 'BIND' },
      },
      {
        mailbox: { userPrincipalName: ERIN }, tier: 'PRESUMED', evidence: 'BOUND_BEFORE', folder: { path: '\\Inbox' }, firstAt: '2025-05-01T09:00:00.000Z',
        lastAt: '2025-05-01T09:00:00.000Z', eventCount: 1, sessions: [{ sessionId: ATTACKER }], firstRecord: { mailAccessType: 'SYNC' },
      },
    ]);
    const m5 = (await gql(EXPOSURES, { id: M5 })).message.exposures;
    expect(m5.map((e: any) => [e.tier, e.folder.path])).toEqual([['CONFIRMED', '\\Sent Items']]);
  });

  test('the notification list for the attacker: M2 confirmed, M1/M3/M4 presumed (not M2 again), the throttled day unknown', async () => {
    const { notificationList } = await gql(LIST, { mailboxes: [ERIN.toUpperCase()], sessionIds: [ATTACKER] });
    const rows = notificationList.edges.map(({ node }: any) => [node.internetMessageId, node.tier, node.evidence]);
    expect(rows).toEqual([
      [M2, 'CONFIRMED', null],
      ...[[M1, 'PRESUMED', 'INVENTORY'], [M3, 'PRESUMED', 'BOUND_AFTER'], [M4, 'PRESUMED', 'INVENTORY']].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
      ['*', 'UNKNOWN', null],
    ]);
    expect(notificationList.totalCount).toBe(5);
    const [confirmed] = notificationList.edges.map((e: any) => e.node);
    expect(confirmed.sessions).toEqual([{ sessionId: ATTACKER }]);
    expect(confirmed.clientIps).toEqual([{ address: '203.0.113.50' }]);
    expect(confirmed.firstAccessedAt).toBe('2025-05-01T09:05:00.000Z');
    expect(confirmed.evidenceRecordIds).toHaveLength(1);
    const unknown = notificationList.edges[4].node;
    expect(unknown).toMatchObject({ firstAccessedAt: '2025-05-01T11:00:00.000Z', lastAccessedAt: '2025-05-02T11:00:00.000Z', unauditedReason: 'THROTTLED_FLAG' });
    expect(confirmed).toMatchObject({ subject: 'Q3 payroll', sender: 'Frank <frank@contoso.com>', recipients: ['erin@contoso.com', 'hr@contoso.com'] });
    const m4 = notificationList.edges.find((e: any) => e.node.internetMessageId === M4).node;
    expect(m4).toMatchObject({ subject: 'Invoice 42', sender: 'billing@vendor.example', recipients: ['erin@contoso.com', 'ap@contoso.com'] });
    const m3 = notificationList.edges.find((e: any) => e.node.internetMessageId === M3).node;
    expect(m3).toMatchObject({ subject: null, sender: null, recipients: [] });
    expect(m3.evidenceRecordIds).toHaveLength(2); // the Sync and the later Bind that places M3 in the Inbox
  });

  test('pages of the notification list, merged with the unknown rows, add up to the single page', async () => {
    const whole = (await gql(LIST, { mailboxes: [ERIN], first: 500 })).notificationList;
    const paged: any[] = [];
    let after: string | null = null;
    for (;;) {
      const { notificationList }: any = await gql(LIST, { mailboxes: [ERIN], first: 2, after });
      paged.push(...notificationList.edges.map((e: any) => e.node));
      if (!notificationList.pageInfo.hasNextPage) break;
      after = notificationList.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole.edges.map((e: any) => e.node));
    expect(whole.totalCount).toBe(paged.length);
    // Without an actor filter every bound message is confirmed, and nothing is presumed twice.
    expect(paged.filter((n) => n.tier === 'CONFIRMED').map((n) => n.internetMessageId)).toEqual([M1, M2, M3, M5, m('draft')].sort());
    expect(paged.filter((n) => n.tier === 'PRESUMED').map((n) => n.internetMessageId)).toEqual([M4]);
  });

  test('a window before the Sync has no presumed rows; an unknown mailbox is an error that names it', async () => {
    const before = (await gql(LIST, { mailboxes: [ERIN], sessionIds: [ATTACKER], to: '2025-05-01T08:30:00Z' })).notificationList;
    expect(before.edges).toEqual([]);
    const { body } = await t.gql(LIST, { mailboxes: [ERIN, 'nobody@contoso.com'] });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toContain('nobody@contoso.com');
  });

  test('the contract operations 11 and 12 run unchanged', async () => {
    const presumed = await gql(contract('11-presumed.graphql'), { mailbox: ERIN, sessionIds: [ATTACKER] });
    expect(presumed.exposure.presumedMessages.edges.map((e: any) => e.node.evidence).sort()).toEqual(['BOUND_AFTER', 'BOUND_BEFORE', 'INVENTORY', 'INVENTORY']);
    const list = await gql(contract('12-notification-list.graphql'), { mailboxes: [ERIN], sessionIds: [ATTACKER] });
    expect(list.notificationList.edges.map((e: any) => e.node.tier)).toEqual(['CONFIRMED', 'PRESUMED', 'PRESUMED', 'PRESUMED', 'UNKNOWN']);
  });

  // Last: it adds a record. The counts are computed without forming the (Sync, message) pairs; the pages form them.
  test('a second Sync after the inventory\'s 09:30 also presumes M6; the counts equal the pairs the pages list', async () => {
    const again = makeSyncRecord({ time: at('10:30'), mailbox: ERIN, sessionId: ATTACKER, clientIp: '203.0.113.50', folder: { path: '\\Inbox' } });
    const [batch] = await t.importer.importContent(toNdjson([again]), { orgId: 1, source: 'cli', fileName: 'second-sync.ndjson' });
    expect(batch.recordsInserted).toBe(1);
    const pairs: [string, string][] = [];
    let after: string | null = null;
    for (;;) {
      const { exposure }: any = await gql(PRESUMED, { mailbox: ERIN, sessionIds: [ATTACKER], first: 2, after });
      pairs.push(...exposure.presumedMessages.edges.map(({ node }: any) => [node.syncedAt, node.internetMessageId]));
      if (!exposure.presumedMessages.pageInfo.hasNextPage) break;
      after = exposure.presumedMessages.pageInfo.endCursor;
    }
    const sorted = (ids: string[]) => [...ids].sort((a, b) => (a < b ? -1 : 1));
    expect(pairs).toEqual([
      ...sorted([M1, M2, M3, M4]).map((id) => ['2025-05-01T09:00:00.000Z', id]),
      ...sorted([M1, M2, M3, M4, M6]).map((id) => ['2025-05-01T10:30:00.000Z', id]),
    ]);
    const { exposure } = await gql(PRESUMED, { mailbox: ERIN, sessionIds: [ATTACKER], first: 1 });
    expect(exposure.presumedMessages.totalCount).toBe(9);
    expect(exposure.presumedMessageCount).toBe(5);
  });
});
