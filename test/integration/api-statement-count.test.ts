/**
 * The number of SQL statements a request makes is part of the contract: it must not grow with the number of
 * sessions, accesses or records in the answer. Each contract operation runs against the fixture incident and
 * against the same incident plus many generated sessions and accesses on the same IPs and mailboxes; both
 * databases must take exactly the same number of statements (and few).
 */
import { guidFrom, makeBindRecord, makeSyncRecord, messageIdFrom, toNdjson } from '../fixtures/generate.cjs';
import type { QueryCounter } from '../../src/db/query-counter';
import { startTestServer, type TestServer } from '../support/server';
import { CONTRACT_FILES, contract, expected, ids, importIncident } from './contract-queries';

const SHARED = '<DM6PR11MB40917E5A3C1D2B9F0A8E6C4D2B1A@DM6PR11MB4091.namprd11.prod.outlook.com>';
const OFFICE_SESSIONS = 180;

/** 180 more sessions behind the office NAT (some also on an attacker exit), more attacker hops, app reads, throttling. */
function moreOfTheSame(): string {
  const records = [];
  const mailboxes = ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'dave@contoso.com'];
  const at = (day: number, minute: number) => new Date(Date.UTC(2025, 2, 7 + day, 6, minute)).toISOString().slice(0, 19);
  for (let i = 0; i < OFFICE_SESSIONS; i++) {
    const sessionId = guidFrom('office', String(i));
    const mailbox = mailboxes[i % mailboxes.length];
    const items = [SHARED, ...Array.from({ length: 4 }, (_, k) => messageIdFrom(`office-${i}-${k}`))];
    records.push(makeBindRecord({ time: at(i % 5, i % 60), mailbox, sessionId, clientIp: ids.IP_OFFICE, folders: [{ path: '\\Inbox', items }] }));
    records.push(makeBindRecord({ time: at(i % 5, (i % 60) + 1), mailbox, sessionId, clientIp: i % 3 ? ids.IP_OFFICE : '198.51.100.23', folders: [{ path: '\\Sent Items', items: items.slice(1) }] }));
    if (i % 4 === 0) records.push(makeSyncRecord({ time: at(i % 5, (i % 60) + 2), mailbox, sessionId, clientIp: ids.IP_OFFICE, folder: { path: '\\Archive' } }));
    if (i % 4 === 1) {
      // bob: newer Bind records (per-item details, an item known only by its ImmutableId) and Syncs naming no folder.
      const rich = [
        { InternetMessageId: messageIdFrom(`rich-${i}`), ImmutableId: `LgAAAArich${i}`, CreationTime: at(i % 5, i % 60), Subject: `Subject ${i}`, Sensitivity: 'label-1' },
        { ImmutableId: `LgAAAAnoid${i}`, Subject: `No id ${i}` },
      ];
      records.push(makeBindRecord({ time: at(i % 5, (i % 60) + 3), mailbox, sessionId, clientIp: ids.IP_OFFICE, folders: [{ path: '\\Inbox', items: rich }] }));
      if (i % 8 === 1) {
        const sync = makeSyncRecord({ time: at(i % 5, (i % 60) + 4), mailbox, sessionId, clientIp: ids.IP_OFFICE, folder: { path: '\\Inbox' } });
        delete sync.Item;
        records.push(sync);
      }
    }
  }
  for (let h = 0; h < 12; h++) {
    const items = Array.from({ length: 6 }, (_, k) => messageIdFrom(`attack-${h}-${k}`));
    records.push(makeBindRecord({ time: `2025-03-10T03:${String(20 + h).padStart(2, '0')}:00`, mailbox: 'alice@contoso.com', sessionId: ids.S_ATTACK, clientIp: `203.0.113.${100 + h}`, folders: [{ path: '\\Inbox', items }] }));
    records.push(makeSyncRecord({ time: `2025-03-10T03:${String(20 + h).padStart(2, '0')}:30`, mailbox: 'alice@contoso.com', sessionId: ids.S_ATTACK, clientIp: '203.0.113.10', folder: { path: `\\Folder ${h}` } }));
  }
  for (let a = 0; a < 60; a++) {
    records.push(makeBindRecord({ time: at(3, a), mailbox: mailboxes[a % 3], clientIp: ids.IP_APP, clientAppId: ids.APP_ID, appId: ids.APP_ID, folders: [{ path: '\\Inbox', items: [SHARED, messageIdFrom(`app-${a}`)] }] }));
  }
  for (let m = 0; m < 25; m++) {
    records.push(makeBindRecord({ time: at(m % 5, 30), mailbox: `throttled${m}@contoso.com`, sessionId: guidFrom('throttled', String(m)), clientIp: `192.0.2.${150 + m}`, isThrottled: 'True', folders: [{ path: '\\Inbox', items: [messageIdFrom(`t-${m}`)] }] }));
    records.push(makeBindRecord({ time: at((m % 5) + 1, 45), mailbox: `throttled${m}@contoso.com`, sessionId: guidFrom('throttled', String(m)), clientIp: `192.0.2.${150 + m}`, isThrottled: 'True', folders: [{ path: '\\Inbox', items: [messageIdFrom(`t2-${m}`)] }] }));
  }
  return toNdjson(records);
}

