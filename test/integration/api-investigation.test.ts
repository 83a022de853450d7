/**
 * The investigator's questions beyond the contract operations: exposure by IP / app / window, pivots from a
 * session, records of one session across mailboxes, evidence links back to records, and the errors bad input gets.
 */
import type { QueryCounter } from '../../src/db/query-counter';
import { startTestServer, type TestServer } from '../support/server';
import { expected, ids, importIncident, iso, sorted } from './contract-queries';

const EXPOSURE = `query($mailbox: String!, $from: DateTime, $to: DateTime, $sessionIds: [String!], $clientIps: [String!], $clientAppIds: [String!]) {
  exposure(mailbox: $mailbox, from: $from, to: $to, sessionIds: $sessionIds, clientIps: $clientIps, clientAppIds: $clientAppIds) {
    from to boundMessageCount bindOperationCount
    boundMessages(first: 500) { totalCount edges { node { internetMessageId accessCount } } }
    syncedFolders { syncedAt } unauditedWindows { start end reason } } }`;

describe('investigating the contoso incident', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await importIncident(t);
  });
  afterAll(async () => t.close());

  async function ok(query: string, variables: Record<string, unknown> = {}) {
    const { body } = await t.gql(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  async function refused(query: string, variables: Record<string, unknown> = {}) {
    const { body } = await t.gql(query, variables);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(body)).not.toMatch(/SELECT |stacktrace/);
    return body.errors[0].message as string;
  }

  describe('who a session was', () => {
    test('each ClientInfoString of a session is read as client family and protocol, without another statement', async () => {
      const query = `query($id: String!) { session(sessionId: $id) { clientInfoStrings clients { clientInfoString family protocol browser os } } }`;
      const owa = await ok(query, { id: '8c2f5b1e-7d4a-4e3b-9a61-0f3e2d1c4b5a' });
      const rpc = await ok(query, { id: '3c4d5e6f-7a8b-4c3d-ae4f-5a6b7c8d9e0f' });
      for (const { session } of [owa, rpc]) {
        expect(session.clients.map((c: { clientInfoString: string }) => c.clientInfoString)).toEqual(session.clientInfoStrings);
      }
      expect(owa.session.clients).toContainEqual({ clientInfoString: 'Client=OWA;Action=ViaProxy', family: 'OWA', protocol: 'OWA', browser: null, os: null });
      expect(rpc.session.clients).toContainEqual(expect.objectContaining({ clientInfoString: 'Client=MSExchangeRPC', family: 'MAPI' }));
      // clients and clientInfoStrings share the session's facet loader: asking for both costs what one costs.
      const counter = t.db.dataSource.logger as QueryCounter;
      const statements = async (fields: string) => {
        const before = counter.count;
        await ok(`query($id: String!) { session(sessionId: $id) { ${fields} } }`, { id: '8c2f5b1e-7d4a-4e3b-9a61-0f3e2d1c4b5a' });
        return counter.count - before;
      };
      expect(await statements('clientInfoStrings clients { family }')).toBe(await statements('clientInfoStrings'));
    });
  });

  describe('exposure', () => {
    test.each(['aliceByApp', 'aliceFromAttackIp1', 'aliceAttackNight', 'carolDuringThrottle', 'bobByAttacker', 'daveAll'])('%s', async (name) => {
      const want = expected.exposures[name];
      const { exposure } = await ok(EXPOSURE, want.query);
      expect(exposure.boundMessageCount).toBe(want.boundMessageCount);
      expect(exposure.bindOperationCount).toBe(want.bindOperationCount);
      expect(exposure.boundMessages.totalCount).toBe(want.boundMessageCount);
      expect(exposure.boundMessages.edges.map((e: any) => e.node.internetMessageId)).toEqual(sorted(want.boundMessages.map((m: any) => m.internetMessageId)));
      expect(exposure.syncedFolders).toHaveLength(want.syncedFolders.length);
      expect(exposure.unauditedWindows.map((w: any) => [iso(w.start), iso(w.end)])).toEqual(want.unauditedWindows.map((w: any) => [w.start, w.end]));
    });

    test('the attacker IP in any spelling, and the window as epoch milliseconds (Grafana), give the same answer', async () => {
      const want = expected.exposures.aliceFromAttackIp1;
      const { exposure } = await ok(EXPOSURE, { mailbox: 'Alice@Contoso.com', clientIps: ['203.0.113.10:51234'] });
      expect(exposure.boundMessageCount).toBe(want.boundMessageCount);
      const night = expected.exposures.aliceAttackNight;
      const byEpoch = await ok(EXPOSURE, { mailbox: 'alice@contoso.com', from: Date.parse(night.query.from), to: Date.parse(night.query.to) });
      expect(byEpoch.exposure.boundMessageCount).toBe(night.boundMessageCount);
      expect(byEpoch.exposure.from).toBe('2025-03-10T00:00:00.000Z');
    });

    test('actor filters combine with AND: the attacker session from the app IP read nothing', async () => {
      const { exposure } = await ok(EXPOSURE, { mailbox: 'alice@contoso.com', sessionIds: [ids.S_ATTACK], clientIps: [ids.IP_APP] });
      expect(exposure.boundMessageCount).toBe(0);
      expect(exposure.bindOperationCount).toBe(0);
    });

    test('throttling hides everyone\'s binds: the window stays whatever actor is asked about', async () => {
      const { exposure } = await ok(EXPOSURE, { mailbox: 'carol@contoso.com', sessionIds: ['no-such-session'] });
      expect(exposure.boundMessageCount).toBe(0);
      expect(exposure.unauditedWindows.map((w: any) => iso(w.start))).toEqual(['2025-03-11T14:22:31Z']);
      const before = await ok(EXPOSURE, { mailbox: 'carol@contoso.com', to: '2025-03-11T14:00:00Z' });
      expect(before.exposure.unauditedWindows).toEqual([]);
    });

    test('a mailbox without records is an error that says so, not an empty exposure', async () => {
      expect(await refused(EXPOSURE, { mailbox: 'nobody@contoso.com' })).toMatch(/No audit records name mailbox "nobody@contoso.com"/);
    });
  });

  describe('sessions, IPs and records', () => {
    test('records of the attacker session span alice and bob (delegate access), one UserId', async () => {
      const { auditRecords } = await ok(`query($s: String) { auditRecords(filter: { sessionId: $s }) { totalCount edges { node { userId logonType mailbox { userPrincipalName } } } } }`, {
        s: ids.S_ATTACK,
      });
      expect(auditRecords.totalCount).toBe(expected.sessions[ids.S_ATTACK].recordCount);
      const nodes = auditRecords.edges.map((e: any) => e.node);
      expect(sorted([...new Set(nodes.map((n: any) => n.mailbox.userPrincipalName))])).toEqual(['alice@contoso.com', 'bob@contoso.com']);
      expect(new Set(nodes.map((n: any) => n.userId))).toEqual(new Set(['alice@contoso.com']));
      expect(nodes.some((n: any) => n.logonType === 2)).toBe(true);
    });

    test('auditRecords filters combine: Bind records from the IPv4-mapped spelling of an attacker exit', async () => {
      const { auditRecords } = await ok(`{ auditRecords(filter: { clientIp: "::ffff:198.51.100.23", mailAccessType: BIND, operation: "mailitemsaccessed" }) {
        totalCount edges { node { clientIpRaw clientIp { address } session { sessionId } } } } }`);
      expect(auditRecords.totalCount).toBeGreaterThan(0);
      for (const { node } of auditRecords.edges) {
        expect(node.clientIp.address).toBe('198.51.100.23');
        expect([ids.S_ATTACK, ids.S_ATTACK_2]).toContain(node.session.sessionId);
      }
      // clientIpRaw is each record's own spelling: stored only where it is not the canonical IPv4 (storedRawAddress).
      const raws = auditRecords.edges.map((e: any) => e.node.clientIpRaw);
      expect(new Set(raws)).toEqual(new Set(['198.51.100.23', '::ffff:198.51.100.23']));
      const [stored] = await t.db.dataSource.query(
        `SELECT count(*) FILTER (WHERE client_ip_raw IS NULL)::int AS canonical, array_agg(DISTINCT client_ip_raw) FILTER (WHERE client_ip_raw IS NOT NULL) AS kept
         FROM audit_record r JOIN client_ip c ON c.id = r.client_ip_id AND c.org_id = r.org_id WHERE c.address = '198.51.100.23'`,
      );
      expect(stored.canonical).toBeGreaterThan(0);
      expect(stored.kept).toEqual(['::ffff:198.51.100.23']);
    });

    test('userId: the owner\'s own records store no UserId (it is the mailbox UPN) and still answer and filter by it', async () => {
      const [stored] = await t.db.dataSource.query(
        `SELECT count(*) FILTER (WHERE r.user_id IS NULL)::int AS implied, count(*)::int AS alice
         FROM audit_record r LEFT JOIN mailbox m ON m.id = r.mailbox_id AND m.org_id = r.org_id
         WHERE lower(coalesce(r.user_id, m.user_principal_name)) = 'alice@contoso.com'`,
      );
      expect(stored.implied).toBeGreaterThan(0);
      const { auditRecords } = await ok(`{ auditRecords(filter: { userId: "ALICE@contoso.COM" }, first: 500) { totalCount edges { node { userId } } } }`);
      expect(auditRecords.totalCount).toBe(stored.alice);
      expect(new Set(auditRecords.edges.map((e: any) => e.node.userId.toLowerCase()))).toEqual(new Set(['alice@contoso.com']));
    });

    test('app access without a SessionId is tied together by its Entra sign-in session (AADSessionId)', async () => {
      const { auditRecords } = await ok(`{ auditRecords(filter: { aadSessionId: "00A1B2C3-D4E5-4F60-8172-8394A5B6C7D8" }) {
        totalCount edges { node { id aadSessionId clientAppId session { sessionId kind entraSessionId } } } } }`);
      expect(auditRecords.totalCount).toBe(expected.app.withAadSessionId);
      for (const { node } of auditRecords.edges) {
        expect(node).toMatchObject({
          aadSessionId: '00a1b2c3-d4e5-4f60-8172-8394a5b6c7d8',
          clientAppId: expected.app.clientAppId,
          session: { sessionId: '00a1b2c3-d4e5-4f60-8172-8394a5b6c7d8', kind: 'ENTRA', entraSessionId: null },
        });
        expect(expected.app.recordIds).toContain(node.id);
      }
    });

    test('a record links back to its evidence: raw AuditData, import batch, client IP as written, messages it listed', async () => {
      const { auditRecord } = await ok(`{ auditRecord(id: "A77AC000-0001-4BAD-8000-00000000A001") {
        id recordType operation operationCount raw clientIpRaw clientIp { address } session { sessionId }
        importBatch { fileName status } messageAccesses { internetMessageId folder { path } record { id } } folderSyncs { syncedAt } } }`);
      expect(auditRecord.id).toBe('a77ac000-0001-4bad-8000-00000000a001');
      expect(auditRecord.recordType).toBe(50);
      expect(auditRecord.raw.Id).toBe('a77ac000-0001-4bad-8000-00000000a001');
      expect(auditRecord.operationCount).toBe(7);
      expect(auditRecord.clientIpRaw).toBe('203.0.113.10');
      expect(auditRecord.messageAccesses).toHaveLength(6); // OperationCount 7, six FolderItems (QUIRKS 21)
      expect(auditRecord.messageAccesses.every((a: any) => a.record.id === auditRecord.id)).toBe(true);
      expect(auditRecord.session.sessionId).toBe(ids.S_ATTACK);
      expect(auditRecord.importBatch).toEqual({ fileName: 'audit.ndjson', status: 'SUCCEEDED' });
      expect(auditRecord.folderSyncs).toEqual([]);
      expect((await ok('{ auditRecord(id: "no-such-record") { id } }')).auditRecord).toBeNull();
    });

    test('Sync records of both shapes (Item.ParentFolder and Folders[]) each give one FolderSync', async () => {
      for (const id of ['0a11ce00-0001-4e00-8a00-000000005901', '0a11ce00-0003-4e00-8a00-000000005903']) {
        const { auditRecord } = await ok(`query($id: ID!) { auditRecord(id: $id) { mailAccessType messageAccesses { internetMessageId } folderSyncs { folder { path folderId syncs { syncedAt } } session { sessionId } } } }`, { id });
        expect(auditRecord.mailAccessType).toBe('SYNC');
        expect(auditRecord.messageAccesses).toEqual([]);
        expect(auditRecord.folderSyncs).toHaveLength(1);
        expect(auditRecord.folderSyncs[0].session.sessionId).toBe(ids.S_ALICE_OUTLOOK);
        expect(auditRecord.folderSyncs[0].folder.syncs.length).toBeGreaterThanOrEqual(1);
      }
    });

    test('sessions of bob\'s mailbox, of an IP in any spelling, and of a time window', async () => {
      const q = `query($f: SessionFilter) { sessions(first: 50, filter: $f) { totalCount edges { node { sessionId } } } }`;
      const bob = (await ok(q, { f: { mailbox: 'BOB@contoso.com' } })).sessions;
      expect(sorted(bob.edges.map((e: any) => e.node.sessionId))).toEqual(expected.mailboxes['bob@contoso.com'].sessions);
      const exit = (await ok(q, { f: { clientIp: '[::ffff:198.51.100.23]:443' } })).sessions;
      expect(sorted(exit.edges.map((e: any) => e.node.sessionId))).toEqual(expected.clientIps['198.51.100.23'].sessions);
      const night = (await ok(q, { f: { from: '2025-03-10T00:00:00Z', to: '2025-03-10T06:00:00Z' } })).sessions;
      // Active in the window = its span overlaps it: bob's phone session spans 8-12 March.
      // The app's Entra session (AADSessionId, no SessionId) read alice's and bob's mail at 04:20-04:25.
      expect(night.edges.map((e: any) => e.node.sessionId)).toEqual([ids.S_BOB_MOBILE, ids.S_ATTACK, ids.APP_AAD_SESSION]);
      const all = (await ok(q, {})).sessions;
      expect(all.totalCount).toBe(expected.summary.sessions);
    });

    test('sessions of an IP in a window: only those active on that IP then', async () => {
      const { clientIp } = await ok(`{ clientIp(address: "192.0.2.10") { sessions(from: "2025-03-12T00:00:00Z") { edges { node { sessionId } } } mailboxes { userPrincipalName } } }`);
      expect(sorted(clientIp.sessions.edges.map((e: any) => e.node.sessionId))).toEqual(sorted([ids.S_ALICE_OWA_2, ids.S_CAROL_OWA]));
      expect(clientIp.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(expected.clientIps['192.0.2.10'].mailboxes);
    });

    test('the app\'s IP has only its Entra session and reached two mailboxes; clientIps of a mailbox', async () => {
      const { clientIp } = await ok(`{ clientIp(address: "2603:10B6:930:3D:0:0:0:7") { address version sessions { totalCount edges { node { sessionId kind } } } mailboxes { userPrincipalName } } }`);
      expect(clientIp).toEqual({
        address: '2603:10b6:930:3d::7',
        version: 6,
        sessions: { totalCount: 1, edges: [{ node: { sessionId: ids.APP_AAD_SESSION, kind: 'ENTRA' } }] },
        mailboxes: [{ userPrincipalName: 'alice@contoso.com' }, { userPrincipalName: 'bob@contoso.com' }],
      });
      const { clientIps } = await ok(`{ clientIps(filter: { mailbox: "bob@contoso.com" }) { totalCount edges { node { address } } } }`);
      const bobIps = Object.entries(expected.clientIps).filter(([, v]: any) => v.mailboxes.includes('bob@contoso.com')).map(([k]) => k);
      expect(sorted(clientIps.edges.map((e: any) => e.node.address))).toEqual(sorted(bobIps));
    });

    test('a message id without its angle brackets finds the message; M07 never had brackets in the data', async () => {
      const m07 = '71ceaeec-5f3a-4b1e-9c2d-8e7f6a5b4c3d@DB5EUR01BG102.eop-EUR01.prod.protection.outlook.com';
      for (const id of [m07, `<${m07}>`]) {
        const { message } = await ok(`query($id: String!) { message(internetMessageId: $id) { internetMessageId accesses { totalCount } } }`, { id });
        expect(message).toEqual({ internetMessageId: `<${m07}>`, accesses: { totalCount: expected.messages[`<${m07}>`].accessCount } });
      }
    });
  });

  describe('mailboxes', () => {
    test('paging through mailboxes one at a time, by UPN; filters by UPN substring and throttling', async () => {
      const q = `query($after: String) { mailboxes(first: 1, after: $after) { pageInfo { hasNextPage endCursor } edges { node { userPrincipalName organizationId } } } }`;
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const { mailboxes }: any = await ok(q, { after });
        seen.push(...mailboxes.edges.map((e: any) => e.node.userPrincipalName));
        expect(mailboxes.edges[0].node.organizationId).toBe(ids.tenant);
        after = mailboxes.pageInfo.hasNextPage ? mailboxes.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(Object.keys(expected.mailboxes).sort());
      const al = await ok(`{ mailboxes(filter: { userPrincipalNameContains: "ALI" }) { edges { node { userPrincipalName } } } }`);
      expect(al.mailboxes.edges.map((e: any) => e.node.userPrincipalName)).toEqual(['alice@contoso.com']);
      const calm = await ok(`{ mailboxes(filter: { throttled: false }) { totalCount } }`);
      expect(calm.mailboxes.totalCount).toBe(3);
    });

    test('alice\'s bound messages and synced folders, in a window and overall', async () => {
      const { mailbox } = await ok(`{ mailbox(userPrincipalName: "alice@contoso.com") {
        all: messageAccesses { totalCount } night: messageAccesses(from: "2025-03-10T00:00:00Z", to: "2025-03-10T06:00:00Z") { totalCount }
        folderSyncs { syncedAt folder { path } } earlySyncs: folderSyncs(to: "2025-03-10T23:59:59Z") { syncedAt }
        folders { path messageAccesses(first: 1) { totalCount edges { node { mailbox { userPrincipalName } } } } } } }`);
      expect(mailbox.all.totalCount).toBe(expected.mailboxes['alice@contoso.com'].messageAccessCount);
      expect(mailbox.night.totalCount).toBeLessThan(mailbox.all.totalCount);
      expect(mailbox.folderSyncs).toHaveLength(expected.mailboxes['alice@contoso.com'].folderSyncCount);
      expect(mailbox.earlySyncs).toHaveLength(4);
      const inbox = mailbox.folders.find((f: any) => f.path === '\\Inbox');
      expect(inbox.messageAccesses.edges[0].node.mailbox.userPrincipalName).toBe('alice@contoso.com');
    });
  });

  describe('pivot', () => {
    const PIVOT = `query($seed: PivotSeed!, $hops: Int, $max: Int) { pivot(seed: $seed, maxHops: $hops, maxSessionsPerHop: $max) {
      truncated hops { hop truncated sessions { sessionId } clientIps { address } } sessions { sessionId } clientIps { address } mailboxes { userPrincipalName } } }`;

    test('from the second attacker session: its IPs, then the first attacker session behind the shared exit', async () => {
      const { pivot } = await ok(PIVOT, { seed: { sessionIds: [ids.S_ATTACK_2] }, hops: 2 });
      expect(pivot.hops[0]).toMatchObject({ hop: 0, sessions: [{ sessionId: ids.S_ATTACK_2 }], clientIps: [] });
      expect(sorted(pivot.hops[1].clientIps.map((c: any) => c.address))).toEqual(['198.51.100.23', '203.0.113.77']);
      expect(pivot.hops[1].sessions).toEqual([]);
      expect(pivot.hops[2].sessions.map((s: any) => s.sessionId)).toEqual([ids.S_ATTACK]);
      expect(sorted(pivot.hops[2].clientIps.map((c: any) => c.address))).toEqual(['2001:db8:85a3::8a2e:370:7334', '203.0.113.10']);
      expect(pivot.truncated).toBe(false);
    });

    test('an office NAT shared by many sessions is cut short at maxSessionsPerHop and says so', async () => {
      const { pivot } = await ok(PIVOT, { seed: { clientIps: [ids.IP_OFFICE] }, max: 2 });
      expect(pivot.hops[1].sessions).toHaveLength(2);
      expect(pivot.hops[1].truncated).toBe(true);
      expect(pivot.truncated).toBe(true);
    });

    test('limits are checked', async () => {
      expect(await refused(PIVOT, { seed: { clientIps: ['192.0.2.10'] }, hops: 99 })).toMatch(/maxHops must be between 0 and 6/);
      expect(await refused(PIVOT, { seed: { clientIps: ['192.0.2.10'] }, max: 100000 })).toMatch(/maxSessionsPerHop/);
      expect(await refused(PIVOT, { seed: {} })).toMatch(/seed is empty/);
    });
  });

  describe('bad input gets BAD_USER_INPUT and a message that says what to fix', () => {
    test('an IP that is not one', async () => {
      expect(await refused('{ clientIp(address: "1.2.3") { address } }')).toBe(
        'address: "1.2.3" is not an IP address: use IPv4 like 203.0.113.7 or IPv6 like 2001:db8::1; a port or [brackets] are fine',
      );
      expect(await refused('{ sessions(filter: { clientIp: "evil.example.com" }) { totalCount } }')).toMatch(/filter.clientIp: "evil.example.com" is not an IP address/);
      expect(await refused('{ pivot(seed: { clientIps: ["300.1.1.1"] }) { truncated } }')).toMatch(/is not an IP address/);
    });

    test('a date that is not one, and a window the wrong way round', async () => {
      expect(await refused('query($from: DateTime) { auditRecords(filter: { from: $from }) { totalCount } }', { from: '10/03/2025' })).toMatch(
        /Invalid DateTime "10\/03\/2025": use ISO-8601/,
      );
      // Written inline in the document it fails validation instead (graphql-js), with the same message.
      const { body } = await t.gql('{ auditRecords(filter: { from: "10/03/2025" }) { totalCount } }');
      expect(body.errors[0].message).toMatch(/Invalid DateTime/);
      expect(await refused('{ sessions(filter: { from: "2025-03-12T00:00:00Z", to: "2025-03-10T00:00:00Z" }) { totalCount } }')).toMatch(/is after to/);
    });

    test('a cursor that is not one this API gave, including a well-formed one of the wrong kind', async () => {
      expect(await refused('{ sessions(after: "garbage") { totalCount } }')).toMatch(/Invalid cursor/);
      const wrongKind = Buffer.from(JSON.stringify(['not a time', 'x'])).toString('base64url');
      expect(await refused(`{ auditRecords(after: "${wrongKind}") { totalCount } }`)).toMatch(/Invalid cursor/);
      expect(await refused(`{ clientIp(address: "192.0.2.10") { sessions(after: "${wrongKind}") { totalCount } } }`)).toMatch(/Invalid cursor/);
      expect(await refused('{ sessions(first: 501) { totalCount } }')).toMatch(/between 0 and 500/);
    });

    test('an empty message id', async () => {
      expect(await refused('{ message(internetMessageId: "<>") { internetMessageId } }')).toMatch(/internetMessageId is empty/);
    });
  });

  test('totalCount is counted only when asked for', async () => {
    const counter = t.db.dataSource.logger as QueryCounter;
    const statements = async (query: string) => {
      const before = counter.count;
      await ok(query);
      return counter.count - before;
    };
    const mailboxSessions = (total: string) => `{ mailbox(userPrincipalName: "alice@contoso.com") { sessions { ${total} edges { node { sessionId } } } } }`;
    const mailboxWithout = await statements(mailboxSessions(''));
    expect(await statements(mailboxSessions('totalCount'))).toBe(mailboxWithout + 1);
    // An IP's page of sessions reads all its links anyway (ordered by the session's firstSeen): the first page's
    // count comes with it, a later page's in a statement of its own.
    const ipSessions = (args: string, total: string) => `{ clientIp(address: "192.0.2.10") { sessions${args} { ${total} edges { node { sessionId } } } } }`;
    const ipWithout = await statements(ipSessions('', ''));
    expect(await statements(ipSessions('', 'totalCount'))).toBe(ipWithout);
    const { clientIp } = await ok('{ clientIp(address: "192.0.2.10") { sessions(first: 1) { totalCount pageInfo { endCursor } } } }');
    const after = `(first: 1, after: "${clientIp.sessions.pageInfo.endCursor}")`;
    const laterWithout = await statements(ipSessions(after, ''));
    expect(await statements(ipSessions(after, 'totalCount'))).toBe(laterWithout + 1);
    const { clientIp: later } = await ok(`{ clientIp(address: "192.0.2.10") { sessions${after} { totalCount } } }`);
    expect(later.sessions.totalCount).toBe(clientIp.sessions.totalCount);
    expect(clientIp.sessions.totalCount).toBeGreaterThan(1);
  });
});
