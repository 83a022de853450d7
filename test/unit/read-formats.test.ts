/** Format detection (from content) and per-format mapping to SourceRecords. */
import { Readable } from 'node:stream';
import { detectFormat, NotAnAuditExportError, readAuditExport, type AuditExportFile } from '../../src/import/read';
import type { ImportFormat, ReadEvent, SourceRecord } from '../../src/import/types';

const AD1 = {
  CreationTime: '2022-10-25T18:23:04',
  Id: 'daf566de-6581-486c-b9f7-f8df1d07457f',
  Operation: 'MailItemsAccessed',
  OrganizationId: '74d25673-b01c-4211-a7c4-9930610fb7eb',
  RecordType: 50,
  UserId: 'nelson@o365.devcooks.com',
  Workload: 'Exchange',
  ClientIPAddress: '68.160.247.154',
  OriginatingServer: 'CY5PR05MB9143 (15.20.4200.000)\r\n',
  Folders: [{ Id: 'LgAAAA', Path: '\\Inbox', FolderItems: [{ InternetMessageId: '<a@b>' }] }],
};
const AD2 = { ...AD1, Id: 'e01c84f0-8db1-439e-87bc-5ee52fdf90d4', Operation: 'Send', RecordType: 2, ObjectId: 'a\\/b "q" {x}' };

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function read(text: string | Buffer, opts: { fileName?: string; format?: ImportFormat | 'AUTO' } = {}) {
  const files: Array<{ file: AuditExportFile; events: ReadEvent[] }> = [];
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for await (const file of readAuditExport(Readable.from([buf]), opts)) {
    const events: ReadEvent[] = [];
    for await (const ev of file.events) events.push(ev);
    files.push({ file, events });
  }
  expect(files).toHaveLength(1);
  const { file, events } = files[0]!;
  const records = events.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
  const rejections = events.flatMap((e) => (e.kind === 'rejection' ? [e.rejection] : []));
  return { format: file.format, records, rejections };
}

