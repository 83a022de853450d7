/**
 * Per-format mapping of one framed value (JSON text or CSV row) to a SourceRecord or a Rejection.
 * No normalisation here: wrapper values are passed on as text, AuditData as parsed + verbatim JSON.
 */
import { formatById, type ImportFormat } from '../formats';
import type { ReadEvent, SourceRecord, WrapperFields } from '../types';
import { excerptOf } from './errors';
import { isJsonSpace, stringEnd, valueEnd } from './json-values';

type Obj = Record<string, unknown>;

function reject(line: number, reason: string, text: string): ReadEvent {
  return { kind: 'rejection', rejection: { line, reason, excerpt: excerptOf(text) } };
}

function record(r: SourceRecord): ReadEvent {
  return { kind: 'record', record: r };
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/** Text of a wrapper value; empty / non-scalar values are left out. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function recordTypeOf(v: unknown): string | number | undefined {
  if (typeof v === 'number') return v;
  const t = text(v);
  if (t === undefined) return undefined;
  return /^\s*\d+\s*$/.test(t) ? Number(t) : t;
}

/** Drop undefined members so records compare and serialise cleanly. */
function compact(w: WrapperFields): WrapperFields {
  const out: WrapperFields = {};
  for (const [k, v] of Object.entries(w)) if (v !== undefined) (out as Obj)[k] = v;
  return out;
}

const AUDITDATA_NOT_JSON = 'AuditData is not valid JSON (truncated?)';

/** AuditData given as a JSON string: parse it; rawJson is the string itself. */
function parseAuditDataString(s: string): { ok: true; value: Obj; raw: string } | { ok: false; reason: string } {
  if (s.trim() === '') return { ok: false, reason: 'AuditData is empty' };
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    return { ok: false, reason: AUDITDATA_NOT_JSON };
  }
  if (!isObj(v)) return { ok: false, reason: `AuditData is ${typeName(v)}, not a JSON object` };
  return { ok: true, value: v, raw: s };
}

/** Exact source slice of member `key` of the object text (depth 1), or null. */
export function memberSlice(objText: string, key: string): string | null {
  const len = objText.length;
  let i = 0;
  while (i < len && isJsonSpace(objText.charCodeAt(i))) i++;
  if (objText.charCodeAt(i) !== 123) return null;
  i++;
  for (;;) {
    while (i < len && (isJsonSpace(objText.charCodeAt(i)) || objText.charCodeAt(i) === 44)) i++;
    if (objText.charCodeAt(i) !== 34) return null;
    const ke = stringEnd(objText, i);
    if (ke < 0) return null;
    let k = objText.slice(i + 1, ke - 1);
    if (k.includes('\\')) {
      try {
        k = JSON.parse(objText.slice(i, ke)) as string;
      } catch {
        return null;
      }
    }
    i = ke;
    while (i < len && isJsonSpace(objText.charCodeAt(i))) i++;
    if (objText.charCodeAt(i) !== 58) return null;
    i++;
    while (i < len && isJsonSpace(objText.charCodeAt(i))) i++;
    const e = valueEnd(objText, i);
    if (e < 0) return null;
    if (k === key) return objText.slice(i, e);
    i = e;
  }
}

function resolveAuditData(
  wrapperText: string,
  key: string,
  v: unknown,
): { ok: true; value: Obj; raw: string; exact?: boolean } | { ok: false; reason: string } {
  if (typeof v === 'string') return parseAuditDataString(v);
  if (isObj(v)) {
    // Keep the source text verbatim (key order, number spelling); fall back to stringify if it cannot be located.
    const slice = memberSlice(wrapperText, key);
    return slice === null ? { ok: true, value: v, raw: JSON.stringify(v), exact: false } : { ok: true, value: v, raw: slice };
  }
  return { ok: false, reason: `${key} is ${typeName(v)}, neither an object nor a JSON string` };
}

/** A record inside a wrapper (Search-UnifiedAuditLog, Graph): AuditData under `key`, the wrapper's fields around it. */
function wrappedRecord(line: number, srcText: string, valueText: string, key: string, auditData: unknown, wrapper: WrapperFields): ReadEvent {
  const ad = resolveAuditData(srcText, key, auditData);
  if (!ad.ok) return reject(line, ad.reason, valueText);
  return record({ line, auditData: ad.value, rawJson: ad.raw, rawExact: ad.exact, wrapper: compact(wrapper) });
}

/**
 * One JSON value framed by the splitter. Handles, whatever the detected JSON format: bare AuditData objects,
 * Search-UnifiedAuditLog wrappers (AuditData as object or as JSON string), Graph auditLogRecords (auditData),
 * and lines that are themselves a JSON string holding one of those (double-encoded).
 */
