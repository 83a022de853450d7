/**
 * Analyst tags (issue 10): set through the API (by the key's name) and the CLI ('cli'), shown on every object,
 * filtering the lists, and leaving an office NAT out of a pivot and an exposure, with what was left out counted.
 * Also the windowed lists: with from/to, a mailbox's IPs and sessions are those with records in the window.
 * Fixture built here, answers known by construction, imported by the real importer, asked over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiKeyStore } from '../../src/api/http/auth';
import { runCli } from '../support/cli';
import { startTestServer, type TestServer } from '../support/server';

const OFFICE_NAT = '198.51.100.50';
const ATTACKER_IP = '203.0.113.66';
const ATTACK = 'a7a7a7a7-1111-4222-8333-000000000001';
const OFFICE = ['0f0f0f0f-1111-4222-8333-000000000001', '0f0f0f0f-1111-4222-8333-000000000002', '0f0f0f0f-1111-4222-8333-000000000003'];
const READER_APP = 'b0b0b0b0-2222-4333-8444-555555555555';

let n = 0;
function bind(mailbox: string, at: string, sessionId: string | null, ip: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  n += 1;
  return {
    CreationTime: at,
    Id: `7a600000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    Operation: 'MailItemsAccessed',
    OrganizationId: 'f0f0f0f0-0000-4000-8000-000000000001',
    RecordType: 50,
    UserType: 0,
    Workload: 'Exchange',
    UserId: mailbox,
    MailboxOwnerUPN: mailbox,
    ClientIPAddress: ip,
    ...(sessionId ? { SessionId: sessionId } : {}),
    OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }, { Name: 'IsThrottled', Value: 'False' }],
    Folders: [{ Id: 'inbox-id', Path: '\\Inbox', FolderItems: [{ InternetMessageId: `<t${n}@example.com>` }] }],
    OperationCount: 1,
    ...extra,
  };
}

const RECORDS = [
  // Three office sessions behind the NAT, days 1 and 3 (none on day 2).
  bind('alice@example.com', '2025-06-01T09:00:00', OFFICE[0], OFFICE_NAT),
  bind('alice@example.com', '2025-06-03T09:00:00', OFFICE[0], OFFICE_NAT),
  bind('bob@example.com', '2025-06-01T09:10:00', OFFICE[1], `${OFFICE_NAT}:51515`),
  bind('carol@example.com', '2025-06-01T09:20:00', OFFICE[2], OFFICE_NAT),
  // The attacker's session reads alice from its own exit on day 2, and through the office NAT on day 3.
  bind('alice@example.com', '2025-06-02T03:00:00', ATTACK, ATTACKER_IP),
  bind('alice@example.com', '2025-06-02T03:05:00', ATTACK, ATTACKER_IP),
  bind('alice@example.com', '2025-06-03T03:00:00', ATTACK, OFFICE_NAT),
  // An app-only reader of alice.
  bind('alice@example.com', '2025-06-04T00:00:00', null, '20.190.1.1', {
    UserType: 5, UserId: 'ServicePrincipal_1', AppId: READER_APP, ClientAppId: READER_APP,
  }),
];

describe('analyst tags', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-tags-'));
    const file = path.join(dir, 'tags.ndjson');
    fs.writeFileSync(file, RECORDS.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const [batch] = await t.importer.importFile(file, { orgId: 1, source: 'cli' });
    expect(batch.status).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function ok(query: string, variables: Record<string, unknown> = {}, key?: string) {
    const { body } = await t.gql(query, variables, key ? { key } : undefined);
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  const TAG = `mutation($k: TagTargetKind!, $t: String!, $l: String!, $note: String) { tag(targetKind: $k, target: $t, label: $l, note: $note) {
    targetKind target label note createdBy createdAt } }`;
  const UNTAG = `mutation($k: TagTargetKind!, $t: String!, $l: String!) { untag(targetKind: $k, target: $t, label: $l) }`;

  describe('setting and showing tags', () => {
    afterAll(async () => {
      for (const [k, target, l] of [['IP', OFFICE_NAT, 'office-nat'], ['SESSION', ATTACK, 'malicious'], ['APP', READER_APP, 'suspicious'], ['MAILBOX', 'alice@example.com', 'vip']]) {
        await ok(UNTAG, { k, t: target, l });
      }
    });

    test('a tag records its canonical target, lower-case label, note, and the API key that set it', async () => {
      const { tag } = await ok(TAG, { k: 'IP', t: `[${OFFICE_NAT}]:443`, l: 'Office-NAT', note: 'HQ egress' });
      expect(tag).toMatchObject({ targetKind: 'IP', target: OFFICE_NAT, label: 'office-nat', note: 'HQ egress', createdBy: 'test admin' });
      expect(Date.now() - Date.parse(tag.createdAt)).toBeLessThan(60_000);
      // A session id in another case names the stored session.
      expect((await ok(TAG, { k: 'SESSION', t: ATTACK.toUpperCase(), l: 'malicious' })).tag.target).toBe(ATTACK);
      await ok(TAG, { k: 'APP', t: `{${READER_APP.toUpperCase()}}`, l: 'suspicious' });
      await ok(TAG, { k: 'MAILBOX', t: 'Alice@Example.com', l: 'vip', note: 'CFO' });
      // Tagging again replaces the note; it does not add a second tag.
      await ok(TAG, { k: 'MAILBOX', t: 'alice@example.com', l: 'VIP', note: 'the CFO' });
      const { tags } = await ok(`{ tags { targetKind target label note } }`);
      expect(tags).toHaveLength(4);
      expect(tags).toContainEqual({ targetKind: 'MAILBOX', target: 'alice@example.com', label: 'vip', note: 'the CFO' });
    });

    test('tags show on every object, in one statement whatever their number', async () => {
      const { clientIp, session, app, mailbox } = await ok(`query($ip: String!, $s: String!, $a: String!) {
        clientIp(address: $ip) { tags { label } sessions { edges { node { sessionId tags { label } } } } }
        session(sessionId: $s) { tags { label createdBy } clientIps { address tags { label } } }
        app(appId: $a) { tags { label } }
        mailbox(userPrincipalName: "alice@example.com") { tags { label note } apps { tags { label } } } }`, { ip: OFFICE_NAT, s: ATTACK, a: READER_APP });
      expect(clientIp.tags).toEqual([{ label: 'office-nat' }]);
      const bySession = Object.fromEntries(clientIp.sessions.edges.map((e: any) => [e.node.sessionId, e.node.tags]));
      expect(bySession).toEqual({ [OFFICE[0]]: [], [OFFICE[1]]: [], [OFFICE[2]]: [], [ATTACK]: [{ label: 'malicious' }] });
      expect(session.tags).toEqual([{ label: 'malicious', createdBy: 'test admin' }]);
      expect(session.clientIps).toEqual([{ address: ATTACKER_IP, tags: [] }, { address: OFFICE_NAT, tags: [{ label: 'office-nat' }] }]);
      expect(app.tags).toEqual([{ label: 'suspicious' }]);
      expect(mailbox.tags).toEqual([{ label: 'vip', note: 'the CFO' }]);
      expect(mailbox.apps).toEqual([{ tags: [{ label: 'suspicious' }] }]);
    });

    test('tagged / notTagged filter the lists', async () => {
      const ips = (f: object) => ok(`query($f: ClientIpFilter) { clientIps(filter: $f) { totalCount edges { node { address } } } }`, { f }).then((d) => d.clientIps);
      expect((await ips({ notTagged: ['office-nat'] })).edges.map((e: any) => e.node.address).sort()).toEqual(['20.190.1.1', ATTACKER_IP]);
      expect((await ips({ tagged: ['OFFICE-NAT', 'malicious'] })).edges).toEqual([{ node: { address: OFFICE_NAT } }]);
      expect((await ips({ mailbox: 'alice@example.com', notTagged: ['office-nat'] })).totalCount).toBe(2);
      const sessions = (f: object) => ok(`query($f: SessionFilter) { sessions(filter: $f) { totalCount edges { node { sessionId } } } }`, { f }).then((d) => d.sessions);
      expect((await sessions({ clientIp: OFFICE_NAT, tagged: ['malicious'] })).edges).toEqual([{ node: { sessionId: ATTACK } }]);
      expect((await sessions({ clientIp: OFFICE_NAT, notTagged: ['malicious'] })).totalCount).toBe(3);
      // Sessions by IP and by mailbox, as the headline question asks them.
      const { clientIp, mailbox } = await ok(`{ clientIp(address: "${OFFICE_NAT}") { all: sessions { totalCount } office: sessions(notTagged: ["malicious"]) { totalCount } }
        mailbox(userPrincipalName: "alice@example.com") { sessions(tagged: ["malicious"]) { edges { node { sessionId } } } } }`);
      expect(clientIp).toEqual({ all: { totalCount: 4 }, office: { totalCount: 3 } });
      expect(mailbox.sessions.edges).toEqual([{ node: { sessionId: ATTACK } }]);
      const { mailboxes } = await ok(`{ mailboxes(filter: { tagged: ["vip"] }) { edges { node { userPrincipalName } } } }`);
      expect(mailboxes.edges).toEqual([{ node: { userPrincipalName: 'alice@example.com' } }]);
      expect((await ok(`{ mailboxes(filter: { notTagged: ["vip"] }) { totalCount } }`)).mailboxes.totalCount).toBe(2);
      expect((await ok(`{ apps(tagged: ["suspicious"]) { totalCount } }`)).apps.totalCount).toBe(1);
      expect((await ok(`{ apps(notTagged: ["suspicious"]) { totalCount } }`)).apps.totalCount).toBe(0);
    });

    test('a reader key may not tag; untag says whether there was a tag', async () => {
      const reader = await new ApiKeyStore(t.db.dataSource).create({ name: 'tag reader', role: 'reader' });
      const refused = await t.gql(TAG, { k: 'IP', t: ATTACKER_IP, l: 'malicious' }, { key: reader });
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await ok(`{ clientIp(address: "${ATTACKER_IP}") { tags { label } } }`)).clientIp.tags).toEqual([]);
      const importer = await new ApiKeyStore(t.db.dataSource).create({ name: 'analyst jo', role: 'importer' });
      expect((await ok(TAG, { k: 'IP', t: ATTACKER_IP, l: 'malicious' }, importer)).tag.createdBy).toBe('analyst jo');
      expect((await ok(UNTAG, { k: 'IP', t: ATTACKER_IP, l: 'malicious' })).untag).toBe(true);
      expect((await ok(UNTAG, { k: 'IP', t: ATTACKER_IP, l: 'malicious' })).untag).toBe(false);
    });

    test('nonsense is refused with a message that says what to fix', async () => {
      const { body } = await t.gql(TAG, { k: 'IP', t: '  ', l: 'malicious' });
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(body.errors[0].message).toMatch(/target is empty/);
      const long = await t.gql(TAG, { k: 'IP', t: ATTACKER_IP, l: 'x'.repeat(65) });
      expect(long.body.errors[0].message).toMatch(/label must be 1-64 printable characters/);
    });
  });

  describe('excludeTagged: everything but the office NAT', () => {
    beforeAll(async () => {
      await ok(TAG, { k: 'IP', t: OFFICE_NAT, l: 'office-nat' });
    });
    afterAll(async () => {
      await ok(UNTAG, { k: 'IP', t: OFFICE_NAT, l: 'office-nat' });
    });

    const PIVOT = `query($ex: [String!]) { pivot(seed: { clientIps: ["${ATTACKER_IP}"] }, maxHops: 3, excludeTagged: $ex) {
      sessions { sessionId } clientIps { address } mailboxes { userPrincipalName }
      excluded { labels clientIpCount sessionCount appCount } } }`;

    test('without it the NAT links the attacker to every office session; with it the pivot stops there and says so', async () => {
      const all = (await ok(PIVOT)).pivot;
      expect(all.sessions.map((s: any) => s.sessionId).sort()).toEqual([ATTACK, ...OFFICE].sort());
      expect(all.mailboxes).toHaveLength(3);
      expect(all.excluded).toBeNull();
      const { pivot } = await ok(PIVOT, { ex: ['office-nat'] });
      expect(pivot.sessions).toEqual([{ sessionId: ATTACK }]);
      expect(pivot.clientIps).toEqual([{ address: ATTACKER_IP }]);
      expect(pivot.mailboxes).toEqual([{ userPrincipalName: 'alice@example.com' }]);
      expect(pivot.excluded).toEqual({ labels: ['office-nat'], clientIpCount: 1, sessionCount: 0, appCount: 0 });
    });

    test('exposure leaves the tagged records out, counts them and warns', async () => {
      const q = `query($ex: [String!]) { exposure(mailbox: "alice@example.com", excludeTagged: $ex) { boundMessageCount
        excluded { labels recordCount clientIpCount sessionCount appCount } warnings { code values } } }`;
      const all = (await ok(q)).exposure;
      expect(all.boundMessageCount).toBe(6);
      expect(all.excluded).toBeNull();
      const { exposure } = await ok(q, { ex: ['office-nat'] });
      expect(exposure.boundMessageCount).toBe(3);
      expect(exposure.excluded).toEqual({ labels: ['office-nat'], recordCount: 3, clientIpCount: 1, sessionCount: 0, appCount: 0 });
      expect(exposure.warnings).toContainEqual({ code: 'EXCLUDED_BY_TAG', values: ['office-nat'] });
      // A tagged session or app is left out the same way.
      await ok(TAG, { k: 'APP', t: READER_APP, l: 'benign' });
      const noApp = (await ok(q, { ex: ['benign'] })).exposure;
      expect(noApp.boundMessageCount).toBe(5);
      expect(noApp.excluded).toMatchObject({ recordCount: 1, appCount: 1 });
      await ok(UNTAG, { k: 'APP', t: READER_APP, l: 'benign' });
    });
  });

  describe('windowed lists are based on records in the window', () => {
    const DAY2 = { from: '2025-06-02T00:00:00Z', to: '2025-06-02T23:59:59Z' };

    test("a mailbox's IPs and sessions in a window: the office NAT (records on days 1 and 3, none on day 2) is not listed", async () => {
      const { clientIps } = await ok(`query($f: ClientIpFilter) { clientIps(filter: $f) { edges { node { address } } } }`, { f: { mailbox: 'alice@example.com', ...DAY2 } });
      expect(clientIps.edges).toEqual([{ node: { address: ATTACKER_IP } }]);
      const { sessions } = await ok(`query($f: SessionFilter) { sessions(filter: $f) { edges { node { sessionId } } } }`, { f: { mailbox: 'alice@example.com', ...DAY2 } });
      expect(sessions.edges).toEqual([{ node: { sessionId: ATTACK } }]);
      const { mailbox } = await ok(`query($from: DateTime, $to: DateTime) { mailbox(userPrincipalName: "alice@example.com") {
        sessions(from: $from, to: $to) { edges { node { sessionId } } } } }`, DAY2);
      expect(mailbox.sessions.edges).toEqual([{ node: { sessionId: ATTACK } }]);
      const { clientIp } = await ok(`query($from: DateTime, $to: DateTime) { clientIp(address: "${OFFICE_NAT}") {
        sessions(from: $from, to: $to) { totalCount } } }`, DAY2);
      expect(clientIp.sessions.totalCount).toBe(0);
      // Without a window everything is listed; day 3 brings the office back.
      expect((await ok(`{ clientIps(filter: { mailbox: "alice@example.com" }) { totalCount } }`)).clientIps.totalCount).toBe(3);
      const day3 = await ok(`{ clientIps(filter: { mailbox: "alice@example.com", from: "2025-06-03T00:00:00Z", to: "2025-06-03T23:59:59Z" }) { edges { node { address } } } }`);
      expect(day3.clientIps.edges).toEqual([{ node: { address: OFFICE_NAT } }]);
    });
  });

  describe('the CLI', () => {
    const cli = (...args: string[]) => runCli(['tag', ...args], { env: { DATABASE_URL: t.db.url } });

    test("tag add | list | remove, recorded as set by 'cli'", async () => {
      const added = await cli('add', 'ip', `${OFFICE_NAT}:443`, 'office-nat', '--note', 'HQ');
      expect(added).toMatchObject({ code: 0, stdout: `tagged IP ${OFFICE_NAT} office-nat\n` });
      const { clientIp } = await ok(`{ clientIp(address: "${OFFICE_NAT}") { tags { label note createdBy } } }`);
      expect(clientIp.tags).toEqual([{ label: 'office-nat', note: 'HQ', createdBy: 'cli' }]);
      const listed = await cli('list', '--json');
      expect(JSON.parse(listed.stdout)).toMatchObject([{ targetKind: 'IP', target: OFFICE_NAT, label: 'office-nat', createdBy: 'cli' }]);
      expect((await cli('list')).stdout).toMatch(new RegExp(`IP\\s+${OFFICE_NAT.replace(/\./g, '\\.')}\\s+office-nat\\s+cli`));
      expect(await cli('remove', 'IP', OFFICE_NAT, 'office-nat')).toMatchObject({ code: 0 });
      expect(await cli('remove', 'IP', OFFICE_NAT, 'office-nat')).toMatchObject({ code: 1, stderr: expect.stringMatching(/carries no tag/) });
      expect(await cli('add', 'host', 'x', 'y')).toMatchObject({ code: 2, stderr: expect.stringMatching(/the kind must be one of IP, SESSION, APP, MAILBOX/) });
    });
  });
});
