/**
 * The contract operations (contract/*.graphql), sent unchanged over HTTP against the fixture incident
 * imported by the real importer, answer what test/fixtures/README.md says they must.
 */
import { startTestServer, type TestServer } from '../support/server';
import { ask, contract, expected, ids, importIncident, iso, sorted } from './contract-queries';
import { notificationReference, presumedReference } from '../support/incident-reference';

describe('the contract queries over the contoso incident', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await importIncident(t);
  });
  afterAll(async () => t.close());

  describe('01 which sessions came from this IP, and what did each read?', () => {
    test('the first VPN exit finds the attacker session, with all three of its IPs and everything it bound', async () => {
      const { clientIp } = await ask(t, '01-sessions-by-ip.graphql', { ip: '203.0.113.10:51234' });
      expect(clientIp.address).toBe('203.0.113.10');
      expect(clientIp.recordCount).toBe(expected.clientIps['203.0.113.10'].recordCount);
      expect(clientIp.sessions.totalCount).toBe(1);
      const [{ node: s }] = clientIp.sessions.edges;
      const want = expected.sessions[ids.S_ATTACK];
      expect(s.sessionId).toBe(ids.S_ATTACK);
      expect(iso(s.firstSeen)).toBe(want.firstSeen);
      expect(iso(s.lastSeen)).toBe(want.lastSeen);
      expect(sorted(s.clientIps.map((c: any) => c.address))).toEqual(want.clientIps);
      expect(s.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(want.mailboxes);
      expect(s.boundMessageCount).toBe(want.boundMessageCount);
      expect(s.messageAccesses.totalCount).toBe(want.messageAccessCount);
      expect(s.messageAccesses.edges).toHaveLength(want.messageAccessCount);
      expect(s.messageAccesses.pageInfo.hasNextPage).toBe(false);
      const times = s.messageAccesses.edges.map((e: any) => e.node.accessedAt);
      expect(times).toEqual([...times].sort());
      for (const { node } of s.messageAccesses.edges) {
        expect(node.accessType).toBe('BIND');
        expect(node.internetMessageId).toMatch(/^<[^<>]+>$/);
        expect(node.folder.path).toMatch(/Inbox|Sent Items|Boîte de réception/);
      }
      expect(s.syncedFolders).toEqual([]);
    });

    test.each([
      ['203.0.113.10'],
      ['203.0.113.10:51234'],
      ['198.51.100.23'],
      ['::ffff:198.51.100.23'],
      ['::FFFF:C633:6417'],
      ['2001:db8:85a3::8a2e:370:7334'],
      ['2001:0DB8:85A3:0000:0000:8A2E:0370:7334'],
      ['[2001:db8:85a3::8a2e:370:7334]:443'],
      ['[2001:DB8:85A3::8A2E:370:7334]'],
    ])('every spelling of the attacker\'s IPs finds the same session (%s)', async (ip) => {
      const { clientIp } = await ask(t, '01-sessions-by-ip.graphql', { ip });
      const sessionIds = clientIp.sessions.edges.map((e: any) => e.node.sessionId);
      expect(sessionIds).toContain(ids.S_ATTACK);
      expect(sorted(sessionIds)).toEqual(expected.clientIps[clientIp.address].sessions);
    });

    test('the office NAT lists its four sessions in firstSeen order, and Outlook desktop syncs show up for the home IP', async () => {
      const office = (await ask(t, '01-sessions-by-ip.graphql', { ip: ids.IP_OFFICE })).clientIp;
      expect(office.sessions.totalCount).toBe(4);
      const sessions = office.sessions.edges.map((e: any) => e.node);
      expect(sorted(sessions.map((s: any) => s.sessionId))).toEqual(expected.clientIps[ids.IP_OFFICE].sessions);
      const firstSeen = sessions.map((s: any) => s.firstSeen);
      expect(firstSeen).toEqual([...firstSeen].sort());

      const home = (await ask(t, '01-sessions-by-ip.graphql', { ip: ids.IP_ALICE_HOME })).clientIp;
      const [{ node: outlook }] = home.sessions.edges;
      expect(outlook.sessionId).toBe(ids.S_ALICE_OUTLOOK);
      expect(outlook.syncedFolders.map((f: any) => [iso(f.syncedAt), f.folder.path])).toEqual(
        expected.sessions[ids.S_ALICE_OUTLOOK].syncedFolders.map((f: any) => [f.syncedAt, f.path]),
      );
    });

    test('an IP that appears nowhere is null', async () => {
      expect((await ask(t, '01-sessions-by-ip.graphql', { ip: ids.IP_UNUSED })).clientIp).toBeNull();
    });

    test('pages through a session\'s accesses with the endCursor', async () => {
      const q = `query($ip: String!, $after: String) { clientIp(address: $ip) { sessions { edges { node {
        messageAccesses(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { accessedAt internetMessageId } } } } } } } }`;
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const { body } = await t.gql(q, { ip: ids.IP_ATTACK_1, after });
        expect(body.errors).toBeUndefined();
        const conn = body.data.clientIp.sessions.edges[0].node.messageAccesses;
        seen.push(...conn.edges.map((e: any) => `${e.node.accessedAt} ${e.node.internetMessageId}`));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(expected.sessions[ids.S_ATTACK].messageAccessCount);
      expect(new Set(seen).size).toBe(seen.length);
      const times = seen.map((s) => s.split(' ')[0]);
      expect(times).toEqual([...times].sort());
    });
  });

  describe('02 everything one session did', () => {
    test.each(Object.keys(expected.sessions))('session %s matches the fixture summary', async (sessionId) => {
      const { session } = await ask(t, '02-session.graphql', { sessionId });
      const want = expected.sessions[sessionId];
      expect(session.sessionId).toBe(sessionId);
      expect(iso(session.firstSeen)).toBe(want.firstSeen);
      expect(iso(session.lastSeen)).toBe(want.lastSeen);
      expect(session.recordCount).toBe(want.recordCount);
      expect([...session.operations].sort((a: any, b: any) => a.operation.localeCompare(b.operation))).toEqual(want.operations);
      const counts = session.operations.map((o: any) => o.count);
      expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
      expect(session.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(want.mailboxes);
      expect(session.userIds).toEqual(want.userIds);
      expect(sorted(session.clientIps.map((c: any) => c.address))).toEqual(want.clientIps);
      for (const c of session.clientIps) expect(c.version).toBe(c.address.includes(':') ? 6 : 4);
      expect(session.clientInfoStrings).toEqual(want.clientInfoStrings);
      expect(session.appIds).toEqual(want.appIds);
      expect(session.boundMessageCount).toBe(want.boundMessageCount);
      expect(session.bindOperationCount).toBe(want.bindOperationCount);
      expect(session.syncedFolders.map((f: any) => [iso(f.syncedAt), f.folder.path])).toEqual(
        want.syncedFolders.map((f: any) => [f.syncedAt, f.path]),
      );
      expect(session.records.totalCount).toBe(want.recordCount);
      expect(session.records.edges).toHaveLength(Math.min(5, want.recordCount));
    });

    test('the attacker session: one UserId, two mailboxes, three IPs; its New-InboxRule record came from 203.0.113.10', async () => {
      const { session } = await ask(t, '02-session.graphql', { sessionId: ids.S_ATTACK });
      expect(session.userIds).toEqual(['alice@contoso.com']);
      expect(session.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(['alice@contoso.com', 'bob@contoso.com']);
      expect(session.operations[0]).toEqual({ operation: 'MailItemsAccessed', count: 5 });
      const rule = session.records.edges.map((e: any) => e.node).find((r: any) => r.operation === 'New-InboxRule');
      expect(rule).toMatchObject({ id: 'a77ac000-0004-4bad-8000-00000000a004', clientIp: { address: '203.0.113.10' } });
    });

    test('Outlook desktop syncs of whole folders, in both record shapes, show with their folder ids', async () => {
      const { session } = await ask(t, '02-session.graphql', { sessionId: ids.S_ALICE_OUTLOOK });
      expect(session.syncedFolders).toHaveLength(5);
      for (const f of session.syncedFolders) {
        expect(f.folder.folderId).toBeTruthy();
        expect(f.clientIp.address).toBe(ids.IP_ALICE_HOME);
      }
      expect(session.bindOperationCount).toBe(0);
    });

    test('an unknown session is null', async () => {
      expect((await ask(t, '02-session.graphql', { sessionId: '00000000-0000-0000-0000-000000000000' })).session).toBeNull();
    });
  });

  describe('03 pivot from a known-bad IP', () => {
    test.each(Object.entries(expected.pivots))('%s', async (_name, want: any) => {
      const { pivot } = await ask(t, '03-pivot.graphql', { ips: want.seed, hops: want.maxHops });
      const hops = pivot.hops.filter((h: any) => h.hop > 0);
      expect(
        hops.map((h: any) => ({ hop: h.hop, sessions: sorted(h.sessions.map((s: any) => s.sessionId)), clientIps: sorted(h.clientIps.map((c: any) => c.address)) })),
      ).toEqual(want.hops);
      expect(pivot.hops[0].clientIps.map((c: any) => c.address)).toEqual(want.seed.map(() => expect.any(String)));
      expect(sorted(pivot.sessions.map((s: any) => s.sessionId))).toEqual(want.sessions);
      expect(sorted(pivot.clientIps.map((c: any) => c.address))).toEqual(want.clientIps);
      expect(pivot.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(want.mailboxes);
    });

    test('maxHops defaults to 3 when the variable is left out or null', async () => {
      const a = await ask(t, '03-pivot.graphql', { ips: ['203.0.113.10'] });
      const b = await ask(t, '03-pivot.graphql', { ips: ['203.0.113.10'], hops: null });
      expect(sorted(a.pivot.sessions.map((s: any) => s.sessionId))).toEqual(expected.pivots.fromAttackIp1Hops3.sessions);
      expect(b).toEqual(a);
    });
  });

  describe('04 what did these actors see in this mailbox?', () => {
    test.each(Object.entries(expected.exposures))('%s', async (_name, want: any) => {
      const q = want.query;
      const { status, body } = await t.gql(
        contract('04-exposure.graphql'),
        { mailbox: q.mailbox.toUpperCase(), from: q.from, to: q.to, sessionIds: q.sessionIds },
      );
      if (q.clientIps || q.clientAppIds) return; // the contract operation only takes sessionIds: see api-exposure.test.ts
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const { exposure } = body.data;
      expect(exposure.mailbox.userPrincipalName).toBe(q.mailbox);
      expect(exposure.boundMessageCount).toBe(want.boundMessageCount);
      expect(exposure.bindOperationCount).toBe(want.bindOperationCount);
      expect(exposure.boundMessages.totalCount).toBe(want.boundMessageCount);
      expect(
        exposure.boundMessages.edges.map(({ node }: any) => ({
          internetMessageId: node.internetMessageId,
          firstAccessedAt: iso(node.firstAccessedAt),
          lastAccessedAt: iso(node.lastAccessedAt),
          accessCount: node.accessCount,
          folders: sorted(node.folders.map((f: any) => f.path)),
          sessions: sorted(node.sessions.map((s: any) => s.sessionId)),
        })),
      ).toEqual([...want.boundMessages].sort((a: any, b: any) => (a.internetMessageId < b.internetMessageId ? -1 : 1)));
      expect(exposure.syncedFolders.map((f: any) => [iso(f.syncedAt), f.folder.path, f.session?.sessionId ?? null])).toEqual(
        want.syncedFolders.map((f: any) => [f.syncedAt, f.path, f.sessionId]),
      );
      expect(exposure.unauditedWindows.map((w: any) => [iso(w.start), iso(w.end)])).toEqual(want.unauditedWindows.map((w: any) => [w.start, w.end]));
      for (const w of exposure.unauditedWindows) expect(w.reason).toBe('THROTTLED_FLAG');
    });
  });

  describe('05 one message: in which mailboxes, by whom, from where', () => {
    test('the all-hands message was read in three mailboxes by four sessions', async () => {
      const id = '<DM6PR11MB40917E5A3C1D2B9F0A8E6C4D2B1A@DM6PR11MB4091.namprd11.prod.outlook.com>';
      const want = expected.messages[id];
      for (const spelling of [id, id.slice(1, -1)]) {
        const { message } = await ask(t, '05-message.graphql', { id: spelling });
        expect(message.internetMessageId).toBe(id);
        expect(iso(message.firstAccessedAt)).toBe(want.firstAccessedAt);
        expect(iso(message.lastAccessedAt)).toBe(want.lastAccessedAt);
        expect(message.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(want.mailboxes);
        expect(message.accesses.totalCount).toBe(want.accessCount);
        const nodes = message.accesses.edges.map((e: any) => e.node);
        expect(sorted(nodes.map((n: any) => n.session?.sessionId).filter(Boolean))).toEqual(want.sessions);
        expect(sorted([...new Set(nodes.map((n: any) => n.clientIp?.address).filter(Boolean))])).toEqual(want.clientIps);
        expect(sorted([...new Set(nodes.map((n: any) => n.mailbox.userPrincipalName))])).toEqual(want.mailboxes);
      }
    });

    test.each(Object.keys(expected.messages))('message %s', async (id) => {
      const want = expected.messages[id];
      const { message } = await ask(t, '05-message.graphql', { id });
      expect(message.accesses.totalCount).toBe(want.accessCount);
      expect(iso(message.firstAccessedAt)).toBe(want.firstAccessedAt);
      expect(message.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(want.mailboxes);
    });

    test('a message never bound is null', async () => {
      expect((await ask(t, '05-message.graphql', { id: '<never@example.com>' })).message).toBeNull();
    });
  });

  describe('06 throttled mailboxes', () => {
    test('carol is the one throttled mailbox, with Bind unaudited for the 24 hours after her throttled record', async () => {
      const { mailboxes } = await ask(t, '06-throttled-mailboxes.graphql');
      expect(mailboxes.totalCount).toBe(expected.throttledMailboxes.length);
      expect(
        mailboxes.edges.map(({ node }: any) => ({
          userPrincipalName: node.userPrincipalName,
          unauditedWindows: node.unauditedWindows.map((w: any) => ({ start: iso(w.start), end: iso(w.end), reason: 'IsThrottled' })),
        })),
      ).toEqual(expected.throttledMailboxes);
      expect(mailboxes.edges[0].node.unauditedWindows[0].reason).toBe('THROTTLED_FLAG');
    });
  });

  describe('08 records of an app that has no SessionId', () => {
    test('the consented app read alice and bob over REST: three records, four messages, no session', async () => {
      const { auditRecords } = await ask(t, '08-records-by-app.graphql', { appId: ids.APP_ID });
      expect(auditRecords.totalCount).toBe(expected.app.recordCount);
      const nodes = auditRecords.edges.map((e: any) => e.node);
      expect(nodes.map((n: any) => n.id)).toEqual(expected.app.recordIds);
      expect(nodes.every((n: any) => n.operation === 'MailItemsAccessed' && n.mailAccessType === 'BIND')).toBe(true);
      expect(sorted([...new Set(nodes.map((n: any) => n.mailbox.userPrincipalName))])).toEqual(['alice@contoso.com', 'bob@contoso.com']);
      expect(nodes.flatMap((n: any) => n.messageAccesses)).toHaveLength(expected.app.messageAccessCount);
      expect(auditRecords.pageInfo.hasNextPage).toBe(false);
    });

    test('an app that never appears has no records', async () => {
      const { auditRecords } = await ask(t, '08-records-by-app.graphql', { appId: 'no-such-app' });
      expect(auditRecords).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    });
  });

  describe('09 a mailbox overview', () => {
    test.each(Object.keys(expected.mailboxes))('%s', async (upn) => {
      const want = expected.mailboxes[upn];
      const { mailbox } = await ask(t, '09-mailbox.graphql', { upn: upn.toUpperCase() });
      expect(mailbox.userPrincipalName).toBe(upn);
      expect(mailbox.recordCount).toBe(want.recordCount);
      expect(iso(mailbox.firstSeen)).toBe(want.firstSeen);
      expect(iso(mailbox.lastSeen)).toBe(want.lastSeen);
      expect([...mailbox.folders].sort((a: any, b: any) => a.path.localeCompare(b.path))).toEqual(want.folders);
      expect(mailbox.sessions.totalCount).toBe(want.sessions.length);
      expect(sorted(mailbox.sessions.edges.map((e: any) => e.node.sessionId))).toEqual(want.sessions);
      expect(mailbox.unauditedWindows.map((w: any) => ({ start: iso(w.start), end: iso(w.end), reason: 'IsThrottled' }))).toEqual(want.unauditedWindows);
    });

    test('a mailbox without records is null', async () => {
      expect((await ask(t, '09-mailbox.graphql', { upn: 'nobody@contoso.com' })).mailbox).toBeNull();
    });
  });

  describe('10 which applications read this mailbox, and did they do it without a user?', () => {
    // The reference answer, from the fixture's records: app = ClientAppId, else AppId; app-only = UserType 5/6.
    const records: any[] = require('../fixtures/incident/records.json');
    const appsOf = (upn: string) => {
      const apps = new Map<string, { records: number; appOnly: boolean }>();
      for (const r of records) {
        const owner = String(r.MailboxOwnerUPN ?? r.UserId ?? '').toLowerCase();
        const app = (r.ClientAppId || r.AppAccessContext?.ClientAppId || r.AppId || '').toLowerCase();
        if (owner !== upn || !app) continue;
        const a = apps.get(app) ?? { records: 0, appOnly: false };
        a.records += 1;
        a.appOnly ||= r.UserType === 5 || r.UserType === 6;
        apps.set(app, a);
      }
      return apps;
    };

    test.each(['alice@contoso.com', 'bob@contoso.com'])('%s: its apps, the consented reader app-only', async (upn) => {
      const want = appsOf(upn);
      const { mailbox, apps } = await ask(t, '10-apps.graphql', { mailbox: upn });
      expect(sorted(mailbox.apps.map((a: any) => a.appId))).toEqual(sorted([...want.keys()]));
      expect(apps.totalCount).toBe(want.size);
      for (const a of mailbox.apps) expect({ appId: a.appId, appOnly: a.appOnly }).toEqual({ appId: a.appId, appOnly: want.get(a.appId)!.appOnly });
      const reader = mailbox.apps.find((a: any) => a.appId === expected.app.clientAppId);
      expect(reader.appOnly).toBe(true);
      expect(reader.recordCount).toBeGreaterThan(0);
      const node = apps.edges.find((e: any) => e.node.appId === expected.app.clientAppId).node;
      expect(node.mailboxes.map((m: any) => m.userPrincipalName)).toEqual(['alice@contoso.com', 'bob@contoso.com']);
    });
  });

  describe('11 which messages were in the folders that were synced?', () => {
    test.each([
      ['alice, everyone', 'alice@contoso.com', null],
      ['alice, her Outlook desktop', 'alice@contoso.com', [ids.S_ALICE_OUTLOOK]],
      ['bob, everyone', 'bob@contoso.com', null],
      ['alice, the attacker (who synced nothing)', 'alice@contoso.com', [ids.S_ATTACK]],
    ])('%s', async (_name, mailbox, sessionIds) => {
      const { exposure } = await ask(t, '11-presumed.graphql', { mailbox, sessionIds });
      const want = presumedReference(mailbox, sessionIds);
      const edges = exposure.presumedMessages.edges.map(({ node }: any) => [node.syncedAt, node.folder.path, node.internetMessageId, node.evidence]);
      expect(sorted(edges.map((e: string[]) => e.join(' ')))).toEqual(sorted(want.map((e) => e.join(' '))));
      expect(exposure.presumedMessages.totalCount).toBe(want.length);
      expect(exposure.presumedMessageCount).toBe(new Set(want.map((e) => e[2])).size);
      expect(exposure.presumedMessages.pageInfo.hasNextPage).toBe(false);
      if (sessionIds) for (const { node } of exposure.presumedMessages.edges) expect(sessionIds).toContain(node.session.sessionId);
    });

    test('alice\'s Outlook synced her Inbox after the attacker\'s binds there: those messages are BOUND_BEFORE', async () => {
      const { exposure } = await ask(t, '11-presumed.graphql', { mailbox: 'alice@contoso.com', sessionIds: [ids.S_ALICE_OUTLOOK] });
      expect(exposure.presumedMessageCount).toBeGreaterThan(0);
      expect(exposure.presumedMessages.edges.some(({ node }: any) => node.evidence === 'BOUND_BEFORE' && node.folder.path === '\\Inbox')).toBe(true);
    });
  });

  describe('12 whom to notify, about which messages', () => {
    test.each([
      ['the attacker, every mailbox', ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'dave@contoso.com'], [ids.S_ATTACK]],
      ['alice\'s Outlook desktop', ['alice@contoso.com'], [ids.S_ALICE_OUTLOOK]],
      ['bob\'s desktop', ['bob@contoso.com'], [ids.S_BOB_DESKTOP]],
    ])('%s', async (_name, mailboxes, sessionIds) => {
      const rows: string[] = [];
      let after: string | null = null;
      for (;;) {
        const { notificationList }: any = await ask(t, '12-notification-list.graphql', { mailboxes, sessionIds, after });
        rows.push(...notificationList.edges.map(({ node }: any) => `${node.mailbox.userPrincipalName} ${node.internetMessageId} ${node.tier}`));
        expect(notificationList.totalCount).toBe(notificationReference(mailboxes, sessionIds).length);
        if (!notificationList.pageInfo.hasNextPage) break;
        after = notificationList.pageInfo.endCursor;
      }
      expect(sorted(rows)).toEqual(notificationReference(mailboxes, sessionIds));
    });
  });
});
