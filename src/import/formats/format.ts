/**
 * What defines an export format, in one place: how to recognise it, how to read its rows, and how to describe
 * it to users. One descriptor per format (a file in this folder, listed in index.ts); the import enum, the GraphQL
 * ImportFormat enum and the "Expected one of" message are derived from the list. The reading pipeline (framing,
 * buffering, sniffing the head) stays in read/; descriptors only answer questions about what it found.
 */

/** What the detector found at the start of a JSON export. */
export interface JsonHead {
  /** The first record-level value: an AuditData object, a Search-UnifiedAuditLog wrapper, a Graph record, an OData page, or nothing (`[]`). */
  kind: 'auditdata' | 'wrapper' | 'graph' | 'page' | 'empty';
  /** Records are elements of a top-level array (rather than one per line). */
  inArray: boolean;
}

/** Candidate column names (lower-case) for each wrapper field of a CSV row; the first present wins. */
export interface CsvColumns {
  /** null: the format has no AuditData column, the flat row itself is the record. */
  auditData: string[] | null;
  id: string[];
  creationDate: string[];
  recordType: string[];
  operation: string[];
  userId: string[];
  clientIp: string[];
  organizationId: string[];
}

/** The columns of exports that carry AuditData as one JSON column, with the wrapper columns around it. */
export const AUDITDATA_CSV_COLUMNS: CsvColumns = {
  auditData: ['auditdata'],
  id: ['recordid', 'identity', 'id'],
  creationDate: ['creationdate', 'createddatetime'],
  recordType: ['recordtype', 'auditlogrecordtype'],
  operation: ['operation', 'operations'],
  userId: ['userid', 'userids', 'userprincipalname'],
  clientIp: ['clientip'],
  organizationId: ['organizationid'],
};

export interface ExportFormat<Id extends string = string> {
  id: Id;
  /** For the GraphQL enum value. */
  description: string;
  /** How the "not an audit export" error names it to the user. */
  expected: string;
  /** Containers its files come in. */
  containers: readonly ('csv' | 'json')[];
  /** Detection from a CSV header (trimmed, lower-cased column names). Formats must not overlap. */
  isCsvHeader?(columns: ReadonlySet<string>): boolean;
  /** When the format is requested rather than detected: can this CSV header be read as it? */
  fitsCsvHeader?(columns: ReadonlySet<string>): boolean;
  /** Detection from the first record of a JSON export. Formats must not overlap. */
  isJsonHead?(head: JsonHead): boolean;
  /** How its CSV rows map to a record (CSV formats). */
  csvColumns?: CsvColumns;
}

/** Keeps the literal id type, so the ImportFormat union is derived from the registry. */
export function defineFormat<Id extends string>(format: ExportFormat<Id>): ExportFormat<Id> {
  return format;
}

/** Any of the names. */
export const hasAny = (columns: ReadonlySet<string>, ...names: string[]) => names.some((n) => columns.has(n));

/** CSV exports of a Microsoft Graph audit log search (Get-UALGraph) carry Graph's column names. */
export const isGraphCsv = (columns: ReadonlySet<string>) => columns.has('auditdata') && hasAny(columns, 'createddatetime', 'auditlogrecordtype');

/** A CSV header with an AuditData column that the Purview, classic or Search-UnifiedAuditLog formats claim. */
export const hasAuditDataColumn = (columns: ReadonlySet<string>) => columns.has('auditdata');

/** Search-UnifiedAuditLog | Export-Csv adds these columns to the classic four. */
export const isSearchUnifiedAuditLogCsv = (columns: ReadonlySet<string>) => hasAny(columns, 'identity', 'resultindex', 'resultcount', 'recordtype');
