import { ImportFormatEnum } from '../../src/api/graphql/types/enums';
import { EXPECTED_SHAPES, FORMATS, formatOfCsvHeader, formatOfJsonHead, IMPORT_FORMATS, type JsonHead } from '../../src/import/formats';

/** Every column a descriptor looks at, so the power set below covers every case they can tell apart. */
const COLUMNS = ['auditdata', 'recordid', 'createddatetime', 'auditlogrecordtype', 'identity', 'resultindex', 'resultcount', 'recordtype', 'operation', 'mailboxownerupn', 'lastaccessed', 'aggregatedrecordfoldersdata',
  // message-detail formats (message trace V1/V2, historical search, eDiscovery)
  'messageid', 'received', 'senderaddress', 'index', 'message_id', 'date_time_utc', 'email_message_id'];

describe('the format registry', () => {
  test('the import formats, the GraphQL enum and the expected-shapes message all come from it', () => {
    expect(IMPORT_FORMATS).toEqual(FORMATS.map((f) => f.id));
    expect(Object.keys(ImportFormatEnum).sort()).toEqual(['AUTO', ...IMPORT_FORMATS].sort());
    for (const f of FORMATS) expect(EXPECTED_SHAPES).toContain(f.expected);
  });

  test('no two formats claim the same CSV header', () => {
    const claimed = new Set<string>();
    for (let mask = 0; mask < 1 << COLUMNS.length; mask++) {
      const columns = new Set(COLUMNS.filter((_, i) => mask & (1 << i)));
      const format = formatOfCsvHeader(columns); // throws when two claim it
      if (format) claimed.add(format);
    }
    expect([...claimed].sort()).toEqual(FORMATS.filter((f) => f.isCsvHeader).map((f) => f.id).sort());
  });

  test('every JSON head belongs to exactly one format', () => {
    const kinds: JsonHead['kind'][] = ['auditdata', 'wrapper', 'graph', 'page', 'empty'];
    const heads = kinds.flatMap((kind) => [true, false].map((inArray) => ({ kind, inArray })));
    expect(Object.fromEntries(heads.map((h) => [`${h.kind}${h.inArray ? '[]' : ''}`, formatOfJsonHead(h)]))).toEqual({
      auditdata: 'NDJSON',
      'auditdata[]': 'MANAGEMENT_API_JSON',
      wrapper: 'UNIFIED_AUDIT_LOG_JSON',
      'wrapper[]': 'UNIFIED_AUDIT_LOG_JSON',
      graph: 'GRAPH_AUDIT_LOG',
      'graph[]': 'GRAPH_AUDIT_LOG',
      page: 'GRAPH_AUDIT_LOG',
      'page[]': 'GRAPH_AUDIT_LOG',
      empty: 'MANAGEMENT_API_JSON',
      'empty[]': 'MANAGEMENT_API_JSON',
    });
  });

  test('every CSV format says how its rows map to records', () => {
    for (const f of FORMATS.filter((x) => x.containers.includes('csv'))) {
      // Audit formats map rows to records (csvColumns), message-detail formats to message details (detailColumns): one of the two.
      expect({ id: f.id, mapped: !!f.csvColumns !== !!f.detailColumns, requestable: !!f.fitsCsvHeader }).toEqual({ id: f.id, mapped: true, requestable: true });
    }
  });
});
