/**
 * Timeline export of the planted incident: the attacker session as Timesketch JSONL over HTTP compared to an
 * expected file, the CSV shapes, the CLI, and the refusals. Row counts and order are also checked against the
 * fixture records themselves, so the expected file cannot drift unnoticed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { startTestServer, type TestServer } from '../support/server';
import { runCli, tempDir } from '../support/cli';
import { ids, importIncident } from './contract-queries';

const EXPECTED_JSONL = path.join(__dirname, '../expected/timeline-attack-session.jsonl');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const records: Record<string, unknown>[] = require('../fixtures/incident/records.json');

describe('timeline export', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await importIncident(t);
  });
  afterAll(async () => t.close());

  const get = (query: Record<string, string>, key: string | null = t.key) =>
    fetch(`${t.url}/exports/timeline?${new URLSearchParams(query)}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  test('the attacker session as Timesketch JSONL equals the expected file', async () => {
    const response = await get({ sessionId: ids.S_ATTACK });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="timeline.jsonl"');
    const body = await response.text();
    expect(body).toBe(fs.readFileSync(EXPECTED_JSONL, 'utf8'));

    const lines = body.trimEnd().split('\n').map((l) => JSON.parse(l));
    const fromFixture = records.filter((r) => r.SessionId === ids.S_ATTACK);
    expect(lines).toHaveLength(fromFixture.length);
    expect(lines.map((l) => l.record_id).sort()).toEqual(fromFixture.map((r) => String(r.Id).toLowerCase()).sort());
    for (const l of lines) expect(Object.keys(l).slice(0, 3)).toEqual(['message', 'datetime', 'timestamp_desc']);
    const times = lines.map((l) => l.datetime);
    expect(times).toEqual([...times].sort());
  });

  test('a mailbox in a window, as Timesketch CSV and as plain CSV', async () => {
    const window = { mailbox: 'Carol@Contoso.com', from: '2025-03-11T00:00:00Z', to: '2025-03-11T23:59:59Z' };
    const carol = records.filter((r) => r.MailboxOwnerUPN === 'carol@contoso.com' && String(r.CreationTime).startsWith('2025-03-11'));
    const sketch = await (await get({ ...window, format: 'timesketch-csv' })).text();
    const sketchLines = sketch.trimEnd().split('\r\n');
    expect(sketchLines[0]).toBe(
      'message,datetime,timestamp_desc,operation,mail_access_type,mailbox,user_id,session_id,client_ip,client_app_id,operation_count,is_throttled,record_id,batch_id,source_line',
    );
    expect(sketchLines).toHaveLength(carol.length + 1);
    expect(sketch).toMatch(/MailItemsAccessed Bind on carol@contoso\.com by carol@contoso\.com .*\[throttled\],2025-03-11T14:22:31\.000Z,Audit record created,/);
    const plain = await (await get({ ...window, format: 'csv' })).text();
    expect(plain.split('\r\n')[0]).toBe('time,operation,mail_access_type,mailbox,user_id,session_id,client_ip,client_app_id,operation_count,is_throttled,record_id,batch_id,source_line');
    expect(plain.trimEnd().split('\r\n')).toHaveLength(carol.length + 1);
  });

  test('an IP in any spelling gives the same rows', async () => {
    const a = await (await get({ clientIp: ids.IP_ATTACK_1 })).text();
    const b = await (await get({ clientIp: '203.0.113.10:51234' })).text();
    expect(a.length).toBeGreaterThan(0);
    expect(b).toBe(a);
  });

  test('refusals say what to fix; no key, no export', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /name a mailbox, a sessionId or a clientIp/],
      [{ clientIp: 'not-an-ip' }, /not an IP address/],
      [{ mailbox: 'alice@contoso.com', format: 'xlsx' }, /format must be one of/],
      [{ mailbox: 'alice@contoso.com', from: 'yesterday' }, /from: Invalid DateTime/],
      [{ mailbox: 'alice@contoso.com', from: '2025-03-12T00:00:00Z', to: '2025-03-10T00:00:00Z' }, /swap them/],
    ];
    for (const [query, message] of cases) {
      const response = await get(query);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toMatch(message);
    }
    expect((await get({ mailbox: 'alice@contoso.com' }, null)).status).toBe(401);
  });

  test('the CLI writes the same timeline to a file', async () => {
    const dir = tempDir('timeline');
    const out = path.join(dir, 'attack.jsonl');
    const { code, stderr } = await runCli(['timeline', '--session', ids.S_ATTACK, '--out', out], { env: { DATABASE_URL: t.db.url } });
    expect(stderr).toMatch(new RegExp(`${records.filter((r) => r.SessionId === ids.S_ATTACK).length} record\\(s\\) written`));
    expect(code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(EXPECTED_JSONL, 'utf8'));
    fs.rmSync(dir, { recursive: true, force: true });
    const refused = await runCli(['timeline', '--format', 'pdf', '--mailbox', 'alice@contoso.com'], { env: { DATABASE_URL: t.db.url } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/format must be one of/);
  });

  test('the expected file names the attacker session on every line', () => {
    for (const line of fs.readFileSync(EXPECTED_JSONL, 'utf8').trimEnd().split('\n')) {
      expect(JSON.parse(line)).toMatchObject({ session_id: ids.S_ATTACK, timestamp_desc: 'Audit record created' });
    }
  });
});

describe('a timeline that fails before its first rows', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ READ_STATEMENT_TIMEOUT_MS: '1500' });
    await importIncident(t);
  });
  afterAll(async () => t?.close());

  test('is an error status and type, not a CSV download that reads as an empty timeline', async () => {
    const locker = new Client({ connectionString: t.db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE client_ip IN ACCESS EXCLUSIVE MODE');
      const response = await fetch(`${t.url}/exports/timeline?${new URLSearchParams({ sessionId: ids.S_ATTACK, format: 'csv' })}`, {
        headers: { authorization: `Bearer ${t.key}` },
      });
      const body = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(response.headers.get('content-type')).not.toMatch(/csv/);
      expect(response.headers.get('content-disposition')).toBeNull();
      expect(body).not.toMatch(/^time|^datetime/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });
});
