/**
 * Every access attributed (issue 10): fixtures built here with answers known by construction, imported by the
 * real importer, asked over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';

const OWA_AAD = '0a0a0a0a-1111-4222-8333-444444444444';
const EXCHANGE = '5e5e5e5e-1111-4222-8333-555555555555';
const BOTH_AAD = '6b6b6b6b-1111-4222-8333-666666666666';
/** An unknown app reading two mailboxes with its own identity (consent phishing). */
const GRAPH_READER = 'a11a11a1-2222-4333-8444-555555555555';
/** A known Microsoft app id (shipped list): Graph Explorer, used by a signed-in user. */
const GRAPH_EXPLORER = 'de8bc8b5-d9f9-48b1-a8ad-b748da725064';
const EXPLORER_SESSION = '7c7c7c7c-1111-4222-8333-777777777777';
const REST_SESSION = '8d8d8d8d-1111-4222-8333-888888888888';
const UNRELATED_SESSION = '9e9e9e9e-1111-4222-8333-999999999999';
const EXCHANGE_APP = '00000002-0000-0ff1-ce00-000000000000';
const LOCAL_SESSION = 'a0a0a0a0-1111-4222-8333-aaaaaaaaaaaa';

let n = 0;
/** A Bind MailItemsAccessed record of `mailbox` reading one message, with `extra` fields on top. */
function bind(mailbox: string, at: string, extra: Record<string, unknown>): Record<string, unknown> {
  n += 1;
  return {
    CreationTime: at,
    Id: `7e570000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    Operation: 'MailItemsAccessed',
    OrganizationId: 'f0f0f0f0-0000-4000-8000-000000000001',
    RecordType: 50,
    UserType: 0,
    Workload: 'Exchange',
    UserId: mailbox,
    MailboxOwnerUPN: mailbox,
    ClientIPAddress: '198.51.100.7',
    LogonType: 0,
    OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }, { Name: 'IsThrottled', Value: 'False' }],
    Folders: [{ Id: 'inbox-id', Path: '\\Inbox', FolderItems: [{ InternetMessageId: `<m${n}@example.com>` }] }],
    OperationCount: 1,
    ...extra,
  };
}

const RECORDS = [
  // An OWA session known only by its Entra sign-in, hopping two IPs.
  bind('victim@example.com', '2025-05-01T10:00:00', { ClientInfoString: 'Client=OWA;Action=ViaProxy', AppId: EXCHANGE_APP, AppAccessContext: { AADSessionId: OWA_AAD, UniqueTokenId: 'tokA' } }),
  bind('victim@example.com', '2025-05-01T10:05:00', { ClientIPAddress: '198.51.100.8', AADSessionId: OWA_AAD }),
  // One record with both ids: an Exchange session linked to its sign-in.
  bind('victim@example.com', '2025-05-01T11:00:00', { SessionId: EXCHANGE, ClientIPAddress: '192.0.2.50', AppAccessContext: { AADSessionId: BOTH_AAD } }),
  // Placeholder ids in two unrelated mailboxes never form a session.
  bind('one@example.com', '2025-05-02T09:00:00', { SessionId: 'ANONYMIZED', ClientIPAddress: '203.0.113.1' }),
  bind('two@example.com', '2025-05-02T09:30:00', { SessionId: 'ANONYMIZED', ClientIPAddress: '203.0.113.2' }),
  bind('one@example.com', '2025-05-02T10:00:00', { SessionId: '00000000-0000-0000-0000-000000000000', ClientIPAddress: '203.0.113.1' }),
  bind('two@example.com', '2025-05-02T10:30:00', { AppAccessContext: { AADSessionId: '<REDACTED>' }, ClientIPAddress: '203.0.113.2' }),
  // App-only Graph reads of two mailboxes: no session, a service principal as UserId.
  ...['victim@example.com', 'other@example.com', 'victim@example.com'].map((mailbox, i) =>
    bind(mailbox, `2025-05-03T0${i}:00:00`, {
      UserType: 5, UserId: 'ServicePrincipal_9f9f9f9f-0000-4000-8000-000000000001', ClientIPAddress: '20.190.1.1',
      ClientInfoString: 'Client=REST;Client=RESTSystem;;', AppId: GRAPH_READER.toUpperCase(), ClientAppId: GRAPH_READER.toUpperCase(),
    })),
  // A delegate reading her boss's mailbox, and her own.
  bind('boss@example.com', '2025-05-05T09:00:00', { UserId: 'Assistant@example.com', LogonType: 2, ClientIPAddress: '192.0.2.77' }),
  bind('assistant@example.com', '2025-05-05T09:10:00', { UserId: 'assistant@example.com', LogonType: 0, ClientIPAddress: '8.8.8.8' }),
  // A REST session from a Microsoft back-end address reads victim; an unrelated tenant user's session shares that address.
  bind('victim@example.com', '2025-05-06T03:00:00', { SessionId: REST_SESSION, ClientIPAddress: '203.0.113.200' }),
  bind('victim@example.com', '2025-05-06T03:05:00', { SessionId: REST_SESSION, ClientIPAddress: '2603:10b6:930:3d::9', ClientInfoString: 'Client=REST;Client=RESTSystem;;' }),
  bind('unrelated@example.com', '2025-05-06T04:00:00', { SessionId: UNRELATED_SESSION, ClientIPAddress: '[2603:10b6:930:3d::9]:443' }),
  // Client addresses that are not IPs: kept as written, findable, never followed.
  bind('victim@example.com', '2025-05-07T01:00:00', { SessionId: LOCAL_SESSION, ClientIPAddress: 'localhost' }),
  bind('victim@example.com', '2025-05-07T01:05:00', { SessionId: LOCAL_SESSION, ClientIPAddress: 'fe80::1%eth0' }),
  // A delegated app used by victim herself.
  bind('victim@example.com', '2025-05-04T08:00:00', { UserType: 'Regular', SessionId: EXPLORER_SESSION, ClientIPAddress: '192.0.2.99', AppAccessContext: { ClientAppId: GRAPH_EXPLORER } }),
];

describe('every access attributed', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-attribution-'));
    const file = path.join(dir, 'attribution.ndjson');
    fs.writeFileSync(file, RECORDS.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const [batch] = await t.importer.importFile(file, { orgId: 1, source: 'cli' });
    expect(batch.status).toBe('SUCCEEDED');
    expect(batch.warnings.join('\n')).toMatch(/4 records: session id is a placeholder/);
    expect(batch.warnings.join('\n')).toMatch(/2 records: client address is not an IP address; kept as written \(a ClientIp of kind NOT_AN_IP\)/);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function ok(query: string, variables: Record<string, unknown> = {}) {
    const { body } = await t.gql(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  const SESSION = `query($id: String!) { session(sessionId: $id) { sessionId kind entraSessionId recordCount
    clientIps { address } mailboxes { userPrincipalName } } }`;

  describe('sessions', () => {
    test('an OWA session identified only by AADSessionId (top level or AppAccessContext) spans both of its IPs', async () => {
      const { session } = await ok(SESSION, { id: OWA_AAD.toUpperCase() });
      expect(session).toEqual({
        sessionId: OWA_AAD,
        kind: 'ENTRA',
        entraSessionId: null,
        recordCount: 2,
        clientIps: [{ address: '198.51.100.7' }, { address: '198.51.100.8' }],
        mailboxes: [{ userPrincipalName: 'victim@example.com' }],
      });
      const { clientIp } = await ok(`{ clientIp(address: "198.51.100.8") { sessions { edges { node { sessionId kind } } } } }`);
      expect(clientIp.sessions.edges).toEqual([{ node: { sessionId: OWA_AAD, kind: 'ENTRA' } }]);
      const { auditRecords } = await ok(`query($s: String) { auditRecords(filter: { sessionId: $s }) { edges { node { uniqueTokenId } } } }`, { s: OWA_AAD });
      expect(auditRecords.edges.map((e: any) => e.node.uniqueTokenId)).toEqual(['tokA', null]);
    });

    test('a record with both ids: the Exchange session names its Entra sign-in, and either id finds it', async () => {
      const want = { sessionId: EXCHANGE, kind: 'EXCHANGE', entraSessionId: BOTH_AAD, recordCount: 1 };
      expect((await ok(SESSION, { id: EXCHANGE })).session).toMatchObject(want);
      expect((await ok(SESSION, { id: BOTH_AAD })).session).toMatchObject(want);
    });

    test('placeholder ids never form a session: ANONYMIZED no longer merges two mailboxes', async () => {
      for (const id of ['ANONYMIZED', '00000000-0000-0000-0000-000000000000', '<REDACTED>', '']) {
        expect((await ok(SESSION, { id })).session).toBeNull();
      }
      const { sessions } = await ok(`{ sessions(first: 50) { totalCount edges { node { sessionId } } } }`);
      expect(sessions.edges.map((e: any) => e.node.sessionId).sort()).toEqual([EXCHANGE, OWA_AAD, EXPLORER_SESSION, REST_SESSION, UNRELATED_SESSION, LOCAL_SESSION].sort());
      const { exposure } = await ok(`{ exposure(mailbox: "one@example.com") { boundMessageCount } }`);
      expect(exposure.boundMessageCount).toBe(2);
    });

    test('exposure filtered by an Entra session id counts that session\'s reads', async () => {
      const { exposure } = await ok(`query($s: [String!]) { exposure(mailbox: "victim@example.com", sessionIds: $s) { boundMessageCount } }`, { s: [OWA_AAD] });
      expect(exposure.boundMessageCount).toBe(2);
    });

    test('pivot from an IP of the Entra session crosses to its other IP', async () => {
      const { pivot } = await ok(`{ pivot(seed: { clientIps: ["198.51.100.7"] }, maxHops: 2) { sessions { sessionId } clientIps { address } } }`);
      expect(pivot.sessions.map((s: any) => s.sessionId)).toEqual([OWA_AAD]);
      expect(pivot.clientIps.map((c: any) => c.address).sort()).toEqual(['198.51.100.7', '198.51.100.8']);
    });
  });

  describe('applications', () => {
    const APPS = `query($m: String!) { mailbox(userPrincipalName: $m) { apps { appId displayName appOnly recordCount boundMessageCount } } }`;

    test('the app-only reader is found from the victim mailbox, with what it did and to whom', async () => {
      const { mailbox } = await ok(APPS, { m: 'victim@example.com' });
      const byId = Object.fromEntries(mailbox.apps.map((a: any) => [a.appId, a]));
      expect(Object.keys(byId).sort()).toEqual([EXCHANGE_APP, GRAPH_EXPLORER, GRAPH_READER].sort());
      expect(byId[GRAPH_READER]).toEqual({ appId: GRAPH_READER, displayName: null, appOnly: true, recordCount: 3, boundMessageCount: 3 });
      expect(byId[GRAPH_EXPLORER]).toEqual({ appId: GRAPH_EXPLORER, displayName: 'Graph Explorer', appOnly: false, recordCount: 1, boundMessageCount: 1 });
      expect(byId[EXCHANGE_APP]).toMatchObject({ displayName: 'Office 365 Exchange Online', appOnly: false });
      const { app } = await ok(`query($id: String!) { app(appId: $id) { appId firstSeen lastSeen mailboxes { userPrincipalName } } }`, { id: `{${GRAPH_READER.toUpperCase()}}` });
      expect(app).toEqual({
        appId: GRAPH_READER,
        firstSeen: '2025-05-03T00:00:00.000Z',
        lastSeen: '2025-05-03T02:00:00.000Z',
        mailboxes: [{ userPrincipalName: 'other@example.com' }, { userPrincipalName: 'victim@example.com' }],
      });
    });

    test('apps(mailbox, from, to) keeps apps with records in that mailbox in the window', async () => {
      const q = `query($m: String, $from: DateTime, $to: DateTime) { apps(first: 10, mailbox: $m, from: $from, to: $to) { totalCount edges { node { appId } } } }`;
      const other = (await ok(q, { m: 'other@example.com' })).apps;
      expect(other.edges.map((e: any) => e.node.appId)).toEqual([GRAPH_READER]);
      const day4 = (await ok(q, { m: 'victim@example.com', from: '2025-05-04T00:00:00Z' })).apps;
      expect(day4.edges.map((e: any) => e.node.appId)).toEqual([GRAPH_EXPLORER]);
      expect((await ok(q, {})).apps.totalCount).toBe(3);
    });

    test('the app-only reader is found by pivot: app -> the mailboxes it read -> the other apps and sessions there', async () => {
      const q = `query($apps: [String!]) { pivot(seed: { appIds: $apps }, maxHops: 1) {
        hops { hop apps { appId appOnly } mailboxes { userPrincipalName } sessions { sessionId } }
        apps { appId } mailboxes { userPrincipalName } truncated } }`;
      const { pivot } = await ok(q, { apps: [`{${GRAPH_READER.toUpperCase()}}`] });
      expect(pivot.hops[0]).toEqual({ hop: 0, apps: [{ appId: GRAPH_READER, appOnly: true }], mailboxes: [], sessions: [] });
      expect(pivot.hops[1].mailboxes).toEqual([{ userPrincipalName: 'other@example.com' }, { userPrincipalName: 'victim@example.com' }]);
      expect(pivot.hops[1].apps.map((a: any) => a.appId).sort()).toEqual([EXCHANGE_APP, GRAPH_EXPLORER].sort());
      expect(pivot.hops[1].sessions.map((s: any) => s.sessionId).sort()).toEqual([OWA_AAD, EXCHANGE, EXPLORER_SESSION, REST_SESSION, LOCAL_SESSION].sort());
      expect(pivot.apps.map((a: any) => a.appId).sort()).toEqual([EXCHANGE_APP, GRAPH_EXPLORER, GRAPH_READER].sort());
      expect(pivot.mailboxes).toEqual([{ userPrincipalName: 'other@example.com' }, { userPrincipalName: 'victim@example.com' }]);
      expect(pivot.truncated).toBe(false);
      // From the victim's own session the other way round: its mailbox's apps are reached only through an app seed.
      const { pivot: unknown } = await ok(q, { apps: ['not-an-app-we-saw'] });
      expect(unknown.hops).toEqual([{ hop: 0, apps: [], mailboxes: [], sessions: [] }]);
    });

    test('a message access and a session name their app', async () => {
      const { mailbox } = await ok(`{ mailbox(userPrincipalName: "other@example.com") { messageAccesses { edges { node { app { appId appOnly } session { sessionId } } } } } }`);
      expect(mailbox.messageAccesses.edges).toEqual([{ node: { app: { appId: GRAPH_READER, appOnly: true }, session: null } }]);
      const { session } = await ok(`{ session(sessionId: "${EXPLORER_SESSION}") { apps { appId } } }`);
      expect(session.apps).toEqual([{ appId: GRAPH_EXPLORER }]);
    });
  });

  describe('actors', () => {
    test('what did an account read in other people\'s mailboxes: UserId plus logon type', async () => {
      const q = `query($f: AuditRecordFilter) { auditRecords(filter: $f) { edges { node { userId logonType logonKind mailbox { userPrincipalName }
        messageAccesses { logonType } } } } }`;
      const other = (await ok(q, { f: { userId: 'ASSISTANT@example.com', logonTypes: ['DELEGATE', 'ADMIN'] } })).auditRecords.edges;
      expect(other).toEqual([{ node: { userId: 'Assistant@example.com', logonType: 2, logonKind: 'DELEGATE', mailbox: { userPrincipalName: 'boss@example.com' }, messageAccesses: [{ logonType: 'DELEGATE' }] } }]);
      const all = (await ok(q, { f: { userId: 'assistant@example.com' } })).auditRecords.edges;
      expect(all.map((e: any) => e.node.logonKind)).toEqual(['DELEGATE', 'OWNER']);
      expect((await ok(q, { f: { logonTypes: ['OTHER'] } })).auditRecords.edges).toEqual([]);
    });
  });

  describe('IP classes', () => {
    const PIVOT = `query($ips: [String!], $all: Boolean) { pivot(seed: { clientIps: $ips }, maxHops: 3, includeNonPublic: $all) {
      sessions { sessionId } mailboxes { userPrincipalName } hops { clientIpsNotFollowed { address kind } } } }`;

    test('pivot does not cross a Microsoft back-end IPv6 unless asked', async () => {
      const { pivot } = await ok(PIVOT, { ips: ['203.0.113.200'] });
      expect(pivot.sessions.map((s: any) => s.sessionId)).toEqual([REST_SESSION]);
      expect(pivot.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(['victim@example.com']);
      expect(pivot.hops.flatMap((h: any) => h.clientIpsNotFollowed)).toEqual([{ address: '2603:10b6:930:3d::9', kind: 'MICROSOFT' }]);
      const all = (await ok(PIVOT, { ips: ['203.0.113.200'], all: true })).pivot;
      expect(all.sessions.map((s: any) => s.sessionId).sort()).toEqual([REST_SESSION, UNRELATED_SESSION].sort());
      expect(all.hops.flatMap((h: any) => h.clientIpsNotFollowed)).toEqual([]);
    });

    test('an address that is not an IP is kept as written, NOT_AN_IP, found by the same lookups, and not followed', async () => {
      const q = `query($a: String!) { clientIp(address: $a) { address kind version country recordCount sessions { edges { node { sessionId } } } mailboxes { userPrincipalName } } }`;
      for (const address of ['localhost', 'fe80::1%eth0']) {
        expect((await ok(q, { a: address })).clientIp).toEqual({
          address, kind: 'NOT_AN_IP', version: 0, country: null, recordCount: 1,
          sessions: { edges: [{ node: { sessionId: LOCAL_SESSION } }] }, mailboxes: [{ userPrincipalName: 'victim@example.com' }],
        });
      }
      const { sessions } = await ok(`{ sessions(filter: { clientIp: "fe80::1%eth0" }) { edges { node { sessionId clientIps { address kind } } } } }`);
      expect(sessions.edges).toEqual([{ node: { sessionId: LOCAL_SESSION, clientIps: [{ address: 'localhost', kind: 'NOT_AN_IP' }, { address: 'fe80::1%eth0', kind: 'NOT_AN_IP' }] } }]);
      const { auditRecords } = await ok(`{ auditRecords(filter: { clientIp: "localhost" }) { totalCount edges { node { clientIp { address } } } } }`);
      expect(auditRecords).toEqual({ totalCount: 1, edges: [{ node: { clientIp: { address: 'localhost' } } }] });
      // Text no record came from is still a mistake, said as such.
      const { body } = await t.gql(`{ clientIp(address: "localhost.localdomain") { address } }`);
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/is not an IP address/) });
      // A pivot reaches them but does not follow them (they are not PUBLIC).
      const { pivot } = await ok(`{ pivot(seed: { sessionIds: ["${LOCAL_SESSION}"] }) { clientIps { address } hops { clientIpsNotFollowed { address } } } }`);
      expect(pivot.clientIps.map((c: any) => c.address).sort()).toEqual(['fe80::1%eth0', 'localhost']);
      expect(pivot.hops.flatMap((h: any) => h.clientIpsNotFollowed).length).toBe(2);
    });

    test('IP lists filter on class, country and ASN', async () => {
      const q = `query($f: ClientIpFilter) { clientIps(first: 100, filter: $f) { totalCount edges { node { address kind country asn } } } }`;
      const list = async (f: object) => (await ok(q, { f })).clientIps.edges.map((e: any) => e.node);
      expect(await list({ countries: ['us'], asns: [15169] })).toEqual([{ address: '8.8.8.8', kind: 'PUBLIC', country: 'US', asn: 15169 }]);
      expect((await list({ kinds: ['NOT_AN_IP'] })).map((c: any) => c.address).sort()).toEqual(['fe80::1%eth0', 'localhost']);
      const microsoft = await list({ kinds: ['MICROSOFT'] });
      expect(microsoft.map((c: any) => c.address)).toContain('2603:10b6:930:3d::9');
      expect(microsoft.every((c: any) => c.kind === 'MICROSOFT')).toBe(true);
      const all = (await ok(q, {})).clientIps.totalCount;
      const publicOnes = (await ok(q, { f: { kinds: ['PUBLIC'] } })).clientIps.totalCount;
      expect(publicOnes).toBeLessThan(all);
      expect(publicOnes + microsoft.length + 2).toBeLessThanOrEqual(all);
      // Combined with the other filters (AND): victim's US addresses are the Graph reader's and the Microsoft back end,
      // not 8.8.8.8 (assistant's mailbox only).
      expect((await list({ mailbox: 'victim@example.com', countries: ['US'] })).map((c: any) => c.address).sort()).toEqual(['20.190.1.1', '2603:10b6:930:3d::9']);
    });

    test('addresses carry their class, country and ASN from the shipped tables', async () => {
      const q = `query($a: String!) { clientIp(address: $a) { address kind country asn asOrganization } }`;
      expect((await ok(q, { a: '2603:10B6:930:3D::9' })).clientIp).toMatchObject({ address: '2603:10b6:930:3d::9', kind: 'MICROSOFT' });
      expect((await ok(q, { a: '203.0.113.200' })).clientIp).toMatchObject({ kind: 'PUBLIC' });
      expect((await ok(q, { a: '8.8.8.8' })).clientIp).toEqual({ address: '8.8.8.8', kind: 'PUBLIC', country: 'US', asn: 15169, asOrganization: 'Google LLC' });
    });
  });
});
