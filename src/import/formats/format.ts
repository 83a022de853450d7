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

/** Where a message-detail export comes from (message_detail.source). */
export type DetailSource = 'MESSAGE_TRACE' | 'EDISCOVERY';

/**
 * Candidate column names (trimmed, lower-case) of exports that describe messages rather than audit records
 * (message trace, eDiscovery item reports); the first present wins. Each row becomes a message_detail.
 */
export interface DetailColumns {
  source: DetailSource;
  messageId: string[];
  subject: string[];
  sender: string[];
  /** One address, or several separated by `;`. */
  recipients: string[];
  /** Used when no `recipients` column is present: every present one is read (To, Cc, Bcc). */
  recipientParts: string[];
  /** Historical search: `address##events;address##events`. */
  recipientStatus: string[];
  receivedAt: string[];
  size: string[];
  /** The mailbox the item was found in (eDiscovery Location_name). */
  mailbox: string[];
  /** Where in the mailbox (eDiscovery Compound_path: mailbox and folders). */
  folderPath: string[];
  /** What kind of item (eDiscovery File_class / Item_class), to say why a row without a message id is refused. */
  itemClass: string[];
  /** Further columns that tell two rows of one message apart (message trace Status): part of the row key. */
  distinct: string[];
}

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
  /** How its CSV rows map to a record (CSV audit formats). */
  csvColumns?: CsvColumns;
  /** How its CSV rows map to message details (message trace, eDiscovery formats; these have no csvColumns). */
  detailColumns?: DetailColumns;
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

/** Message-detail exports carry no audit columns: a header with AuditData or Operation is never one. */
export const isAuditHeader = (columns: ReadonlySet<string>) => hasAny(columns, 'auditdata', 'operation', 'operations');
