/**
 * What an exposure answer could not see: coverage of the window by imported data (and by which batches), the
 * documented throttling threshold without a flag, and filter values found in no record.
 */
import { startTestServer, type TestServer } from '../support/server';
import { ids, importIncident, iso } from './contract-queries';

const EXPOSURE = `query($mailbox: String!, $from: DateTime, $to: DateTime, $sessionIds: [String!], $clientIps: [String!], $clientAppIds: [String!]) {
  exposure(mailbox: $mailbox, from: $from, to: $to, sessionIds: $sessionIds, clientIps: $clientIps, clientAppIds: $clientAppIds) {
    boundMessageCount
    unauditedWindows { start end reason detail }
    coverage { covered { start end reason detail } uncovered { start end reason } }
    warnings { code message values } } }`;

const HOUR = 3600_000;

/** A MailItemsAccessed Bind record of `upn` at `at`, one message; `throttled` sets IsThrottled=True. */
function bind(upn: string, at: Date, n: number, throttled = false) {
  return JSON.stringify({
    CreationTime: at.toISOString().slice(0, 19),
    Id: `${upn}-${n}`,
    Operation: 'MailItemsAccessed',
    OrganizationId: '3f9b2c71-5d4e-4a8b-9c1f-7e6d5a4b3c21',
    RecordType: 50,
    UserType: 0,
    Workload: 'Exchange',
    UserId: upn,
    MailboxOwnerUPN: upn,
    ClientIPAddress: '192.0.2.200',
    SessionId: `session-${upn}`,
    LogonType: 0,
    OperationProperties: [
      { Name: 'MailAccessType', Value: 'Bind' },
      { Name: 'IsThrottled', Value: throttled ? 'True' : 'False' },
    ],
    Folders: [{ Path: '\\Inbox', FolderItems: [{ InternetMessageId: `<m${n}@${upn.split('@')[1]}>` }] }],
    OperationCount: 1,
  });
}

/** `count` records of `upn`, `stepMs` apart from `start`; the record numbered `flagAt` is throttled. */
const burst = (upn: string, start: Date, count: number, stepMs: number, flagAt = -1) =>
  Array.from({ length: count }, (_, i) => bind(upn, new Date(start.getTime() + i * stepMs), i, i === flagAt)).join('\n');

