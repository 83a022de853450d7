/**
 * Issue 12's dashboard aggregates by COUNTRY and ASN, and the top-N tables (activityTop), compared with counts
 * computed here from the records this test writes: public addresses of several countries and networks, messages
 * shared between addresses, OperationCount, an address the offline data cannot place and a record without one.
 */
import { enrichIp } from '../../src/enrich';
import { startTestServer, type TestServer } from '../support/server';

const HOUR = 3_600_000;
const MAILBOX = 'eve@fabrikam.com';
const START = Date.parse('2025-04-01T00:00:00Z');
/** US and IE share an AS (Google); 2603:10b6:... is Microsoft's, placed in US but without an AS; 192.0.2.5 is placed nowhere. */
const ADDRESSES = ['8.8.8.8', '1.1.1.1', '81.2.69.142', '2a00:1450:4001:82a::200e', '185.220.101.1', '2603:10b6:930:3d::7', '192.0.2.5', null];
const APPS = ['00000002-0000-0ff1-ce00-000000000000', 'd3590ed6-52b3-4102-aeff-aad2292ab01c'];
const SESSIONS = ['5b0c2f1e-7a4d-4c1b-9e2f-0a1b2c3d4e01', '5b0c2f1e-7a4d-4c1b-9e2f-0a1b2c3d4e02', '5b0c2f1e-7a4d-4c1b-9e2f-0a1b2c3d4e03'];

interface Written {
  time: number;
  ip: string | null;
  app: string;
  session: string;
  operations: number;
  messages: string[];
}

/** The Bind record of `w` in `mailbox`, as an export line, under the Id `id`. */
function bindLine(w: Written, id: string, mailbox: string): string {
  return JSON.stringify({
    CreationTime: new Date(w.time).toISOString().replace('.000Z', ''),
    Id: id,
    Operation: 'MailItemsAccessed',
    RecordType: 50,
    ResultStatus: 'Succeeded',
    UserType: 0,
    Workload: 'Exchange',
    UserId: mailbox,
    MailboxOwnerUPN: mailbox,
    AppId: w.app,
    ...(w.ip ? { ClientIPAddress: w.ip } : {}),
    LogonType: 0,
    ...(w.session ? { SessionId: w.session } : {}),
    OperationCount: w.operations,
    OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }],
    Folders: [{ Path: '\\Inbox', FolderItems: [...new Set(w.messages)].map((m) => ({ InternetMessageId: m })) }],
  });
}

/** 48 Bind records over 6.3 hours; message ids from a pool of 20, so addresses share messages. */
function writeRecords(): { lines: string; written: Written[] } {
  const written: Written[] = [];
  const lines: string[] = [];
  for (let i = 0; i < 48; i++) {
    const w: Written = {
      time: START + i * 8 * 60_000 + (i % 4) * 1000,
      ip: ADDRESSES[(i * 5) % ADDRESSES.length],
      app: APPS[i % 3 === 0 ? 1 : 0],
      session: SESSIONS[i % SESSIONS.length],
      operations: 0,
      messages: Array.from({ length: 1 + (i % 3) }, (_, k) => `<m${(i * 7 + k * 3) % 20}@fabrikam.com>`),
    };
    // An aggregated record may stand for more operations than it lists items.
    w.operations = w.messages.length + (i % 6 === 0 ? 2 : 0);
    written.push(w);
    lines.push(bindLine(w, `7e1d0c2b-0000-4000-8000-${String(i).padStart(12, '0')}`, MAILBOX));
  }
  return { lines: lines.join('\n') + '\n', written };
}

const GROUP_KEY: Record<string, (w: Written) => string | null> = {
  CLIENT_IP: (w) => w.ip,
  APP: (w) => w.app,
  SESSION: (w) => w.session,
  COUNTRY: (w) => (w.ip ? enrichIp(w.ip).country : null),
  ASN: (w) => {
    const asn = w.ip ? enrichIp(w.ip).asn : null;
    return asn === null ? null : String(asn);
  },
};

/** What one group value adds up to, counted from the written records. */
function tally(records: Written[]) {
  return {
    records: records.length,
    operations: records.reduce((n, w) => n + w.operations, 0),
    messages: new Set(records.flatMap((w) => w.messages)).size,
  };
}

