import { Readable } from 'node:stream';
import { readAuditExport } from '../../src/import/read';
import { csvPreamble } from '../../src/import/read/csv-preamble';
import type { ReadEvent } from '../../src/import/types';

const AD = { CreationTime: '2025-03-10T03:21:00', Id: 'daf566de-6581-486c-b9f7-f8df1d07457f', Operation: 'MailItemsAccessed', RecordType: 50, UserId: 'alice@contoso.com', Workload: 'Exchange' };
const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function read(text: string) {
  const out: { format: string; events: ReadEvent[] }[] = [];
  for await (const file of readAuditExport(Readable.from([Buffer.from(text)]), { fileName: 'x.csv' })) {
    const events: ReadEvent[] = [];
    for await (const ev of file.events) events.push(ev);
    out.push({ format: file.format, events });
  }
  return out;
}

describe('lines before a CSV header (#TYPE, sep=): one rule for detection and reading', () => {
  test.each([
    ['#TYPE System.Management.Automation.PSCustomObject', { delimiter: null }],
    ['"#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.AuditRecord"', { delimiter: null }],
    ['#type lower case', { delimiter: null }],
    ['sep=;', { delimiter: ';' }],
    ['"sep=|"', { delimiter: '|' }],
    ['SEP=\t', { delimiter: null }], // trimmed away: a tab is named by the header itself
    ['sep=', { delimiter: null }],
    ['  sep=,  \r', { delimiter: ',' }],
    ['RecordId,CreationDate,AuditData', null],
    ['#TYPEWRITER,CreationDate', null],
    ['sep=;;', null],
    ['separator=;', null],
  ])('%j', (line, expected) => {
    expect(csvPreamble(line)).toEqual(expected);
  });

  test('a quoted #TYPE line, a sep= line and blank lines are all skipped, and sep= sets the delimiter', async () => {
    const text =
      '"#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.AuditRecord"\r\n' +
      'sep=;\r\n' +
      '\r\n' +
      'RecordId;CreationDate;RecordType;Operation;UserId;AuditData\r\n' +
      ['r1', '2025-03-10T03:21:00', '50', 'MailItemsAccessed', 'alice@contoso.com', JSON.stringify(AD)].map(q).join(';') +
      '\r\n';
    const [file] = await read(text);
    expect(file.format).toBe('PURVIEW_CSV');
    expect(file.events.filter((e) => e.kind === 'rejection')).toEqual([]);
    const records = file.events.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
    expect(records.map((r) => ({ line: r.line, id: r.wrapper.id, auditData: r.auditData }))).toEqual([{ line: 5, id: 'r1', auditData: AD }]);
  });
});
