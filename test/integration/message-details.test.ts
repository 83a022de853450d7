/**
 * Message details from message trace and eDiscovery exports, through the real importer (CLI path and POST /imports)
 * and the real server: detection, rejections, idempotent re-import, verbatim evidence, mailbox inventory, and
 * Message.subject / sender / recipients / details. The fixtures (test/fixtures/message-details/) name subjects,
 * senders and folders, so every answer below is known by construction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makeBindRecord, makeSyncRecord, toNdjson } from '../fixtures/generate.cjs';
import { unpackBlock } from '../../src/evidence/blocks';
import { verifyEvidence } from '../../src/evidence/verify';
import type { QueryCounter } from '../../src/db/query-counter';
import { startTestServer, type TestServer } from '../support/server';

const DIR = path.join(__dirname, '../fixtures/message-details');
const fixture = (name: string) => path.join(DIR, name);

const M1 = '<m1-board@contoso.com>';
const M2_BOUND = '<M2-Wire@Partner.EXAMPLE>'; // the trace spells the domain in lower case: the same message
const M4 = '<m4-invoice@partner.example>';
const M7 = '<m7-no-details@contoso.com>';

const MESSAGE = `query($id: String!) { message(internetMessageId: $id) {
  internetMessageId subject sender recipients
  details { source subject sender recipients receivedAt sizeInBytes folderPath line importBatch { fileName format sha256 } }
} }`;

/** Binds that make the messages Messages (the API answers for bound messages) and give alice an Id-keyed \Inbox. */
function binds(): string {
  return toNdjson([
    makeBindRecord({ time: '2025-03-10T03:20:00', mailbox: 'alice@contoso.com', sessionId: '11111111-2222-3333-4444-555555555555', clientIp: '203.0.113.10', folders: [{ path: '\\Inbox', items: [M1, M2_BOUND, M4, M7] }] }),
    makeBindRecord({ time: '2025-03-10T03:25:00', mailbox: 'bob@contoso.com', sessionId: '11111111-2222-3333-4444-666666666666', clientIp: '203.0.113.10', folders: [{ path: '\\Inbox', items: [M1] }] }),
  ]);
}

