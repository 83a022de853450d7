/**
 * The notification list of the planted incident, downloaded as CSV and XLSX: compared to expected files, to the
 * GraphQL answer (every page), and to a reference computed here from the fixture records themselves (which
 * (mailbox, message) pairs are confirmed, presumed, unknown), so the expected files cannot drift unnoticed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import yauzl from 'yauzl';
import { notificationReference } from '../support/incident-reference';
import { startTestServer, type TestServer } from '../support/server';
import { ids, importIncident } from './contract-queries';

const EXPECTED = path.join(__dirname, '../expected');
const MAILBOXES = ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'dave@contoso.com'];

/** The questions and their expected files: the attacker everywhere, and alice's Outlook desktop (syncs only). */
const QUESTIONS = {
  attacker: { mailboxes: MAILBOXES, sessionIds: [ids.S_ATTACK], file: 'notification-list-attacker.csv' },
  aliceOutlook: { mailboxes: ['alice@contoso.com'], sessionIds: [ids.S_ALICE_OUTLOOK], file: 'notification-list-alice-outlook.csv' },
};

const LIST = `query($mailboxes: [String!]!, $sessionIds: [String!], $after: String) {
  notificationList(mailboxes: $mailboxes, sessionIds: $sessionIds, first: 3, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { mailbox { userPrincipalName } internetMessageId tier evidence firstAccessedAt lastAccessedAt subject sender recipients
      folders { path } sessions { sessionId } clientIps { address } apps { appId } evidenceRecordIds unauditedReason unauditedDetail } } } }`;

function unzipEntry(zip: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      file.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return file.readEntry();
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      file.on('end', () => reject(new Error(`${name} not in the zip`)));
      file.readEntry();
    });
  });
}

/** The sheet's rows as text cells (inline strings, as the writer makes them). */
function sheetRows(xml: string): string[][] {
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...xml.matchAll(/<row [^>]*>(.*?)<\/row>/g)].map((row) => [...row[1].matchAll(/<c [^>]*><is><t[^>]*>(.*?)<\/t><\/is><\/c>/g)].map((c) => unescape(c[1])));
}