/** Variables for each contract operation; the same for both databases. */
const VARIABLES: Record<string, Record<string, unknown>[]> = {
  '01-sessions-by-ip.graphql': [{ ip: ids.IP_OFFICE }, { ip: '203.0.113.10:51234' }],
  '02-session.graphql': [{ sessionId: ids.S_ATTACK }],
  '03-pivot.graphql': [{ ips: ['203.0.113.10'], hops: 3 }],
  '04-exposure.graphql': [{ mailbox: 'alice@contoso.com', sessionIds: [ids.S_ATTACK] }, { mailbox: 'alice@contoso.com' }],
  '05-message.graphql': [{ id: SHARED }],
  '06-throttled-mailboxes.graphql': [{}],
  '07-import.graphql': [{ content: '[]', fileName: 'empty-blob.json' }],
  '08-records-by-app.graphql': [{ appId: ids.APP_ID }],
  '09-mailbox.graphql': [{ upn: 'alice@contoso.com' }],
  '10-apps.graphql': [{ mailbox: 'alice@contoso.com' }],
  '11-presumed.graphql': [{ mailbox: 'alice@contoso.com' }, { mailbox: 'alice@contoso.com', sessionIds: [ids.S_ATTACK] }],
  '12-notification-list.graphql': [{ mailboxes: ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'] }, { mailboxes: ['alice@contoso.com'], sessionIds: [ids.S_ATTACK] }],
  '13-activity.graphql': [{ from: '2025-03-01T00:00:00Z', to: '2025-03-15T00:00:00Z', mailbox: 'alice@contoso.com' }],
  '14-tags.graphql': [{ ips: [ids.IP_ATTACK_1], apps: [ids.APP_ID], mailbox: 'alice@contoso.com', exclude: ['office-nat'] }],
};

/** What each operation costs today (statements per request, including the API-key lookup): a regression guard. */
const BOUNDS: Record<string, number> = {
  '01-sessions-by-ip.graphql': 10,
  '02-session.graphql': 9,
  '03-pivot.graphql': 7, // seeds + one per hop (3) + sessions + IPs + mailboxes
  '04-exposure.graphql': 8, // one statement per kind of answer: totals, messages, their folders and sessions, syncs, windows...
  '05-message.graphql': 6,
  '06-throttled-mailboxes.graphql': 3,
  '08-records-by-app.graphql': 4,
  '09-mailbox.graphql': 6,
  '10-apps.graphql': 6, // key, mailbox, its apps, their bound messages, apps page with count, their mailboxes
  '11-presumed.graphql': 7, // key, mailbox, presumed counts, presumed page, folders, sessions, unaudited windows + coverage
  '12-notification-list.graphql': 4, // key, mailboxes, unaudited windows, rows (+ count)
  '13-activity.graphql': 1,
  // key, pivot seeds + 2 hops, its sessions, IPs, apps, mailboxes (by session, by id); exposure: mailbox, totals,
  // exclusion counts, coverage, unknown values; IP page with its count; tags list; tags of every kind in one statement
  // per depth at which they are asked (hop objects, pivot mailboxes, the IP page)
  '14-tags.graphql': 21, // + the exposure's synced folders, read for the unknown-folder warning
};

/** Operations beyond the contract files (item details, unknown folders, batch notes), with their bounds. */
const EXTRA: Record<string, { query: string; bound: number }> = {
  'exposure with item details and warnings': {
    query: `{ exposure(mailbox: "bob@contoso.com") { boundMessageCount
      boundMessages(first: 500) { edges { node { internetMessageId internetMessageIdMissing itemId subject accessCount folders { path } } } }
      syncedFolders { syncedAt folder { path unknown } } warnings { code values } } }`,
    bound: 6, // key, mailbox, totals, messages, syncs (with their folders), coverage
  },
  'mailbox accesses with item details': {
    query: `{ mailbox(userPrincipalName: "bob@contoso.com") { messageAccesses(first: 200) { edges { node {
      internetMessageId internetMessageIdMissing itemId subject sensitivityLabels sizeInBytes accessedAt folder { path unknown } } } } } }`,
    bound: 2, // key, the page (folders come with it)
  },
  'import batch notes': {
    query: '{ importBatches(first: 20) { edges { node { warnings notes { code records items examples { line recordId text } } } } } }',
    bound: 1, // notes are columns of the batch
  },
};

/** Operations beyond the contract (dashboard aggregates), with their bounds. COUNTRY/ASN read the window's IPs first. */
const WINDOW = { from: '2025-03-01T00:00:00Z', to: '2025-03-15T00:00:00Z' };
const MORE_OPERATIONS: Record<string, { query: string; variables: Record<string, unknown>; bound: number }> = {
  'activity by COUNTRY': {
    query: 'query($from: DateTime!, $to: DateTime!) { activity(interval: DAY, from: $from, to: $to, groupBy: COUNTRY) { key label buckets { start records messages } } }',
    variables: WINDOW,
    bound: 2,
  },
  'activityTop by CLIENT_IP': {
    query: 'query($from: DateTime!, $to: DateTime!) { activityTop(groupBy: CLIENT_IP, from: $from, to: $to, first: 50) { key messages records operations firstSeen lastSeen } }',
    variables: WINDOW,
    bound: 1,
  },
  'activityTop by ASN in a mailbox': {
    query: 'query($from: DateTime!, $to: DateTime!) { activityTop(groupBy: ASN, from: $from, to: $to, mailbox: "alice@contoso.com") { key label messages records } }',
    variables: WINDOW,
    bound: 2,
  },
  'activityTop by SESSION': {
    query: 'query($from: DateTime!, $to: DateTime!) { activityTop(groupBy: SESSION, from: $from, to: $to, first: 100) { key messages records } }',
    variables: WINDOW,
    bound: 1,
  },
};

async function statementsFor(t: TestServer, file: string, variables: Record<string, unknown>, query = EXTRA[file]?.query ?? contract(file)): Promise<{ count: number; data: any }> {
  const counter = t.db.dataSource.logger as QueryCounter;
  const before = counter.count;
  const { body } = await t.gql(query, variables);
  const count = counter.count - before;
  if (body.errors) throw new Error(`${file} answered errors: ${JSON.stringify(body.errors)}`);
  return { count, data: body.data };
}

describe('SQL statements per contract request do not grow with the data', () => {
  let small: TestServer;
  let large: TestServer;
  beforeAll(async () => {
    [small, large] = await Promise.all([startTestServer(), startTestServer()]);
    await importIncident(small);
    await importIncident(large);
    // The same analyst tags on both: the office NAT, and the app (so tags answers are not all empty).
    for (const t of [small, large]) {
      for (const [kind, target, label] of [['IP', ids.IP_OFFICE, 'office-nat'], ['APP', ids.APP_ID, 'suspicious'], ['MAILBOX', 'alice@contoso.com', 'vip']]) {
        const { body } = await t.gql(`mutation($k: TagTargetKind!, $t: String!, $l: String!) { tag(targetKind: $k, target: $t, label: $l) { label } }`, { k: kind, t: target, l: label });
        expect(body.errors).toBeUndefined();
      }
    }
    const [batch] = await large.importer.importContent(moreOfTheSame(), { orgId: 1, source: 'cli', fileName: 'more.ndjson' });
    expect(batch.status).toBe('SUCCEEDED');
    expect(batch.rejected).toBe(0);
  });
  afterAll(async () => Promise.all([small?.close(), large?.close()]));

  test('every contract operation has variables here', () => {
    expect(Object.keys(VARIABLES).sort()).toEqual(CONTRACT_FILES);
  });

  const report: string[] = [];
  afterAll(() => process.stdout.write(`\nSQL statements per request (fixture / fixture + generated):\n${report.join('\n')}\n`));

  test.each(Object.entries(VARIABLES).flatMap(([file, list]) => list.map((v) => [file, v] as const)))('%s %j', async (file, variables) => {
    const a = await statementsFor(small, file, variables);
    const b = await statementsFor(large, file, variables);
    report.push(`  ${file.padEnd(32)} ${JSON.stringify(variables).slice(0, 60).padEnd(62)} ${a.count} / ${b.count}`);
    expect(b.count).toBe(a.count);
    if (BOUNDS[file]) expect(a.count).toBeLessThanOrEqual(BOUNDS[file]);
    // The larger answer really is larger, so the equality above means something.
    expect(JSON.stringify(b.data).length).toBeGreaterThanOrEqual(JSON.stringify(a.data).length);
  });

  test.each(Object.entries(MORE_OPERATIONS))('%s', async (name, { query, variables, bound }) => {
    const a = await statementsFor(small, name, variables, query);
    const b = await statementsFor(large, name, variables, query);
    report.push(`  ${name.padEnd(32)} ${JSON.stringify(variables).slice(0, 60).padEnd(62)} ${a.count} / ${b.count}`);
    expect(b.count).toBe(a.count);
    expect(a.count).toBeLessThanOrEqual(bound);
    expect(JSON.stringify(b.data).length).toBeGreaterThan(JSON.stringify(a.data).length);
  });

  // The REST mirror runs the same resolvers: one page of each route costs the same on both databases (bounds: as
  // measured, API-key lookup included).
  const REST: [string, number][] = [
    [`/ips/${ids.IP_OFFICE}/sessions`, 6],
    [`/sessions/${ids.S_ATTACK}`, 5],
    [`/sessions/${ids.S_ATTACK}/messages`, 5],
    ['/mailboxes/alice@contoso.com', 2],
    ['/mailboxes/alice@contoso.com/exposure', 9],
    [`/messages/${encodeURIComponent(SHARED)}`, 5],
    [`/pivot?ip=${ids.IP_ATTACK_1}&hops=3`, 7],
    ['/timeline?mailbox=alice@contoso.com', 4],
    ['/activity?interval=DAY&from=2025-03-01T00:00:00Z&to=2025-03-15T00:00:00Z&mailbox=alice@contoso.com', 1],
    ['/apps', 3],
  ];
  test.each(REST)('REST %s', async (path, bound) => {
    const counted = async (t: TestServer) => {
      const counter = t.db.dataSource.logger as QueryCounter;
      const before = counter.count;
      const response = await fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${t.key}` } });
      const body = await response.text();
      expect([path, response.status]).toEqual([path, 200]);
      return { count: counter.count - before, size: body.length };
    };
    const a = await counted(small);
    const b = await counted(large);
    report.push(`  REST ${path.slice(0, 60).padEnd(89)} ${a.count} / ${b.count}`);
    expect(b.count).toBe(a.count);
    expect(a.count).toBeLessThanOrEqual(bound);
    expect(b.size).toBeGreaterThanOrEqual(a.size);
  });

  test('Message.subject / sender / recipients / details (message trace and eDiscovery rows): the same statements for 1 row or 60', async () => {
    const trace = (recipients: number) =>
      ['Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,MessageId,MessageTraceId']
        .concat(Array.from({ length: recipients }, (_, i) => `2025-03-07T09:00:00Z,ceo@contoso.com,user${i}@contoso.com,Board pack,Delivered,,10.0.0.5,4096,${SHARED},5b6c5a4e-0000-4000-8000-00000000000${i % 10}`))
        .join('\n');
    const items = ['Email_message_ID,Email_subject,Email_sender,Email_recipients,Location_name,Compound_path']
      .concat(['alice', 'bob', 'carol'].map((u) => `${SHARED},Board pack,CEO <ceo@contoso.com>,alice@contoso.com; bob@contoso.com,${u}@contoso.com,${u}@contoso.com/Inbox/Board pack.msg`))
      .join('\n');
    await small.importer.importContent(trace(1), { orgId: 1, source: 'cli', fileName: 'trace.csv' });
    await large.importer.importContent(trace(60), { orgId: 1, source: 'cli', fileName: 'trace.csv' });
    await large.importer.importContent(items, { orgId: 1, source: 'cli', fileName: 'items.csv' });
    const query = `query($id: String!) { message(internetMessageId: $id) { subject sender recipients
      details { source subject recipients receivedAt folderPath line importBatch { fileName format } } } }`;
    const counter = (t: TestServer) => t.db.dataSource.logger as QueryCounter;
    const ask = async (t: TestServer) => {
      const before = counter(t).count;
      const { body } = await t.gql(query, { id: SHARED });
      expect(body.errors).toBeUndefined();
      return { count: counter(t).count - before, message: body.data.message };
    };
    const a = await ask(small);
    const b = await ask(large);
    report.push(`  ${'message details'.padEnd(32)} ${'1 trace row / 60 trace rows + 3 eDiscovery items'.padEnd(62)} ${a.count} / ${b.count}`);
    expect(a.message.details).toHaveLength(1);
    expect(b.message.details).toHaveLength(63);
    expect(b.message).toMatchObject({ subject: 'Board pack', sender: 'CEO <ceo@contoso.com>', recipients: ['alice@contoso.com', 'bob@contoso.com'] });
    expect(b.count).toBe(a.count);
    expect(a.count).toBeLessThanOrEqual(3); // message, its detail rows, their import batches
  });

  test.each(Object.keys(EXTRA))('%s', async (name) => {
    const a = await statementsFor(small, name, {});
    const b = await statementsFor(large, name, {});
    report.push(`  ${name.padEnd(32)} ${''.padEnd(62)} ${a.count} / ${b.count}`);
    expect(b.count).toBe(a.count);
    expect(a.count).toBeLessThanOrEqual(EXTRA[name].bound);
    expect(JSON.stringify(b.data).length).toBeGreaterThan(JSON.stringify(a.data).length);
  });

  test('the generated data makes the answers bigger: 100 office sessions, many attacker IPs, more app records', async () => {
    const office = (await statementsFor(large, '01-sessions-by-ip.graphql', { ip: ids.IP_OFFICE })).data.clientIp.sessions;
    expect(office.edges).toHaveLength(100);
    expect(office.totalCount).toBe(4 + OFFICE_SESSIONS);
    const attack = (await statementsFor(large, '02-session.graphql', { sessionId: ids.S_ATTACK })).data.session;
    expect(attack.clientIps.length).toBe(expected.sessions[ids.S_ATTACK].clientIps.length + 12);
    expect(attack.syncedFolders).toHaveLength(12);
    const app = (await statementsFor(large, '08-records-by-app.graphql', { appId: ids.APP_ID })).data.auditRecords;
    expect(app.totalCount).toBe(63);
    const throttled = (await statementsFor(large, '06-throttled-mailboxes.graphql', {})).data.mailboxes;
    expect(throttled.totalCount).toBe(26);
  });
});