async function count(t: TestServer, table: string): Promise<number> {
  const [row] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

async function importFile(t: TestServer, name: string, format?: string) {
  const [batch] = await t.importer.importFile(fixture(name), { orgId: 1, source: 'cli', ...(format ? { format: format as never } : {}) });
  return batch;
}

async function rejectionsOf(t: TestServer, id: string) {
  const { body } = await t.gql('query($id: ID!) { importBatch(id: $id) { format rejections(first: 50) { edges { node { line reason excerpt } } } } }', { id });
  return body.data.importBatch.rejections.edges.map((e: { node: { line: number; reason: string } }) => [e.node.line, e.node.reason]);
}

describe('message details: message trace and eDiscovery exports', () => {
  let t: TestServer;
  const batches: Record<string, { id: string; recordsInserted: number }> = {};
  beforeAll(async () => {
    t = await startTestServer();
    const [audit] = await t.importer.importContent(binds(), { orgId: 1, source: 'cli', fileName: 'binds.ndjson' });
    expect(audit.status).toBe('SUCCEEDED');
  });
  afterAll(async () => t?.close());

  test('a Get-MessageTraceV2 CSV posted to /imports is detected, loaded, and its bad rows rejected with line and reason', async () => {
    const response = await fetch(`${t.url}/imports?fileName=message-trace-v2.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'text/csv' },
      body: fs.readFileSync(fixture('message-trace-v2.csv')),
    });
    expect(response.status).toBe(200);
    const { batches: [batch] } = (await response.json()) as { batches: Record<string, any>[] };
    expect(batch).toMatchObject({ format: 'MESSAGE_TRACE_V2_CSV', status: 'SUCCEEDED', recordsRead: 7, recordsInserted: 4, duplicates: 0, rejected: 3 });
    expect(batch.warnings.join('\n')).toMatch(/4 records: date could be day\/month or month\/day; read as US month\/day \(e\.g\. line 2/);
    batches.v2 = batch as never;
    expect(await rejectionsOf(t, batch.id)).toEqual([
      [6, 'no message id (MessageId / message_id is empty)'],
      [7, 'received time "yesterday" is not a date'],
      [8, 'expected 10 columns, found 4'],
    ]);
  });

  test('Get-MessageTrace (with its #TYPE line and paging columns), a UTF-16 historical search and an eDiscovery item report', async () => {
    const v1 = await importFile(t, 'message-trace-v1.csv');
    expect(v1).toMatchObject({ format: 'MESSAGE_TRACE_CSV', status: 'SUCCEEDED', recordsRead: 2, recordsInserted: 2, rejected: 0 });
    const historical = await importFile(t, 'historical-search-utf16le.csv');
    expect(historical).toMatchObject({ format: 'MESSAGE_TRACE_HISTORICAL_CSV', status: 'SUCCEEDED', recordsRead: 2, recordsInserted: 1, rejected: 1 });
    const items = await importFile(t, 'ediscovery-items.csv');
    expect(items).toMatchObject({ format: 'EDISCOVERY_ITEMS_CSV', status: 'SUCCEEDED', recordsRead: 6, recordsInserted: 4, rejected: 2 });
    expect(items.warnings.join('\n')).toMatch(/^4 items were placed in a mailbox folder/m);
    expect(await rejectionsOf(t, items.id)).toEqual([
      [5, 'not an email message (Attachment): no Email_message_ID'],
      [6, 'message id "not a message id" is not an InternetMessageId'],
    ]);
    Object.assign(batches, { v1, historical, items });
    expect(await count(t, 'message_detail')).toBe(4 + 2 + 1 + 4);
  });

  test('re-importing every file adds nothing: all rows are duplicates', async () => {
    const before = { details: await count(t, 'message_detail'), inventory: await count(t, 'folder_inventory'), blocks: await count(t, 'evidence_block') };
    for (const [name, inserted] of [['message-trace-v2.csv', 4], ['message-trace-v1.csv', 2], ['historical-search-utf16le.csv', 1], ['ediscovery-items.csv', 4]] as const) {
      const again = await importFile(t, name);
      expect({ name, inserted: again.recordsInserted, duplicates: again.duplicates }).toEqual({ name, inserted: 0, duplicates: inserted });
    }
    expect({ details: await count(t, 'message_detail'), inventory: await count(t, 'folder_inventory'), blocks: await count(t, 'evidence_block') }).toEqual(before);
  });

  test('a file requested as a format it does not fit is refused, naming the header', async () => {
    const refused = await importFile(t, 'ediscovery-items.csv', 'MESSAGE_TRACE_V2_CSV');
    expect(refused.status).toBe('FAILED');
    expect(refused.error).toMatch(/does not fit the requested format MESSAGE_TRACE_V2_CSV/);
  });

  test('Message.subject, sender and recipients come from the strongest source: eDiscovery over message trace', async () => {
    const { body } = await t.gql(MESSAGE, { id: M1 });
    const m = body.data.message;
    expect({ subject: m.subject, sender: m.sender, recipients: m.recipients }).toEqual({
      subject: 'Q1 board pack',
      sender: 'CFO <cfo@contoso.com>',
      recipients: ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'],
    });
    // Two eDiscovery items (alice's and bob's copies), then the trace rows: two from V2, one from V1.
    expect(m.details.map((d: any) => [d.source, d.importBatch.format, d.line, d.recipients.join(';'), d.folderPath])).toEqual([
      ['EDISCOVERY', 'EDISCOVERY_ITEMS_CSV', 2, 'alice@contoso.com;bob@contoso.com;carol@contoso.com', '\\Inbox'],
      ['EDISCOVERY', 'EDISCOVERY_ITEMS_CSV', 7, 'alice@contoso.com;bob@contoso.com;carol@contoso.com', '\\Inbox'],
      ['MESSAGE_TRACE', 'MESSAGE_TRACE_V2_CSV', 2, 'alice@contoso.com', null],
      ['MESSAGE_TRACE', 'MESSAGE_TRACE_V2_CSV', 3, 'bob@contoso.com', null],
      ['MESSAGE_TRACE', 'MESSAGE_TRACE_CSV', 3, 'carol@contoso.com', null],
    ]);
    expect(m.details[2]).toMatchObject({ receivedAt: '2025-03-07T09:12:04.000Z', sizeInBytes: 48211, sender: 'cfo@contoso.com' });
    expect(m.details[0].importBatch).toMatchObject({ fileName: 'ediscovery-items.csv' });
    expect(m.details[0].importBatch.sha256).toMatch(/^[0-9a-f]{64}$/);

    const invoice = (await t.gql(MESSAGE, { id: M4 })).body.data.message;
    expect([invoice.subject, invoice.sender]).toEqual(['RE: Invoice 4471', 'Billing, Partner <billing@partner.example>']);
  });

  test('a trace that spells the domain in another case describes the same message; with only a trace, the trace answers', async () => {
    const m = (await t.gql(MESSAGE, { id: M2_BOUND })).body.data.message;
    expect(m).toMatchObject({ internetMessageId: M2_BOUND, subject: 'Wire instructions, updated', sender: 'treasury@partner.example', recipients: ['alice@contoso.com'] });
    expect(m.details).toHaveLength(1);
  });

  test('a message no export describes has no subject, no sender, no recipients and no details', async () => {
    const m = (await t.gql(MESSAGE, { id: M7 })).body.data.message;
    expect(m).toEqual({ internetMessageId: M7, subject: null, sender: null, recipients: [], details: [] });
  });

  test('the eDiscovery items are the inventory of their folders; a folder the audit log knows by Id is that folder', async () => {
    const rows: { upn: string; path: string; key: string; message: string; detail_line: number; observed: Date; audit_folder: boolean }[] = await t.db.dataSource.query(
      `SELECT mb.user_principal_name AS upn, f.path, f.folder_key AS key, m.internet_message_id AS message, d.source_line AS detail_line,
              i.observed_at AS observed, EXISTS (SELECT 1 FROM message_access a WHERE a.folder_id = f.id) AS audit_folder
       FROM folder_inventory i JOIN folder f ON f.id = i.folder_id JOIN mailbox mb ON mb.id = i.mailbox_id
       JOIN message m ON m.id = i.message_id JOIN message_detail d ON d.id = i.detail_id ORDER BY upn, message`,
    );
    expect(rows.map((r) => [r.upn, r.path, r.message, r.detail_line, r.audit_folder, r.key.startsWith('path:')])).toEqual([
      ['alice@contoso.com', '\\Inbox\\Finance', '<m3-payroll@contoso.com>', 4, false, true],
      ['alice@contoso.com', '\\Inbox', '<m1-board@contoso.com>', 2, true, false],
      ['alice@contoso.com', '\\Inbox', '<m4-invoice@partner.example>', 3, true, false],
      ['bob@contoso.com', '\\Inbox', '<m1-board@contoso.com>', 7, true, false],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[2]).localeCompare(String(b[2]))));
    expect(rows.find((r) => r.detail_line === 4)!.observed.toISOString()).toBe('2025-03-05T07:00:00.000Z');
  });

  test('each row is kept verbatim in an evidence block, and verify re-hashes it', async () => {
    const lines = fs.readFileSync(fixture('ediscovery-items.csv'), 'utf8').split('\r\n');
    const [row] = await t.db.dataSource.query(
      `SELECT b.data, d.raw_offset, d.raw_length FROM message_detail d JOIN evidence_block b ON b.id = d.raw_block_id
       JOIN import_batch ib ON ib.id = d.batch_id WHERE ib.format = 'EDISCOVERY_ITEMS_CSV' AND d.source_line = 3`,
    );
    const text = unpackBlock(row.data).subarray(row.raw_offset, row.raw_offset + row.raw_length).toString('utf8');
    expect(text).toBe(lines[2]);
    const historical = fs.readFileSync(fixture('historical-search-utf16le.csv')).subarray(2).toString('utf16le').split('\r\n');
    const [h] = await t.db.dataSource.query(
      `SELECT b.data, d.raw_offset, d.raw_length FROM message_detail d JOIN evidence_block b ON b.id = d.raw_block_id WHERE d.subject LIKE 'Acquisition%'`,
    );
    expect(unpackBlock(h.data).subarray(h.raw_offset, h.raw_offset + h.raw_length).toString('utf8')).toBe(historical[1]);

    const report = await verifyEvidence(t.db.dataSource);
    expect(report).toMatchObject({ records: 2, details: 11, mismatchCount: 0 });
    await t.db.dataSource.query(`UPDATE message_detail SET raw_sha256 = decode(repeat('00', 32), 'hex') WHERE source_line = 3 AND source = 'EDISCOVERY'`);
    const tampered = await verifyEvidence(t.db.dataSource);
    expect(tampered.mismatchCount).toBe(1);
    expect(tampered.mismatches[0].recordKey).toMatch(/^message_detail:[0-9a-f]{64}$/);
  });

  test('statements per message query do not grow with its number of details', async () => {
    const counter = t.db.dataSource.logger as QueryCounter;
    const statements = async (id: string) => {
      const before = counter.count;
      const { body } = await t.gql(MESSAGE, { id });
      expect(body.errors).toBeUndefined();
      return counter.count - before;
    };
    const one = await statements(M2_BOUND); // one detail row, from one batch
    const five = await statements(M1); // five rows, from three batches
    expect(five).toBe(one);
    expect(five).toBeLessThanOrEqual(4); // (key), message, details, their batches
  });

  // Last: it adds audit records (the evidence test above counts them).
  test('a message known only from a trace or an inventory is no Message (the contract) but is presumed and listed; the subject falls back to what a Bind listed', async () => {
    const M3_INVENTORY = '<m3-payroll@contoso.com>'; // alice's \Inbox\Finance per the eDiscovery items; never bound
    const M5_TRACE = '<m5-trace-only@contoso.com>'; // one message trace row; never bound, in no inventory
    const M8_BIND = '<m8-bind-subject@contoso.com>'; // bound with a Subject; no trace, no eDiscovery row
    const [more] = await t.importer.importContent(
      toNdjson([
        makeBindRecord({
          time: '2025-03-10T04:00:00', mailbox: 'alice@contoso.com', sessionId: '11111111-2222-3333-4444-555555555555', clientIp: '203.0.113.10',
          folders: [{ path: '\\Inbox', items: [
            { InternetMessageId: M8_BIND, Subject: '   ' }, // blank: not a subject
            { InternetMessageId: M4, Subject: 'A Bind spelling that loses to eDiscovery' },
          ] }],
        }),
        makeBindRecord({ time: '2025-03-10T04:10:00', mailbox: 'alice@contoso.com', sessionId: '11111111-2222-3333-4444-555555555555', clientIp: '203.0.113.10', folders: [{ path: '\\Inbox', items: [{ InternetMessageId: M8_BIND, Subject: 'Listed by the Bind' }] }] }),
        makeBindRecord({ time: '2025-03-10T04:30:00', mailbox: 'alice@contoso.com', sessionId: '11111111-2222-3333-4444-555555555555', clientIp: '203.0.113.10', folders: [{ path: '\\Inbox', items: [{ InternetMessageId: M8_BIND, Subject: 'A later Bind' }] }] }),
        makeSyncRecord({ time: '2025-03-10T04:05:00', mailbox: 'alice@contoso.com', sessionId: '11111111-2222-3333-4444-555555555555', clientIp: '203.0.113.10', folder: { path: '\\Inbox\\Finance' } }),
      ]),
      { orgId: 1, source: 'cli', fileName: 'more.ndjson' },
    );
    expect(more.status).toBe('SUCCEEDED');
    const query = `query($id: String!) { message(internetMessageId: $id) { internetMessageId firstAccessedAt lastAccessedAt subject sender recipients
      details { source } mailboxes { userPrincipalName } accesses(first: 10) { totalCount edges { node { accessedAt } } }
      exposures { tier evidence mailbox { userPrincipalName } folder { path } firstAt } } }`;
    const ask = async (id: string) => {
      const { body } = await t.gql(query, { id });
      expect(body.errors).toBeUndefined();
      return body.data.message;
    };
    // The contract's Message is a bound message: one known only from an inventory or a trace is not a Message
    // (its access times would be null); it shows in the notification list and the presumed messages instead.
    expect((await t.gql(query, { id: M3_INVENTORY })).body.data.message).toBeNull();
    expect((await t.gql(query, { id: M5_TRACE })).body.data.message).toBeNull();
    const presumed = await t.gql(`{ exposure(mailbox: "alice@contoso.com") { presumedMessages(first: 100) { edges { node { internetMessageId evidence folder { path } } } } } }`);
    expect(presumed.body.errors).toBeUndefined();
    const finance = presumed.body.data.exposure.presumedMessages.edges.map((e: any) => e.node).filter((n: any) => n.internetMessageId === M3_INVENTORY);
    expect(finance).toEqual([{ internetMessageId: M3_INVENTORY, evidence: 'INVENTORY', folder: { path: expect.stringMatching(/^\\Inbox\\Finance$/i) } }]);

    // Subject: eDiscovery, then message trace, then the earliest Bind that lists a non-blank one.
    const bound = await ask(M8_BIND);
    expect(bound).toMatchObject({ subject: 'Listed by the Bind', sender: null, recipients: [], details: [], firstAccessedAt: '2025-03-10T04:00:00.000Z' });
    expect((await ask(M4)).subject).toBe('RE: Invoice 4471');

    // The notification list picks the same subjects (its SQL copy of the rule).
    const { body } = await t.gql(`{ notificationList(mailboxes: ["alice@contoso.com"], first: 100) { edges { node { internetMessageId tier subject } } } }`);
    expect(body.errors).toBeUndefined();
    const subjects = Object.fromEntries(body.data.notificationList.edges.map((e: any) => [e.node.internetMessageId, [e.node.tier, e.node.subject]]));
    expect(subjects[M8_BIND]).toEqual(['CONFIRMED', 'Listed by the Bind']);
    expect(subjects[M4]).toEqual(['CONFIRMED', 'RE: Invoice 4471']);
    expect(subjects[M3_INVENTORY]).toEqual(['PRESUMED', 'Payroll March']);
    expect(subjects[M7]).toEqual(['CONFIRMED', null]);
  });
});
