/**
 * Recognise the export shape from content (first ~64 KB of decoded text), never from the file name.
 */
import { EXPECTED_SHAPES, formatById, formatOfCsvHeader, formatOfJsonHead, type ImportFormat, type JsonHead } from '../formats';
import { NotAnAuditExportError } from './errors';
import { csvPreamble } from './csv-preamble';
import { splitCsvLine } from './csv-records';
import { isJsonSpace, stringEnd, valueEnd } from './json-values';

export const DETECT_HEAD_CHARS = 64 * 1024;

export interface ExportShape {
  format: ImportFormat;
  container: 'csv' | 'json';
  /** CSV field delimiter. */
  delimiter?: string;
  /** JSON: top-level objects are OData pages whose `value` elements are the records. */
  odata?: boolean;
}

function notAudit(label: string, found: string): NotAnAuditExportError {
  return new NotAnAuditExportError(`${label} does not look like an audit export: ${found}. ${EXPECTED_SHAPES}`, found);
}

function quoteShort(s: string, max = 160): string {
  const t = s.length > max ? `${s.slice(0, max)}...` : s;
  return `'${t}'`;
}

// ---------------------------------------------------------------- CSV

const CSV_DELIMS = [',', ';', '\t', '|'];

function pickDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of CSV_DELIMS) {
    // Count outside quotes.
    let n = 0;
    let inQ = false;
    for (let i = 0; i < headerLine.length; i++) {
      const ch = headerLine[i];
      if (ch === '"') inQ = !inQ;
      else if (!inQ && ch === d) n++;
    }
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Header columns, trimmed and lower-cased, as the format descriptors see them. */
function columnSet(cols: string[]): Set<string> {
  return new Set(cols.map((c) => c.trim().toLowerCase()));
}

function csvHint(cols: string[]): string {
  const h = columnSet(cols);
  if (h.has('creationtime') && h.has('operation') && (h.has('workload') || h.has('recordtype') || h.has('id')))
    return ' (this looks like AuditData flattened into columns, e.g. ConvertFrom-Json | Export-Csv; nested fields such as Folders are lost as "System.Object[]" - re-export keeping AuditData as one JSON column)';
  if (h.has('officeid') || h.has('officeworkload')) return ' (this looks like a Sentinel OfficeActivity export, which is not supported)';
  if (h.has('raweventdata')) return ' (this looks like a Defender CloudAppEvents export, which is not supported)';
  return '';
}

/** Header line and delimiter of a CSV head, skipping blank lines and the preamble (csv-preamble.ts). */
function csvHeader(head: string): { header: string; delimiter: string | null } {
  let start = 0;
  let delimiter: string | null = null;
  for (;;) {
    const nl = head.indexOf('\n', start);
    const lineText = (nl < 0 ? head.slice(start) : head.slice(start, nl)).replace(/\r$/, '');
    const preamble = lineText.trim() === '' ? { delimiter: null } : csvPreamble(lineText);
    if (!preamble) return { header: lineText, delimiter };
    delimiter = preamble.delimiter ?? delimiter;
    if (nl < 0) return { header: '', delimiter };
    start = nl + 1;
  }
}

// ---------------------------------------------------------------- JSON

interface FirstObject {
  keys: Set<string>;
  /** First character of each member's value (to tell `"value": [` from other values). */
  valueStart: Map<string, number>;
}

/** Depth-1 keys of the object opening at i, tolerant to the head ending mid-object. */
function objectKeys(text: string, i: number): FirstObject {
  const keys = new Set<string>();
  const valueStart = new Map<string, number>();
  const len = text.length;
  i++; // past '{'
  for (;;) {
    while (i < len && (isJsonSpace(text.charCodeAt(i)) || text.charCodeAt(i) === 44)) i++;
    if (i >= len || text.charCodeAt(i) !== 34) break;
    const ke = stringEnd(text, i);
    if (ke < 0) break;
    let key: string;
    try {
      key = JSON.parse(text.slice(i, ke)) as string;
    } catch {
      break;
    }
    i = ke;
    while (i < len && isJsonSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 58) break;
    i++;
    while (i < len && isJsonSpace(text.charCodeAt(i))) i++;
    if (i >= len) {
      keys.add(key);
      break;
    }
    keys.add(key);
    valueStart.set(key, text.charCodeAt(i));
    const e = valueEnd(text, i);
    if (e < 0 || e > len) break;
    i = e;
  }
  return { keys, valueStart };
}

function classifyObject(o: FirstObject): JsonHead['kind'] | null {
  const k = o.keys;
  const has = (s: string) => k.has(s);
  if (has('value') && o.valueStart.get('value') === 91) {
    const odataKey = [...k].some((x) => x.startsWith('@odata.'));
    if (odataKey || k.size === 1) return 'page';
  }
  if (has('auditData') || (has('createdDateTime') && (has('auditLogRecordType') || has('operation')))) return 'graph';
  if (has('AuditData') && (has('Identity') || has('CreationDate') || has('Operations') || has('RecordType') || has('UserIds')))
    return 'wrapper';
  if ((has('CreationTime') && has('Operation')) || (has('Id') && has('RecordType') && has('Workload'))) return 'auditdata';
  return null;
}

function describeKeys(o: FirstObject): string {
  const ks = [...o.keys];
  if (!ks.length) return 'it is JSON but its first record has no readable keys';
  return `it is JSON whose first record has the keys ${quoteShort(ks.slice(0, 12).join(', '))}`;
}

function sniffJson(head: string, start: number, label: string): ExportShape {
  let i = start;
  const len = head.length;
  const skip = () => {
    while (i < len && (isJsonSpace(head.charCodeAt(i)) || head.charCodeAt(i) === 44)) i++;
  };
  let inArray = false;
  // Find the first record-level object; step over empty arrays (`[][...]`).
  for (;;) {
    skip();
    if (i >= len) {
      if (inArray) return jsonShape({ kind: 'empty', inArray });
      throw notAudit(label, 'it is JSON without any record');
    }
    const c = head.charCodeAt(i);
    if (c === 91) {
      if (inArray) throw notAudit(label, 'it is JSON whose first array holds arrays, not records');
      inArray = true;
      i++;
      continue;
    }
    if (c === 93 && inArray) {
      inArray = false;
      i++;
      // `[]` alone is a legitimate empty Management API blob.
      let j = i;
      while (j < len && isJsonSpace(head.charCodeAt(j))) j++;
      if (j >= len) return jsonShape({ kind: 'empty', inArray: true });
      continue;
    }
    if (c !== 123) {
      if (c === 34 && !inArray) {
        // A line that is a JSON string holding a record (double-encoded JSONL).
        const e = stringEnd(head, i);
        let inner: unknown = null;
        try {
          inner = e > 0 ? JSON.parse(head.slice(i, e)) : null;
        } catch {
          inner = null;
        }
        if (typeof inner === 'string' && inner.trimStart().startsWith('{')) {
          const kind = classifyObject(objectKeys(inner, inner.indexOf('{')));
          if (kind && kind !== 'page') return jsonShape({ kind, inArray: false });
        }
      }
      if (c === 34) throw notAudit(label, 'it is JSON whose first record is a string, not an object');
      throw notAudit(label, `it is JSON whose first record is ${quoteShort(head.slice(i, i + 40))}`);
    }
    break;
  }
  const obj = objectKeys(head, i);
  const kind = classifyObject(obj);
  if (!kind) throw notAudit(label, describeKeys(obj));
  return jsonShape({ kind, inArray });
}

/** The shape of a JSON export whose head the registry recognises; top-level OData pages hold the records in `value`. */
function jsonShape(head: JsonHead): ExportShape {
  const format = formatOfJsonHead(head);
  if (!format) throw new Error(`No format claims a JSON head of kind ${head.kind}`);
  return head.kind === 'page' ? { format, container: 'json', odata: !head.inArray } : { format, container: 'json' };
}

// ---------------------------------------------------------------- entry points

function firstNonBlank(head: string): number {
  let i = 0;
  while (i < head.length && isJsonSpace(head.charCodeAt(i))) i++;
  return i;
}

function looksBinary(head: string): boolean {
  // Ratios, not any single odd char: text exports can carry a stray NUL or U+FFFD in a subject line.
  const sample = head.slice(0, 4096);
  let nul = 0;
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) nul++;
    else if (c === 0xfffd) bad++;
  }
  return (nul > 8 && nul > sample.length / 50) || (bad > 8 && bad > sample.length / 20);
}