export function mapJsonValue(valueText: string, line: number): ReadEvent {
  let v: unknown;
  try {
    v = JSON.parse(valueText);
  } catch (e) {
    return reject(line, `invalid JSON: ${(e as Error).message}`, valueText);
  }
  let srcText = valueText;
  if (typeof v === 'string') {
    // A whole record serialised into a string (double-encoded line).
    try {
      const inner: unknown = JSON.parse(v);
      if (isObj(inner)) {
        srcText = v;
        v = inner;
      }
    } catch {
      /* fall through to the type check */
    }
  }
  if (!isObj(v)) return reject(line, `expected a JSON object (a record), found ${typeName(v)}`, valueText);
  const o = v;

  if ('AuditData' in o) {
    return wrappedRecord(line, srcText, valueText, 'AuditData', o.AuditData, {
      id: text(o.Identity) ?? text(o.RecordId) ?? text(o.Id),
      creationDate: text(o.CreationDate),
      recordType: recordTypeOf(o.RecordType),
      operation: text(o.Operations) ?? text(o.Operation),
      userId: text(o.UserIds) ?? text(o.UserId),
      clientIp: text(o.ClientIP) ?? text(o.ClientIp),
      organizationId: text(o.OrganizationId),
    });
  }
  if ('auditData' in o) {
    return wrappedRecord(line, srcText, valueText, 'auditData', o.auditData, {
      id: text(o.id),
      creationDate: text(o.createdDateTime),
      recordType: recordTypeOf(o.auditLogRecordType),
      operation: text(o.operation),
      userId: text(o.userPrincipalName) ?? text(o.userId),
      clientIp: text(o.clientIp),
      organizationId: text(o.organizationId),
    });
  }
  // A bare AuditData object (Management API, SOF-ELK, -AuditDataOnly).
  return record({ line, auditData: o, rawJson: srcText, wrapper: {} });
}

// ---------------------------------------------------------------- CSV

/** Column positions resolved once per file from the header (-1: absent). */
export interface CsvLayout {
  format: ImportFormat;
  header: string[];
  /** -1 for formats without AuditData, whose flat row is the record. */
  auditData: number;
  id: number;
  creationDate: number;
  recordType: number;
  operation: number;
  userId: number;
  clientIp: number;
  organizationId: number;
}

export function csvLayout(format: ImportFormat, header: string[]): CsvLayout {
  const names = header.map((h) => h.trim().toLowerCase());
  const columns = formatById(format).csvColumns;
  if (!columns) throw new Error(`${format} is not a CSV format`);
  const col = (candidates: string[] | null) => {
    for (const c of candidates ?? []) {
      const i = names.indexOf(c);
      if (i >= 0) return i;
    }
    return -1;
  };
  return {
    format,
    header: header.map((h) => h.trim()),
    auditData: col(columns.auditData),
    id: col(columns.id),
    creationDate: col(columns.creationDate),
    recordType: col(columns.recordType),
    operation: col(columns.operation),
    userId: col(columns.userId),
    clientIp: col(columns.clientIp),
    organizationId: col(columns.organizationId),
  };
}

function cell(cells: string[], i: number): string | undefined {
  return i >= 0 ? text(cells[i]) : undefined;
}

/** One CSV data row (already checked for column count by the caller). */
export function mapCsvRow(layout: CsvLayout, cells: string[], line: number, rowText: string): ReadEvent {
  const wrapper = compact({
    id: cell(cells, layout.id),
    creationDate: cell(cells, layout.creationDate),
    recordType: layout.recordType >= 0 ? recordTypeOf(cells[layout.recordType]) : undefined,
    operation: cell(cells, layout.operation),
    userId: cell(cells, layout.userId),
    clientIp: cell(cells, layout.clientIp),
    organizationId: cell(cells, layout.organizationId),
  });
  if (layout.auditData < 0) {
    // No AuditData exists: the flat row is the record.
    const flat: Obj = {};
    const h = layout.header;
    for (let i = 0; i < h.length; i++) flat[h[i]!] = cells[i] ?? '';
    return record({ line, auditData: flat, rawJson: JSON.stringify(flat), rawExact: false, wrapper, flat: true });
  }
  const raw = cells[layout.auditData] ?? '';
  const ad = parseAuditDataString(raw);
  if (!ad.ok) return reject(line, ad.reason, rowText);
  return record({ line, auditData: ad.value, rawJson: ad.raw, wrapper });
}
