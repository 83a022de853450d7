/**
 * Property tests for the read stage: valid small files of each format survive random truncation and mutation
 * without throwing (other than NotAnAuditExportError), terminate, and account for every record.
 */
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { NotAnAuditExportError, readAuditExport } from '../../src/import/read';
import type { ReadEvent } from '../../src/import/types';

interface Built {
  text: string;
  /** [start, end) of each record's text (end includes the row terminator for CSV). */
  spans: Array<[number, number]>;
  ids: string[];
  /** Framing has keys that are not record data (OData "value"), so letter mutations may unframe records. */
  fragileKeys?: boolean;
}

type Rec = Record<string, unknown> & { Id: string };

const arbRec: fc.Arbitrary<Rec> = fc.record({
  CreationTime: fc.constant('2024-05-18T22:30:06'),
  Id: fc.uuid(),
  Operation: fc.constantFrom('MailItemsAccessed', 'Send', 'New-InboxRule'),
  RecordType: fc.constantFrom(2, 50),
  Workload: fc.constant('Exchange'),
  UserId: fc.string({ maxLength: 12 }),
  ClientIPAddress: fc.constantFrom('68.160.247.154', '2603:10b6:930:3d::7', '[::1]:443'),
  Subject: fc.string({ unit: 'binary', maxLength: 16 }),
  Folders: fc.array(
    fc.record({
      Path: fc.constantFrom('\\Inbox', '\\Boîte de réception', 'a"b{c}[d]\\e', 'x\r\ny'),
      FolderItems: fc.array(fc.record({ InternetMessageId: fc.string({ maxLength: 10 }) }), { maxLength: 2 }),
    }),
    { maxLength: 2 },
  ),
});

function q(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

function joinRecords(prefix: string, parts: string[], sep: string, suffix: string, ids: string[], extra: Partial<Built> = {}): Built {
  let text = prefix;
  const spans: Array<[number, number]> = [];
  parts.forEach((p, i) => {
    if (i) text += sep;
    spans.push([text.length, text.length + p.length]);
    text += p;
  });
  text += suffix;
  return { text, spans, ids, ...extra };
}

/** CSV rows: spans include the CRLF so a cut inside the terminator still counts as "started". */
function csvFile(header: string, rows: string[], ids: string[]): Built {
  let text = header + '\r\n';
  const spans: Array<[number, number]> = [];
  for (const r of rows) {
    spans.push([text.length, text.length + r.length + 2]);
    text += r + '\r\n';
  }
  return { text, spans, ids };
}

const builders: Record<string, (recs: Rec[]) => Built> = {
  ndjson: (recs) => joinRecords('', recs.map((r) => JSON.stringify(r)), '\n', '\n', recs.map((r) => r.Id)),
  managementArrayPretty: (recs) => {
    const parts = recs.map((r) => JSON.stringify(r, null, 2).replace(/\n/g, '\n  '));
    return joinRecords('[\n  ', parts, ',\n  ', '\n]\n', recs.map((r) => r.Id));
  },
  concatenatedArrays: (recs) => {
    const parts = recs.map((r) => JSON.stringify(r));
    return joinRecords('[', parts, ']\n[', ']', recs.map((r) => r.Id));
  },
  ualJsonWrappers: (recs) => {
    const parts = recs.map((r) =>
      JSON.stringify({ RecordType: 'ExchangeItem', CreationDate: '3/12/2025 7:31:34 AM', UserIds: 'u', Operations: r.Operation, AuditData: r, Identity: r.Id }, null, 4).replace(/\n/g, '\n    '),
    );
    return joinRecords('[\n    ', parts, ',\n    ', '\n]', recs.map((r) => r.Id));
  },
  ualJsonlDoubleEncoded: (recs) =>
    joinRecords(
      '',
      recs.map((r) => JSON.stringify({ CreationDate: '2024-05-18T22:30:06', Operations: r.Operation, AuditData: JSON.stringify(r), Identity: r.Id })),
      '\r\n',
      '\r\n',
      recs.map((r) => r.Id),
    ),
  graphOData: (recs) => {
    const parts = recs.map((r) =>
      JSON.stringify({ id: r.Id, createdDateTime: '2024-05-18T22:30:06Z', auditLogRecordType: 'exchangeItem', operation: r.Operation, auditData: r }),
    );
    return joinRecords('{"@odata.context":"https://graph.microsoft.com/x","value":[\n', parts, ',\n', '\n],"@odata.nextLink":"n"}', recs.map((r) => r.Id), { fragileKeys: true });
  },
  purviewCsv: (recs) =>
    csvFile(
      'RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames',
      recs.map((r) => [r.Id, '9/20/2023 4:05:03 AM', String(r.RecordType), r.Operation as string, q(r.UserId as string), q(JSON.stringify(r)), '', ''].join(',')),
      recs.map((r) => r.Id),
    ),
  ualCsv: (recs) =>
    csvFile(
      '"RecordType","CreationDate","UserIds","Operations","AuditData","ResultIndex","ResultCount","Identity","IsValid","ObjectState"',
      recs.map((r) => ['ExchangeItem', '3/12/2025 7:31:34 AM', r.UserId as string, r.Operation as string, JSON.stringify(r), '1', '9', r.Id, 'True', 'Unchanged'].map(q).join(',')),
      recs.map((r) => r.Id),
    ),
  mailboxCsv: (recs) =>
    csvFile(
      'Operation,OperationResult,MailboxOwnerUPN,ClientIPAddress,ItemSubject,LastAccessed,Identity',
      recs.map((r) => [r.Operation as string, 'Succeeded', 'a@b.c', '1.2.3.4', r.Subject as string, '1/4/2019 1:00:00 PM', r.Id].map(q).join(',')),
      recs.map((r) => r.Id),
    ),
};

async function readAll(text: string | Buffer): Promise<{ events: ReadEvent[]; notAudit: boolean }> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  // Small chunks so values straddle chunk boundaries.
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
  const events: ReadEvent[] = [];
  try {
    for await (const f of readAuditExport(Readable.from(chunks), { fileName: 'fuzz' })) {
      for await (const ev of f.events) events.push(ev);
    }
  } catch (e) {
    if (e instanceof NotAnAuditExportError) return { events, notAudit: true };
    throw e;
  }
  return { events, notAudit: false };
}