describe('coverage, throttling threshold and unknown filter values', () => {
  let t: TestServer;
  let laterBatch: string;
  beforeAll(async () => {
    t = await startTestServer();
    await importIncident(t);
    const [later] = await t.importer.importContent(bind('alice@contoso.com', new Date('2025-03-20T10:00:00Z'), 9001), {
      orgId: 1,
      fileName: 'later.ndjson',
      source: 'cli',
    });
    laterBatch = later.id;
    const start = new Date('2025-04-01T00:00:00Z');
    const bursts = [
      burst('heavy@contoso.com', start, 1001, 60_000), // 1,001 records in 1,000 minutes: over the threshold
      burst('steady@contoso.com', start, 1000, 60_000), // exactly 1,000 in 24 hours: not over
      burst('spread@contoso.com', start, 1001, 90_000), // 1,001 records over 25 hours: never 1,001 within 24
      burst('flagged@contoso.com', start, 1001, 60_000, 1000), // over, but the flag is imported and explains it
    ];
    const [batch] = await t.importer.importContent(bursts.join('\n'), { orgId: 1, fileName: 'bursts.ndjson', source: 'cli' });
    if (batch.status !== 'SUCCEEDED' || batch.recordsInserted !== 4003) throw new Error(`bursts import: ${JSON.stringify(batch)}`);
  });
  afterAll(async () => t.close());

  async function ok(query: string, variables: Record<string, unknown> = {}) {
    const { body } = await t.gql(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  test('a window half-covered by data: covered and uncovered parts, and a warning', async () => {
    const { exposure } = await ok(EXPOSURE, { mailbox: 'alice@contoso.com', from: '2025-03-05T00:00:00Z', to: '2025-03-09T00:00:00Z' });
    expect(exposure.coverage.uncovered.map((w: any) => [iso(w.start), iso(w.end), w.reason])).toEqual([['2025-03-05T00:00:00Z', '2025-03-07T08:12:45Z', 'NO_DATA']]);
    expect(exposure.coverage.covered.map((w: any) => [iso(w.start), iso(w.end), w.reason])).toEqual([['2025-03-07T08:12:45Z', '2025-03-09T00:00:00Z', 'DATA']]);
    expect(exposure.warnings.map((w: any) => w.code)).toEqual(['PARTIAL_COVERAGE']);
    expect(exposure.warnings[0].message).toMatch(/56\.2 hours/);
  });

  test('a gap between two batches is uncovered; an open window ends at the data', async () => {
    const { exposure } = await ok(EXPOSURE, { mailbox: 'alice@contoso.com' });
    expect(exposure.coverage.covered).toHaveLength(2);
    expect(exposure.coverage.covered[1]).toMatchObject({ start: '2025-03-20T10:00:00.000Z', end: '2025-03-20T10:00:00.000Z', reason: 'DATA' });
    expect(exposure.coverage.covered[1].detail).toMatch(new RegExp(`batch ${laterBatch}$`));
    expect(exposure.coverage.uncovered).toHaveLength(1);
    expect(iso(exposure.coverage.uncovered[0].end)).toBe('2025-03-20T10:00:00Z');
    expect(iso(exposure.coverage.covered[0].start)).toBe('2025-03-07T08:12:45Z');
  });

  test('a window without data says so: nothing covered, NO_DATA, not a bare 0', async () => {
    const { exposure } = await ok(EXPOSURE, { mailbox: 'alice@contoso.com', from: '2024-01-01T00:00:00Z', to: '2024-01-31T00:00:00Z' });
    expect(exposure.boundMessageCount).toBe(0);
    expect(exposure.coverage.covered).toEqual([]);
    expect(exposure.coverage.uncovered).toEqual([{ start: '2024-01-01T00:00:00.000Z', end: '2024-01-31T00:00:00.000Z', reason: 'NO_DATA' }]);
    expect(exposure.warnings.map((w: any) => w.code)).toEqual(['NO_DATA']);
  });

  test('a fully covered window has no coverage warning', async () => {
    const { exposure } = await ok(EXPOSURE, { mailbox: 'alice@contoso.com', from: '2025-03-08T00:00:00Z', to: '2025-03-10T00:00:00Z' });
    expect(exposure.coverage.uncovered).toEqual([]);
    expect(exposure.warnings).toEqual([]);
  });

  test('unknown session ids, IPs and app ids are reported, known ones are not', async () => {
    const { exposure } = await ok(EXPOSURE, {
      mailbox: 'alice@contoso.com',
      from: '2025-03-08T00:00:00Z',
      to: '2025-03-10T00:00:00Z',
      sessionIds: [ids.S_ATTACK, 'no-such-session'],
      clientIps: ['203.0.113.10', '192.0.2.99'],
      clientAppIds: ['00000000-1111-2222-3333-444444444444'],
    });
    expect(exposure.warnings.map((w: any) => [w.code, w.values])).toEqual([
      ['UNKNOWN_SESSION_ID', ['no-such-session']],
      ['UNKNOWN_CLIENT_IP', ['192.0.2.99']],
      ['UNKNOWN_APP_ID', ['00000000-1111-2222-3333-444444444444']],
    ]);
  });

  test('over 1,000 MailItemsAccessed records within 24 hours and no flag: a THRESHOLD window', async () => {
    const { exposure } = await ok(EXPOSURE, { mailbox: 'heavy@contoso.com' });
    // The 1,001st record (minute 1,000) passes the threshold; Bind is presumed unaudited for 24 hours after it.
    expect(exposure.unauditedWindows.map((w: any) => [iso(w.start), iso(w.end), w.reason])).toEqual([
      ['2025-04-01T16:40:00Z', '2025-04-02T16:40:00Z', 'THRESHOLD'],
    ]);
    expect(exposure.unauditedWindows[0].detail).toMatch(/no IsThrottled flag was imported/);
    for (const upn of ['steady@contoso.com', 'spread@contoso.com']) {
      expect((await ok(EXPOSURE, { mailbox: upn })).exposure.unauditedWindows).toEqual([]);
    }
  });

  test('the threshold passed with the flag imported: only the THROTTLED_FLAG window', async () => {
    const { exposure } = await ok(EXPOSURE, { mailbox: 'flagged@contoso.com' });
    expect(exposure.unauditedWindows.map((w: any) => [iso(w.start), iso(w.end), w.reason])).toEqual([
      ['2025-04-01T16:40:00Z', '2025-04-02T16:40:00Z', 'THROTTLED_FLAG'],
    ]);
  });

  test('a mailbox names its covered spans with their batches, and its records per day with empty days', async () => {
    const { mailbox } = await ok(`{ mailbox(userPrincipalName: "alice@contoso.com") {
      coverage { start end records batches { id fileName } }
      recordsPerDay(from: "2025-03-11T00:00:00Z", to: "2025-03-21T00:00:00Z") { day records } } }`);
    expect(mailbox.coverage).toHaveLength(2);
    expect(mailbox.coverage[1]).toEqual({ start: '2025-03-20T10:00:00.000Z', end: '2025-03-20T10:00:00.000Z', records: 1, batches: [{ id: laterBatch, fileName: 'later.ndjson' }] });
    expect(mailbox.recordsPerDay).toHaveLength(11);
    expect(mailbox.recordsPerDay[9]).toEqual({ day: '2025-03-20T00:00:00.000Z', records: 1 });
    expect(mailbox.recordsPerDay.slice(2, 9).every((d: any) => d.records === 0)).toBe(true);
    const { mailbox: heavy } = await ok(`{ mailbox(userPrincipalName: "heavy@contoso.com") { recordsPerDay { day records } } }`);
    expect(heavy.recordsPerDay).toEqual([{ day: '2025-04-01T00:00:00.000Z', records: 1001 }]);
  });
});