describe('notification list downloads of the planted incident', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await importIncident(t);
  });
  afterAll(async () => t?.close());

  const download = (query: Record<string, string | string[]>, key: string | null = t.key) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) params.append(k, one);
    return fetch(`${t.url}/exports/notification-list?${params}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  };

  describe.each(Object.entries(QUESTIONS))('%s', (_name, q) => {
    let csv: string;
    beforeAll(async () => {
      const response = await download({ mailboxes: q.mailboxes.join(','), sessionIds: q.sessionIds, format: 'csv' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="notification-list.csv"');
      csv = await response.text();
    });

    test('the CSV equals the expected file', () => {
      expect(csv).toBe(fs.readFileSync(path.join(EXPECTED, q.file), 'utf8'));
    });

    test('its rows are the reference computed from the fixture records', () => {
      const rows: Record<string, string>[] = parse(csv, { columns: true });
      expect(rows.map((r) => `${r.mailbox} ${r.internetMessageId} ${r.tier}`).sort()).toEqual(notificationReference(q.mailboxes, q.sessionIds));
    });

    test('the CSV equals the GraphQL answer, page by page', async () => {
      const nodes: any[] = [];
      let after: string | null = null;
      for (;;) {
        const { body }: any = await t.gql(LIST, { mailboxes: q.mailboxes, sessionIds: q.sessionIds, after });
        expect(body.errors).toBeUndefined();
        nodes.push(...body.data.notificationList.edges.map((e: any) => e.node));
        expect(body.data.notificationList.totalCount).toBe(csv.trimEnd().split('\r\n').length - 1);
        if (!body.data.notificationList.pageInfo.hasNextPage) break;
        after = body.data.notificationList.pageInfo.endCursor;
      }
      const list = (xs: string[]) => [...xs].sort().join('; ');
      const fromJson = nodes.map((n) => ({
        mailbox: n.mailbox.userPrincipalName,
        internetMessageId: n.internetMessageId,
        tier: n.tier,
        evidence: n.evidence ?? '',
        firstAccessedAt: n.firstAccessedAt ?? '',
        lastAccessedAt: n.lastAccessedAt ?? '',
        subject: n.subject ?? '',
        sender: n.sender ?? '',
        recipients: n.recipients.join('; '),
        folders: list(n.folders.map((f: any) => f.path)),
        sessions: list(n.sessions.map((s: any) => s.sessionId)),
        clientIps: list(n.clientIps.map((c: any) => c.address)),
        apps: list(n.apps.map((a: any) => a.appId)),
        evidenceRecordIds: n.evidenceRecordIds.join('; '),
        unauditedReason: n.unauditedReason ?? '',
        unauditedDetail: n.unauditedDetail ?? '',
      }));
      const fromCsv = (parse(csv, { columns: true }) as Record<string, string>[]).map((r) => ({
        ...r,
        ...Object.fromEntries(['folders', 'sessions', 'clientIps', 'apps'].map((k) => [k, list(r[k] ? r[k].split('; ') : [])])),
      }));
      expect(fromCsv).toEqual(fromJson);
    });

    test('the XLSX download opens as a workbook whose sheet holds the same rows as the CSV', async () => {
      const response = await download({ mailboxes: q.mailboxes, sessionIds: q.sessionIds, format: 'xlsx' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const zip = Buffer.from(await response.arrayBuffer());
      expect(await unzipEntry(zip, '[Content_Types].xml')).toContain('/xl/worksheets/sheet1.xml');
      expect(await unzipEntry(zip, 'xl/workbook.xml')).toContain('<sheet name="Notification list"');
      const sheet = sheetRows(await unzipEntry(zip, 'xl/worksheets/sheet1.xml'));
      expect(sheet).toEqual(parse(csv, { relaxColumnCount: false }));
    });
  });

  test('the attacker list names carol\'s throttled day as UNKNOWN and no presumed rows (the attacker synced nothing)', async () => {
    const csv = await (await download({ mailboxes: MAILBOXES.join(','), sessionIds: ids.S_ATTACK })).text();
    const rows: Record<string, string>[] = parse(csv, { columns: true });
    expect(rows.filter((r) => r.tier === 'UNKNOWN')).toEqual([
      expect.objectContaining({ mailbox: 'carol@contoso.com', internetMessageId: '*', firstAccessedAt: '2025-03-11T14:22:31.000Z', unauditedReason: 'THROTTLED_FLAG' }),
    ]);
    expect(rows.some((r) => r.tier === 'PRESUMED')).toBe(false);
  });

  test('refusals: no key 401, no mailbox or an unknown one 400 naming it, a bad format or time 400', async () => {
    expect((await download({ mailboxes: 'alice@contoso.com' }, null)).status).toBe(401);
    for (const [query, words] of [
      [{}, 'at least one mailbox'],
      [{ mailboxes: 'alice@contoso.com,ghost@contoso.com' }, 'ghost@contoso.com'],
      [{ mailboxes: 'alice@contoso.com', format: 'pdf' }, 'format'],
      [{ mailboxes: 'alice@contoso.com', from: 'yesterday' }, 'from'],
    ] as const) {
      const response = await download(query as Record<string, string>);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain(words);
    }
  });
});

describe('a notification list that fails before its first rows', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ READ_STATEMENT_TIMEOUT_MS: '1500' });
    await importIncident(t);
  });
  afterAll(async () => t?.close());

  test('is an error status, never a 200 whose header line reads as an empty list', async () => {
    // Only the list's own statement reads message_detail: the mailboxes resolve, then the list times out.
    const locker = new Client({ connectionString: t.db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE message_detail IN ACCESS EXCLUSIVE MODE');
      const response = await fetch(`${t.url}/exports/notification-list?mailboxes=${MAILBOXES.join(',')}&format=csv`, {
        headers: { authorization: `Bearer ${t.key}` },
      });
      const body = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(response.headers.get('content-type')).not.toMatch(/csv/);
      expect(body).not.toMatch(/^mailbox,/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // Unlocked, the same download is whole.
    const again = await fetch(`${t.url}/exports/notification-list?mailboxes=${MAILBOXES.join(',')}&format=csv`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(again.status).toBe(200);
    expect((await again.text()).split('\n').length).toBeGreaterThan(2);
  });
});