async function readError(text: string, opts: { fileName?: string; format?: ImportFormat } = {}): Promise<Error> {
  try {
    await read(text, opts);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('CSV formats', () => {
  it('Purview CSV: wrapper fields, AuditData string kept verbatim, RecordType as int', async () => {
    const raw = JSON.stringify(AD1);
    const text =
      'RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n' +
      `${AD1.Id},9/20/2023 4:05:03 AM,50,MailItemsAccessed,nelson@o365.devcooks.com,${q(raw)},,\r\n` +
      `${AD2.Id},"2026-01-24T06:54:24.0000000Z ",2,Send,nelson@o365.devcooks.com,${q(JSON.stringify(AD2))},,\r\n`;
    const r = await read(text);
    expect(r.format).toBe('PURVIEW_CSV');
    expect(r.rejections).toEqual([]);
    expect(r.records).toHaveLength(2);
    const rec = r.records[0]!;
    expect(rec).toEqual<SourceRecord>({
      line: 2,
      auditData: AD1,
      rawJson: raw,
      wrapper: {
        id: AD1.Id,
        creationDate: '9/20/2023 4:05:03 AM',
        recordType: 50,
        operation: 'MailItemsAccessed',
        userId: 'nelson@o365.devcooks.com',
      },
    });
    expect(r.records[1]!.wrapper.creationDate).toBe('2026-01-24T06:54:24.0000000Z ');
    expect(r.records[1]!.auditData).toEqual(AD2);
  });

  it('classic CSV (CreationDate,UserIds,Operations,AuditData)', async () => {
    const r = await read(`CreationDate,UserIds,Operations,AuditData\n2024-01-01T00:00:00.0000000Z,u@x,Send,${q(JSON.stringify(AD2))}\n`);
    expect(r.format).toBe('PURVIEW_CLASSIC_CSV');
    expect(r.records[0]!.wrapper).toEqual({ creationDate: '2024-01-01T00:00:00.0000000Z', userId: 'u@x', operation: 'Send' });
  });

  it('Search-UnifiedAuditLog Export-Csv with #TYPE line and extra PowerShell columns', async () => {
    const text =
      '#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.AuditRecord\r\n' +
      '"RunspaceId","RecordType","CreationDate","UserIds","Operations","AuditData","ResultIndex","ResultCount","Identity","IsValid","ObjectState","PSComputerName"\r\n' +
      ['rs', 'ExchangeItemAggregated', '3/12/2025 7:31:34 AM', 'claire@oculus.info', 'MailItemsAccessed', JSON.stringify(AD1), '1', '226494', '8b236c9f-f890-4078-97e1-5e8d8abe4680', 'True', 'Unchanged', 'outlook.office365.com']
        .map(q)
        .join(',') +
      '\r\n';
    const r = await read(text);
    expect(r.format).toBe('UNIFIED_AUDIT_LOG_CSV');
    expect(r.records).toHaveLength(1);
    expect(r.records[0]!.line).toBe(3);
    expect(r.records[0]!.wrapper).toEqual({
      id: '8b236c9f-f890-4078-97e1-5e8d8abe4680',
      creationDate: '3/12/2025 7:31:34 AM',
      recordType: 'ExchangeItemAggregated',
      operation: 'MailItemsAccessed',
      userId: 'claire@oculus.info',
    });
  });

  it('Search-MailboxAuditLog -ShowDetails CSV: flat record keyed by header', async () => {
    const text =
      'RunspaceId,Operation,OperationResult,LogonType,MailboxOwnerUPN,ClientIPAddress,OperationProperties,AuditOperationsCountInAggregatedRecord,AggregatedRecordFoldersData,LastAccessed,Identity\n' +
      `e6fe,MailItemsAccessed,Succeeded,Owner,admin@x.onmicrosoft.com,10.0.0.1,"{MailAccessType:Bind, IsThrottled:False}",2,${q('[{"Id":"LgAA","Path":"\\\\Inbox","FolderItems":[{"InternetMessageId":"<a@b>"}]}]')},1/4/2019 1:02:03 PM,AAMkADBj\n`;
    const r = await read(text);
    expect(r.format).toBe('MAILBOX_AUDIT_LOG_CSV');
    const rec = r.records[0]!;
    expect(rec.flat).toBe(true);
    expect(rec.auditData.Operation).toBe('MailItemsAccessed');
    expect(rec.auditData.AggregatedRecordFoldersData).toBe('[{"Id":"LgAA","Path":"\\\\Inbox","FolderItems":[{"InternetMessageId":"<a@b>"}]}]');
    expect(JSON.parse(rec.rawJson)).toEqual(rec.auditData);
    expect(rec.wrapper).toEqual({ id: 'AAMkADBj', creationDate: '1/4/2019 1:02:03 PM', operation: 'MailItemsAccessed', clientIp: '10.0.0.1' });
  });

  it('Graph CSV (Get-UALGraph)', async () => {
    const text =
      'id,createdDateTime,auditLogRecordType,operation,organizationId,userType,userId,service,objectId,userPrincipalName,clientIp,administrativeUnits,auditData\n' +
      `g1,2024-05-18T22:30:06Z,exchangeItemAggregated,MailItemsAccessed,org,regular,u@x,Exchange,,u@x,1.2.3.4,,${q(JSON.stringify(AD1))}\n`;
    const r = await read(text);
    expect(r.format).toBe('GRAPH_AUDIT_LOG');
    expect(r.records[0]!.wrapper).toEqual({
      id: 'g1',
      creationDate: '2024-05-18T22:30:06Z',
      recordType: 'exchangeItemAggregated',
      operation: 'MailItemsAccessed',
      userId: 'u@x',
      clientIp: '1.2.3.4',
      organizationId: 'org',
    });
  });

  it('semicolon-delimited header (Export-Csv -UseCulture) is understood', async () => {
    const r = await read(`CreationDate;UserIds;Operations;AuditData\n2024;u;Send;${q(JSON.stringify(AD2))}\n`);
    expect(r.format).toBe('PURVIEW_CLASSIC_CSV');
    expect(r.records).toHaveLength(1);
  });

  it('AuditData cell that is not JSON (truncated) -> rejection, rest continues', async () => {
    const text = `CreationDate,UserIds,Operations,AuditData\nd,u,op,"{""CreationTime"":""2024-0"\nd,u,op,${q(JSON.stringify(AD2))}\n`;
    const r = await read(text);
    expect(r.rejections).toEqual([{ line: 2, reason: 'AuditData is not valid JSON (truncated?)', excerpt: 'd,u,op,"{""CreationTime"":""2024-0"\n' }]);
    expect(r.records.map((x) => x.line)).toEqual([3]);
  });
});

describe('JSON formats', () => {
  it('Management API blob: array of AuditData, rawJson is the exact source slice', async () => {
    const text = JSON.stringify([AD1, AD2], null, 2);
    const r = await read(text);
    expect(r.format).toBe('MANAGEMENT_API_JSON');
    expect(r.records.map((x) => x.auditData)).toEqual([AD1, AD2]);
    expect(r.records[0]!.rawJson).toBe(JSON.stringify(AD1, null, 2).replace(/\n/g, '\n  '));
    expect(r.records.map((x) => x.line)).toEqual([2, 2 + JSON.stringify(AD1, null, 2).split('\n').length]);
    expect(r.records[0]!.wrapper).toEqual({});
  });

  it('NDJSON of bare AuditData', async () => {
    const r = await read(`${JSON.stringify(AD1)}\n${JSON.stringify(AD2)}\n\n`);
    expect(r.format).toBe('NDJSON');
    expect(r.records.map((x) => [x.line, x.rawJson])).toEqual([
      [1, JSON.stringify(AD1)],
      [2, JSON.stringify(AD2)],
    ]);
  });

  it('JSONL of Search-UnifiedAuditLog wrappers with double-encoded AuditData', async () => {
    const w = { RecordType: 'ExchangeItemAggregated', CreationDate: '2025-12-03T07:31:34', UserIds: 'u', Operations: 'MailItemsAccessed', AuditData: JSON.stringify(AD1), Identity: AD1.Id };
    const r = await read(`${JSON.stringify(w)}\r\n${JSON.stringify({ ...w, AuditData: AD2 })}\r\n`);
    expect(r.format).toBe('UNIFIED_AUDIT_LOG_JSON');
    expect(r.records[0]!.auditData).toEqual(AD1);
    expect(r.records[0]!.rawJson).toBe(JSON.stringify(AD1));
    expect(r.records[0]!.wrapper).toEqual({ id: AD1.Id, creationDate: '2025-12-03T07:31:34', recordType: 'ExchangeItemAggregated', operation: 'MailItemsAccessed', userId: 'u' });
    // AuditData as an object: rawJson is the object's source text
    expect(r.records[1]!.rawJson).toBe(JSON.stringify(AD2));
  });

  it('NDJSON lines that are a JSON string holding the record (double-encoded line)', async () => {
    const r = await read(`${JSON.stringify(JSON.stringify(AD1))}\n`);
    expect(r.format).toBe('NDJSON');
    expect(r.records[0]!.auditData).toEqual(AD1);
    expect(r.records[0]!.rawJson).toBe(JSON.stringify(AD1));
  });

  it('ConvertTo-Json of one wrapper (single object, not an array), AuditData object kept verbatim', async () => {
    const adText = JSON.stringify(AD1, null, 4).replace(/\n/g, '\n    ');
    const text = `{\n    "RecordType":  50,\n    "CreationDate":  "\\/Date(1700000000000)\\/",\n    "Operations":  "MailItemsAccessed",\n    "AuditData":  ${adText},\n    "Identity":  "${AD1.Id}"\n}`;
    const r = await read(text);
    expect(r.format).toBe('UNIFIED_AUDIT_LOG_JSON');
    expect(r.records).toHaveLength(1);
    expect(r.records[0]!.rawJson).toBe(adText);
    expect(r.records[0]!.wrapper).toEqual({ id: AD1.Id, creationDate: '/Date(1700000000000)/', recordType: 50, operation: 'MailItemsAccessed' });
  });

  it('Graph OData page: yields the elements of value, ignores the other members', async () => {
    const page = {
      '@odata.context': 'https://graph.microsoft.com/beta/$metadata#security/auditLog/queries/x/records',
      value: [
        { id: 'g1', createdDateTime: '2024-05-18T22:30:06Z', auditLogRecordType: 'exchangeItemAggregated', operation: 'MailItemsAccessed', userPrincipalName: 'u@x', clientIp: '1.2.3.4', auditData: AD1 },
        { id: 'g2', createdDateTime: '2024-05-18T22:31:06Z', auditLogRecordType: 'exchangeItem', operation: 'Send', auditData: AD2 },
      ],
      '@odata.nextLink': 'https://graph.microsoft.com/next?[x]{y}',
    };
    const text = JSON.stringify(page, null, 2);
    const r = await read(text);
    expect(r.format).toBe('GRAPH_AUDIT_LOG');
    expect(r.rejections).toEqual([]);
    expect(r.records.map((x) => x.wrapper.id)).toEqual(['g1', 'g2']);
    expect(r.records[0]!.auditData).toEqual(AD1);
    expect(r.records[0]!.line).toBe(4);
    expect(r.records[0]!.wrapper).toMatchObject({ userId: 'u@x', clientIp: '1.2.3.4', recordType: 'exchangeItemAggregated' });
  });

  it('Graph records as JSONL', async () => {
    const r = await read(`${JSON.stringify({ id: 'g1', createdDateTime: 'x', auditLogRecordType: 'exchangeItem', operation: 'Send', auditData: JSON.stringify(AD2) })}\n`);
    expect(r.format).toBe('GRAPH_AUDIT_LOG');
    expect(r.records[0]!.auditData).toEqual(AD2);
  });

  it('concatenated arrays [..][..] and [..]\\n[..]', async () => {
    const a = await read(`[${JSON.stringify(AD1)}][${JSON.stringify(AD2)}]`);
    expect(a.records.map((x) => x.auditData)).toEqual([AD1, AD2]);
    const b = await read(`[\n${JSON.stringify(AD1)}\n]\n[\n${JSON.stringify(AD2)}\n]\n`);
    expect(b.records.map((x) => x.line)).toEqual([2, 5]);
    expect(b.rejections).toEqual([]);
  });

  it('AuditData that is neither object nor JSON string, and invalid AuditData string -> rejections', async () => {
    const w = (ad: unknown) => JSON.stringify({ CreationDate: 'd', Operations: 'op', Identity: 'i', AuditData: ad });
    const r = await read([w(AD1), w(42), w('{"CreationTime":"2024-'), w(null)].join('\n'));
    expect(r.records).toHaveLength(1);
    expect(r.rejections.map((x) => [x.line, x.reason])).toEqual([
      [2, 'AuditData is a number, neither an object nor a JSON string'],
      [3, 'AuditData is not valid JSON (truncated?)'],
      [4, 'AuditData is null, neither an object nor a JSON string'],
    ]);
  });
});

describe('detection failures and explicit formats', () => {
  it('non-audit CSV: message names the file, shows the header and lists what is expected', async () => {
    const e = await readError('Name,Age\nBob,42\n', { fileName: 'report.csv' });
    expect(e).toBeInstanceOf(NotAnAuditExportError);
    expect(e.message).toMatch(/^report\.csv does not look like an audit export: its header is 'Name,Age'\. Expected/);
    expect(e.message).toContain('RecordId,CreationDate,RecordType,Operation,UserId,AuditData');
  });

  it('flattened AuditData CSV gets a specific hint', async () => {
    const e = await readError('CreationTime,Id,Operation,Workload,Folders\n2024,x,MailItemsAccessed,Exchange,System.Object[]\n');
    expect(e.message).toContain('flattened');
  });

  it('non-audit JSON, empty input, binary input', async () => {
    expect((await readError('[{"name":"Bob","age":42}]', { fileName: 'x.json' })).message).toContain("first record has the keys 'name, age'");
    expect((await readError('  \n', { fileName: 'e.json' })).message).toContain('it is empty');
    const e = await readError('{"hello": "world"}');
    expect(e).toBeInstanceOf(NotAnAuditExportError);
  });

  it('detectFormat works on a head string alone', () => {
    expect(detectFormat('"CreationDate","UserIds","Operations","AuditData"\r\n')).toBe('PURVIEW_CLASSIC_CSV');
    expect(detectFormat('[\n  {\n    "CreationTime": "2022-10-25T18:23:04",\n    "Operation": "MailItemsAccessed", "Folders": [ { "Id": "x"')).toBe('MANAGEMENT_API_JSON');
    expect(detectFormat('{"Id":"x","RecordType":50,"Workload":"Exchange"}\n')).toBe('NDJSON');
    expect(detectFormat('[]')).toBe('MANAGEMENT_API_JSON');
    expect(() => detectFormat('hello world')).toThrow(NotAnAuditExportError);
  });

  it('explicit format skips detection but fails fast on a clear mismatch', async () => {
    const r = await read(`${JSON.stringify(AD1)}\n`, { format: 'MANAGEMENT_API_JSON' });
    expect(r.format).toBe('MANAGEMENT_API_JSON');
    expect(r.records).toHaveLength(1);
    const e1 = await readError(`${JSON.stringify(AD1)}\n`, { format: 'PURVIEW_CSV', fileName: 'a.json' });
    expect(e1).toBeInstanceOf(NotAnAuditExportError);
    expect(e1.message).toContain('PURVIEW_CSV');
    const e2 = await readError('Name,Age\n', { format: 'PURVIEW_CSV' });
    expect(e2.message).toContain('does not fit the requested format PURVIEW_CSV');
    const e3 = await readError(`CreationDate,UserIds,Operations,AuditData\n`, { format: 'NDJSON' });
    expect(e3.message).toContain('JSON format NDJSON');
  });
});