function byKey(written: Written[], groupBy: string): Map<string | null, Written[]> {
  const groups = new Map<string | null, Written[]>();
  for (const w of written) {
    const key = GROUP_KEY[groupBy](w);
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  return groups;
}

describe('activity by country and network, and top-N tables', () => {
  let t: TestServer;
  const { lines, written } = writeRecords();
  const from = new Date(START).toISOString();
  const to = new Date(START + 7 * HOUR).toISOString();

  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0' });
    const [batch] = await t.importer.importContent(lines, { orgId: 1, fileName: 'eve.ndjson', source: 'cli' });
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 48, rejected: 0 });
  });
  afterAll(async () => t.close());

  test('the written data spans several countries and networks, one shared by two countries', () => {
    const countries = byKey(written, 'COUNTRY');
    expect([...countries.keys()].filter(Boolean).length).toBeGreaterThanOrEqual(4);
    expect(countries.has(null)).toBe(true);
    expect(byKey(written, 'ASN').get('15169')!.map((w) => w.ip)).toEqual(expect.arrayContaining(['8.8.8.8', '2a00:1450:4001:82a::200e']));
  });

  test.each(['COUNTRY', 'ASN'])('hourly series by %s: every bucket equals the records written in that hour for that key', async (groupBy) => {
    const { body } = await t.gql(
      `query($from: DateTime!, $to: DateTime!) { activity(interval: HOUR, from: $from, to: $to, groupBy: ${groupBy}, mailbox: "${MAILBOX}", top: 20) { key label buckets { start records operations messages } } }`,
      { from, to },
    );
    expect(body.errors).toBeUndefined();
    const groups = byKey(written, groupBy);
    expect(body.data.activity.map((s: any) => s.key).sort()).toEqual([...groups.keys()].sort());
    for (const series of body.data.activity) {
      const mine = groups.get(series.key)!;
      expect(series.buckets).toHaveLength(8);
      for (const bucket of series.buckets) {
        const start = Date.parse(bucket.start);
        const inBucket = mine.filter((w) => w.time >= start && w.time < start + HOUR);
        expect({ key: series.key, start: bucket.start, ...tally(inBucket) }).toEqual({ key: series.key, start: bucket.start, records: bucket.records, operations: bucket.operations, messages: bucket.messages });
      }
    }
    if (groupBy === 'ASN') expect(body.data.activity.find((s: any) => s.key === '15169').label).toBe('Google LLC');
  });

  test.each(['CLIENT_IP', 'APP', 'SESSION', 'COUNTRY', 'ASN'])('activityTop by %s: each row equals the written records of its key, ranked by messages then records', async (groupBy) => {
    const { body } = await t.gql(
      `query($from: DateTime!, $to: DateTime!) { activityTop(groupBy: ${groupBy}, from: $from, to: $to, mailbox: "${MAILBOX}", first: 20) { key label messages records operations firstSeen lastSeen } }`,
      { from, to },
    );
    expect(body.errors).toBeUndefined();
    const rows = body.data.activityTop;
    const want = [...byKey(written, groupBy)].map(([key, records]) => ({
      key,
      ...tally(records),
      firstSeen: new Date(Math.min(...records.map((w) => w.time))).toISOString(),
      lastSeen: new Date(Math.max(...records.map((w) => w.time))).toISOString(),
    }));
    const ordered = (xs: any[]) => [...xs].sort((a, b) => String(a.key).localeCompare(String(b.key)));
    expect(ordered(rows.map(({ label: _label, ...row }: any) => row))).toEqual(ordered(want));
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]];
      expect(a.messages > b.messages || (a.messages === b.messages && a.records >= b.records)).toBe(true);
    }
    if (groupBy === 'APP') expect(rows.find((r: any) => r.key === APPS[1]).label).toMatch(/Microsoft Office/);
  });

  test('first cuts the table after the highest-ranked rows; other filters narrow it', async () => {
    const all = (await t.gql(`{ activityTop(groupBy: CLIENT_IP, from: "${from}", to: "${to}", first: 20) { key messages records } }`)).body.data.activityTop;
    const two = (await t.gql(`{ activityTop(groupBy: CLIENT_IP, from: "${from}", to: "${to}", first: 2) { key messages records } }`)).body.data.activityTop;
    expect(two).toEqual(all.slice(0, 2));
    const session = SESSIONS[1];
    const { body } = await t.gql(`{ activityTop(groupBy: SESSION, from: "${from}", to: "${to}", sessionId: "${session}") { key records } }`);
    expect(body.data.activityTop).toEqual([{ key: session, records: written.filter((w) => w.session === session).length }]);
  });

  describe('a series of the top groups only (top below the number of groups)', () => {
    // Groups of 6 (no address, no session), 5, 4, 3, 2 and 1 records: the top 3 are unambiguous, and one is the null key.
    const OTHER = 'mallory@fabrikam.com';
    const sizes = [6, 5, 4, 3, 2, 1];
    const skewed: Written[] = sizes.flatMap((size, g) =>
      Array.from({ length: size }, (_, i) => ({
        time: START + (g * 7 + i) * 11 * 60_000,
        ip: g === 0 ? null : `203.0.113.${g}`,
        app: APPS[0],
        session: g === 0 ? '' : `5b0c2f1e-7a4d-4c1b-9e2f-0a1b2c3d4f0${g}`,
        operations: 1,
        messages: [`<s${(g + i) % 5}@fabrikam.com>`, `<s${i % 3}@fabrikam.com>`],
      })),
    );
    beforeAll(async () => {
      const lines = skewed.map((w, i) => bindLine(w, `7e1d0c2b-0000-4000-8000-1${String(i).padStart(11, '0')}`, OTHER));
      const [batch] = await t.importer.importContent(lines.join('\n') + '\n', { orgId: 1, fileName: 'mallory.ndjson', source: 'cli' });
      expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsInserted: skewed.length });
    });

    test.each(['CLIENT_IP', 'SESSION', 'MAILBOX', 'APP'])('by %s: the groups with the most records, each bucket as written', async (groupBy) => {
      const keyOf = (w: Written) => ({ CLIENT_IP: w.ip, SESSION: w.session || null, MAILBOX: OTHER, APP: w.app })[groupBy]!;
      const { body } = await t.gql(
        `query($from: DateTime!, $to: DateTime!) { activity(interval: HOUR, from: $from, to: $to, groupBy: ${groupBy}, mailbox: "${OTHER}", top: 3) { key buckets { start records operations messages } } }`,
        { from, to: new Date(START + 8 * HOUR).toISOString() },
      );
      expect(body.errors).toBeUndefined();
      const groups = new Map<string | null, Written[]>();
      for (const w of skewed) groups.set(keyOf(w), [...(groups.get(keyOf(w)) ?? []), w]);
      const want = [...groups].sort((a, b) => b[1].length - a[1].length).slice(0, 3);
      expect(body.data.activity.map((x: any) => x.key)).toEqual(want.map(([key]) => key));
      for (const [series, [, mine]] of body.data.activity.map((x: any, i: number) => [x, want[i]])) {
        for (const bucket of series.buckets) {
          const start = Date.parse(bucket.start);
          const inBucket = (mine as Written[]).filter((w) => w.time >= start && w.time < start + HOUR);
          const got = { key: series.key, start: bucket.start, records: bucket.records, operations: bucket.operations, messages: bucket.messages };
          expect(got).toEqual({ key: series.key, start: bucket.start, ...tally(inBucket.map((w) => ({ ...w, messages: [...new Set(w.messages)] }))) });
        }
        expect(series.buckets.reduce((n: number, b: any) => n + b.records, 0)).toBe((mine as Written[]).length);
      }
    });
  });

  describe('activityTop by session: sessions counted in the order of their kept counts', () => {
    // Five sessions with many messages overall but one record in the window, and one (the last by kept count) with few
    // messages overall, all of them in the window: with first 1 only 4 sessions are counted first, so the window's
    // best session is found only by the second pass, which takes every session whose kept count can still rank.
    const TRENT = 'trent@fabrikam.com';
    const WINDOW = { from: new Date(START + 10 * HOUR).toISOString(), to: new Date(START + 11 * HOUR - 1).toISOString() };
    const busy = ['a', 'b', 'c', 'd', 'e'].map((x) => `6c000000-0000-4000-8000-00000000000${x}`);
    const quiet = '6c000000-0000-4000-8000-00000000000f';
    const rows: Written[] = [];
    busy.forEach((session, b) => {
      rows.push({ time: START + 10 * HOUR + b * 60_000, ip: null, app: APPS[0], session, operations: 1, messages: [`<w${b}@fabrikam.com>`] });
      for (let i = 0; i < 9; i++) {
        rows.push({ time: START + 12 * HOUR + (b * 9 + i) * 60_000, ip: null, app: APPS[0], session, operations: 1, messages: [0, 1, 2].map((k) => `<b${b}-${i}-${k}@fabrikam.com>`) });
      }
    });
    for (let i = 0; i < 3; i++) {
      rows.push({ time: START + 10 * HOUR + (30 + i) * 60_000, ip: null, app: APPS[0], session: quiet, operations: 1, messages: [`<q${i}a@fabrikam.com>`, `<q${i}b@fabrikam.com>`] });
    }
    beforeAll(async () => {
      const lines = rows.map((w, i) => bindLine(w, `7e1d0c2b-0000-4000-8000-2${String(i).padStart(11, '0')}`, TRENT));
      const [batch] = await t.importer.importContent(lines.join('\n') + '\n', { orgId: 1, fileName: 'trent.ndjson', source: 'cli' });
      expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsInserted: rows.length });
      // The import kept each session's count (session-counts.ts): the order the first pass follows.
      const kept = await t.db.dataSource.query('SELECT session_id, bound_message_count::int AS n FROM session WHERE session_id = ANY($1) ORDER BY n DESC', [[...busy, quiet]]);
      expect(kept.map((k: { session_id: string }) => k.session_id).at(-1)).toBe(quiet);
    });

    const expected = (first: number, window: { from: string; to: string }) => {
      const inWindow = rows.filter((w) => w.time >= Date.parse(window.from) && w.time <= Date.parse(window.to));
      const groups = new Map<string, Written[]>();
      for (const w of inWindow) groups.set(w.session, [...(groups.get(w.session) ?? []), w]);
      return [...groups]
        .map(([key, records]) => ({ key, messages: tally(records).messages, records: records.length }))
        .sort((a, b) => b.messages - a.messages || b.records - a.records || (a.key < b.key ? -1 : 1))
        .slice(0, first);
    };
    const ask = async (first: number, window: { from: string; to: string }) => {
      const { body } = await t.gql(
        `query($from: DateTime!, $to: DateTime!) { activityTop(groupBy: SESSION, from: $from, to: $to, mailbox: "${TRENT}", first: ${first}) { key messages records } }`,
        window,
      );
      expect(body.errors).toBeUndefined();
      return body.data.activityTop;
    };

    test.each([1, 2, 6])('first %i in a window where the best session has the smallest kept count', async (first) => {
      const want = expected(first, WINDOW);
      expect(want[0].key).toBe(quiet);
      expect(await ask(first, WINDOW)).toEqual(want);
    });

    test('over all their records, and with a session not counted yet (its kept count NULL, as during an import)', async () => {
      const all = { from, to: new Date(START + 14 * HOUR).toISOString() };
      expect(await ask(3, all)).toEqual(expected(3, all));
      await t.db.dataSource.query('UPDATE session SET bound_message_count = NULL, message_access_count = NULL WHERE session_id = $1', [quiet]);
      expect(await ask(1, WINDOW)).toEqual(expected(1, WINDOW));
    });
  });

  test('a bad first, or from after to, is refused with what to fix', async () => {
    const bad = await t.gql(`{ activityTop(groupBy: APP, from: "${from}", to: "${to}", first: 101) { key } }`);
    expect(bad.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/first must be between 1 and 100/) });
    const swapped = await t.gql(`{ activityTop(groupBy: APP, from: "${to}", to: "${from}") { key } }`);
    expect(swapped.body.errors[0].message).toMatch(/swap them/);
  });
});
