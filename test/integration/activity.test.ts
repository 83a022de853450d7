/**
 * Issue 12's aggregates: contract/13-activity.graphql (unchanged from the shared contract) and the activity query's
 * buckets compared with counts computed from the fixture incident's own records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';
import { ask, FIXTURES_DIR, importIncident } from './contract-queries';

const HOUR = 3_600_000;
const ALICE = 'alice@contoso.com';
const records: any[] = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'incident/records.json'), 'utf8'));
/** The fixture's CreationTime is UTC without a zone. */
const timeOf = (r: any) => Date.parse(`${r.CreationTime}Z`);

describe('activity: time series for dashboards', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0' });
    await importIncident(t);
  });
  afterAll(async () => t.close());

  const aliceRecords = () => records.filter((r) => String(r.MailboxOwnerUPN ?? r.UserId).toLowerCase() === ALICE);
  const window = () => {
    const times = aliceRecords().map(timeOf);
    return { from: Math.floor(Math.min(...times) / HOUR) * HOUR - HOUR, to: Math.max(...times) + HOUR };
  };

  test('hourly buckets of one mailbox equal the fixture counted by hour; empty hours are zeros; epoch ms accepted', async () => {
    const { from, to } = window();
    const { mailbox } = await ask(t, '09-mailbox.graphql', { upn: ALICE });
    expect(aliceRecords()).toHaveLength(mailbox.recordCount); // the fixture's attribution rule is the product's
    const { data, errors } = (await t.gql(
      'query($from: DateTime!, $to: DateTime!) { activity(interval: HOUR, from: $from, to: $to, mailbox: "ALICE@contoso.com") { key buckets { start records } } }',
      { from, to },
    )).body;
    expect(errors).toBeUndefined();
    expect(data.activity).toHaveLength(1);
    const [series] = data.activity;
    expect(series.key).toBeNull();
    const want = new Map<number, number>();
    for (const r of aliceRecords()) want.set(Math.floor(timeOf(r) / HOUR) * HOUR, (want.get(Math.floor(timeOf(r) / HOUR) * HOUR) ?? 0) + 1);
    const starts = series.buckets.map((b: any) => Date.parse(b.start));
    expect(starts[0]).toBe(from);
    expect(starts.every((s: number, i: number) => i === 0 || s - starts[i - 1] === HOUR)).toBe(true);
    expect(series.buckets).toHaveLength(Math.floor(to / HOUR) - from / HOUR + 1);
    expect(series.buckets.map((b: any) => b.records)).toEqual(starts.map((s: number) => want.get(s) ?? 0));
  });

  test('contract 13: by client IP, top 5; each series adds up to that IP\'s records of the mailbox', async () => {
    const { from, to } = window();
    const { activity } = await ask(t, '13-activity.graphql', { from: new Date(from).toISOString(), to: new Date(to).toISOString(), mailbox: ALICE });
    expect(activity.length).toBeGreaterThan(0);
    expect(activity.length).toBeLessThanOrEqual(5);
    const totals = activity.map((s: any) => s.buckets.reduce((n: number, b: any) => n + b.records, 0));
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    for (const series of activity) {
      const { auditRecords } = (await t.gql('query($ip: String) { auditRecords(filter: { mailbox: "alice@contoso.com", clientIp: $ip }) { totalCount } }', { ip: series.key })).body.data;
      expect(series.buckets.reduce((n: number, b: any) => n + b.records, 0)).toBe(auditRecords.totalCount);
      expect(series.buckets.every((b: any) => b.operations >= b.records && b.messages >= 0)).toBe(true);
    }
  });

  test('too many buckets and a bad top are refused with a message that says what to do', async () => {
    const tooMany = await t.gql('{ activity(interval: MINUTE, from: "2025-01-01T00:00:00Z", to: "2025-03-01T00:00:00Z") { key } }');
    expect(tooMany.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/use a longer interval/) });
    const top = await t.gql('{ activity(interval: DAY, from: "2025-01-01T00:00:00Z", to: "2025-03-01T00:00:00Z", top: 0) { key } }');
    expect(top.body.errors[0].message).toMatch(/top must be between 1 and 100/);
  });
});