/**
 * Full shape of an export from its decoded head. With `expected`, the format is taken as given but the container
 * must still match (a CSV format on JSON content, or a CSV without the needed columns, fails fast).
 * @throws NotAnAuditExportError
 */
export function sniffExport(head: string, opts: { label?: string; expected?: ImportFormat } = {}): ExportShape {
  const label = opts.label ?? 'the file';
  const i = firstNonBlank(head);
  if (i >= head.length) throw notAudit(label, 'it is empty');
  if (looksBinary(head)) throw notAudit(label, 'it looks like binary data, not text');
  const c = head.charCodeAt(i);
  // `"{` starts a JSON-string-encoded record line; no CSV header starts that way.
  const isJson = c === 123 || c === 91 || (c === 34 && /^"\s*[{[]/.test(head.slice(i, i + 8)));
  const expected = opts.expected ? formatById(opts.expected) : undefined;
  const expectCsv = expected !== undefined && !expected.containers.includes('json');

  if (isJson) {
    if (expectCsv) throw notAudit(label, `it is JSON, but the format ${expected.id} (a CSV) was requested`);
    if (expected) {
      // Trust the caller, but learn the framing (OData page or not).
      let shape: ExportShape | null = null;
      try {
        shape = sniffJson(head, i, label);
      } catch {
        shape = null;
      }
      return { format: expected.id, container: 'json', odata: shape?.odata === true };
    }
    return sniffJson(head, i, label);
  }

  const { header, delimiter: sepDelim } = csvHeader(head.slice(i));
  if (!header) throw notAudit(label, 'it has no header line');
  const delimiter = sepDelim ?? pickDelimiter(header);
  const cols = splitCsvLine(header, delimiter);
  const columns = columnSet(cols);
  const fmt = formatOfCsvHeader(columns);
  if (expected && !expected.containers.includes('csv')) {
    throw notAudit(label, `it is CSV with the header ${quoteShort(header)}, but the JSON format ${expected.id} was requested`);
  }
  if (expected) {
    if (!expected.fitsCsvHeader?.(columns)) {
      throw notAudit(
        label,
        `its header is ${quoteShort(header)}, which does not fit the requested format ${expected.id}` +
          (fmt ? ` (it looks like ${fmt})` : ''),
      );
    }
    return { format: expected.id, container: 'csv', delimiter };
  }
  if (!fmt) throw notAudit(label, `its header is ${quoteShort(header)}${csvHint(cols)}`);
  return { format: fmt, container: 'csv', delimiter };
}

/**
 * The export format from the first ~64 KB of decoded text.
 * @throws NotAnAuditExportError when the content is no audit export shape we know.
 */
export function detectFormat(head: string, label?: string): ImportFormat {
  return sniffExport(head, { label }).format;
}