function counts(events: ReadEvent[]) {
  const records = events.filter((e) => e.kind === 'record');
  return { records: records.length, rejections: events.length - records.length, all: events.length };
}

const arbRecs = fc.array(arbRec, { minLength: 1, maxLength: 5 });
const RUNS = 120;

describe.each(Object.keys(builders))('read fuzz: %s', (name) => {
  const build = builders[name]!;

  it('reads intact files completely', async () => {
    await fc.assert(
      fc.asyncProperty(arbRecs, async (recs) => {
        const b = build(recs);
        const { events, notAudit } = await readAll(b.text);
        expect(notAudit).toBe(false);
        const recsOut = events.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
        expect(recsOut).toHaveLength(recs.length);
        expect(counts(events).rejections).toBe(0);
        for (let i = 0; i < recs.length; i++) {
          const r = recsOut[i]!;
          if (name === 'mailboxCsv') {
            expect(r.flat).toBe(true);
            expect(r.auditData.ItemSubject).toBe(recs[i]!.Subject);
            expect(r.wrapper.id).toBe(recs[i]!.Id);
          } else {
            expect(r.auditData).toEqual(recs[i]);
            expect(JSON.parse(r.rawJson)).toEqual(recs[i]);
          }
          // 1-based start line of the record's text
          const start = b.spans[i]![0];
          expect(r.line).toBe(b.text.slice(0, start).split('\n').length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('accounts for every started record after truncation', async () => {
    await fc.assert(
      fc.asyncProperty(arbRecs, fc.integer({ min: 0, max: 100_000 }), async (recs, permille) => {
        const b = build(recs);
        const cut = Math.floor((b.text.length * permille) / 100_000);
        const { events, notAudit } = await readAll(b.text.slice(0, cut));
        if (notAudit) return;
        const c = counts(events);
        const started = b.spans.filter(([s]) => s < cut).length;
        const complete = b.spans.filter(([, e]) => e <= cut).length;
        expect(c.all).toBeGreaterThanOrEqual(started);
        expect(c.records).toBeGreaterThanOrEqual(complete);
        for (const e of events) {
          if (e.kind !== 'record') continue;
          // A CSV row cut right after a delimiter still has all its columns; only its last cell is short.
          const id = name === 'mailboxCsv' ? (e.record.wrapper.id ?? '') : (e.record.auditData as Rec).Id;
          expect(b.ids.some((x) => x.startsWith(id))).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('survives random byte mutations', async () => {
    await fc.assert(
      fc.asyncProperty(arbRecs, fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 255 }), async (recs, at, byte) => {
        const bytes = Buffer.from(build(recs).text, 'utf8');
        bytes[at % bytes.length] = byte;
        const { events } = await readAll(bytes);
        for (const e of events) {
          if (e.kind === 'record') expect(() => JSON.parse(e.record.rawJson)).not.toThrow();
          else if (e.kind === 'rejection') expect(e.rejection.excerpt.length).toBeLessThanOrEqual(300);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the record count when a letter changes (framing intact)', async () => {
    await fc.assert(
      fc.asyncProperty(arbRecs, fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom('a', 'Z', '7'), async (recs, at, ch) => {
        const b = build(recs);
        if (b.fragileKeys) return;
        const positions: number[] = [];
        for (const [s, e] of b.spans) for (let i = s; i < e; i++) if (/[A-Za-z0-9]/.test(b.text[i]!)) positions.push(i);
        if (!positions.length) return;
        const p = positions[at % positions.length]!;
        const mutated = b.text.slice(0, p) + ch + b.text.slice(p + 1);
        const { events, notAudit } = await readAll(mutated);
        if (notAudit) return;
        expect(counts(events).all).toBe(recs.length);
      }),
      { numRuns: RUNS },
    );
  });
});
