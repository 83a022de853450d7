/**
 * The shapes that flow through an import: read (container) -> normalise (pure) -> load (COPY + merge).
 * Every reader produces SourceRecords; every SourceRecord goes through normalizeRecord; the loader only
 * ever sees NormalizedRecords. Keep this file free of I/O.
 */

export { IMPORT_FORMATS, type ImportFormat } from './formats';

/** Fields a container puts around AuditData (all optional; AuditData is the authority). */
export interface WrapperFields {
  /** RecordId (Purview), Identity (Search-UnifiedAuditLog / Search-MailboxAuditLog), id (Graph). */
  id?: string;
  /** Culture-formatted or ISO wrapper date, as text. Only used when AuditData has no CreationTime. */
  creationDate?: string;
  /** Int or enum name (ExchangeItemAggregated / exchangeItemAggregated). */
  recordType?: string | number;
  operation?: string;
  userId?: string;
  clientIp?: string;
  organizationId?: string;
}

/** One record as read from a file, before normalisation. */
export interface SourceRecord {
  /** 1-based line in the decoded file where the record starts (CSV: the row's first physical line). */
  line: number;
  /**
   * AuditData parsed into an object. For MAILBOX_AUDIT_LOG_CSV (no AuditData exists) it is the flat row
   * keyed by column name, and `flat` is true.
   */
  auditData: Record<string, unknown>;
  /** The AuditData JSON text to store verbatim (the original string when the source had one). */
  rawJson: string;
  /**
   * False when rawJson is not the bytes as read but a serialisation of them (a flat row, or an AuditData object
   * whose source text could not be located): stored, and shown as not byte-exact (AuditRecord.rawExact).
   */
  rawExact?: boolean;
  wrapper: WrapperFields;
  /** True for Search-MailboxAuditLog rows: flat columns, no AuditData. */
  flat?: boolean;
}

/** A row or record we could not use. Kept with the batch; never silently dropped. */
export interface Rejection {
  line: number;
  reason: string;
  /** The first ~300 characters of the offending text. */
  excerpt: string;
}

/**
 * One row of a message-detail export (message trace, eDiscovery item report), before normalisation: the cells of
 * the columns its format maps, as text (undefined when the column is absent).
 */
export interface SourceDetail {
  line: number;
  source: 'MESSAGE_TRACE' | 'EDISCOVERY';
  messageId?: string;
  subject?: string;
  sender?: string;
  /** Cells holding recipients, `;`-separated within a cell. */
  recipients: string[];
  /** Historical search's recipient_status (`address##events;...`). */
  recipientStatus?: string;
  receivedAt?: string;
  size?: string;
  mailbox?: string;
  folderPath?: string;
  itemClass?: string;
  /** Further values that tell rows of one message apart (part of the row key). */
  distinct: string[];
  /** The row as read (without its line break): kept verbatim as evidence. */
  rawText: string;
}

export type ReadEvent =
  | { kind: 'record'; record: SourceRecord }
  | { kind: 'detail'; detail: SourceDetail }
  | { kind: 'rejection'; rejection: Rejection };

export type MailAccessType = 'BIND' | 'SYNC';

export interface CanonicalIp {
  /** Canonical text: no port/brackets, lower-case compressed IPv6, IPv4-mapped shown as IPv4. */
  address: string;
  version: 4 | 6;
}

/** One message listed in a Bind record (Folders[].FolderItems[]). */
export interface NormalizedMessageAccess {
  /** The folder's store Id, or `path:<Path>` when the record gives no Id. */
  folderKey: string;
  folderPath: string;
  /** Canonical: with angle brackets; null when the item was listed without one (it is then known by itemId). */
  internetMessageId: string | null;
  /** The id exactly as written in the record, when it differs from the canonical form. */
  internetMessageIdOriginal: string | null;
  /**
   * The message dictionary key: messageKey(internetMessageId), else itemKey(mailbox, ImmutableId or Id), else an
   * itemKey unique to this record and position (an item with no id at all is still one access).
   */
  dictionaryKey: string;
  /** dictionaryKeyHash(dictionaryKey), when computed ahead (prepare.ts); the loader hashes it otherwise. */
  dictionaryKeyHash?: string;
  sizeInBytes: number | null;
  /** FolderItems[].ImmutableId (when usable), else FolderItems[].Id: the item's store id, as written. */
  itemId: string | null;
  /** FolderItems[].CreationTime: when this item was accessed (the API shows it instead of the record's time). */
  itemTime: Date | null;
  subject: string | null;
  /** FolderItems[].Sensitivity: the sensitivity label id(s). */
  sensitivityLabels: string[] | null;
}

/** One folder a Sync record says was downloaded whole. */
export interface NormalizedFolderSync {
  /** UNKNOWN_FOLDER_KEY when the record named no folder: the whole mailbox may have been synced. */
  folderKey: string;
  folderPath: string;
}

/**
 * The folder key of the stand-in folder a Sync record without any folder is stored against, so the sync is kept
 * (and exposure warns that any folder may have been synced) instead of disappearing.
 */
export const UNKNOWN_FOLDER_KEY = 'unknown:';

export type SessionKind = 'EXCHANGE' | 'ENTRA';

export interface RecordSession {
  /** The session's id: SessionId for EXCHANGE, AADSessionId for ENTRA. */
  key: string;
  kind: SessionKind;
  /** For an EXCHANGE session whose record also carries AADSessionId: the Entra sign-in it belongs to. */
  entraSessionId: string | null;
}

export interface NormalizedRecord {
  /** AuditData.Id (or the wrapper's id) lower-cased; `sha256:<hex>` of the canonical content when missing/anonymised. */
  recordKey: string;
  creationTime: Date;
  operation: string;
  recordType: number | null;
  userId: string;
  /** AuditData.UserType as a number (names mapped). */
  userType: number | null;
  /** Lower-cased MailboxOwnerUPN (else UserId when it is a UPN on an Exchange record). */
  mailboxUpn: string | null;
  mailboxGuid: string | null;
  /** AuditData.OrganizationId: the Microsoft 365 tenant. */
  tenantId: string | null;
  /** SessionId unless missing or a placeholder (ANONYMIZED, the all-zero GUID...). */
  sessionId: string | null;
  /** AADSessionId (top level or AppAccessContext) unless missing or a placeholder. */
  aadSessionId: string | null;
  /** AppAccessContext.UniqueTokenId (or top level): the token that made the request. */
  uniqueTokenId: string | null;
  /** The session the record belongs to: by SessionId, else by AADSessionId; null when it has neither. */
  session: RecordSession | null;
  clientIp: CanonicalIp | null;
  /** ClientIPAddress / ClientIP exactly as written. */
  clientIpRaw: string | null;
  clientInfoString: string | null;
  appId: string | null;
  clientAppId: string | null;
  logonType: number | null;
  mailAccessType: MailAccessType | null;
  isThrottled: boolean | null;
  operationCount: number | null;
  messageAccesses: NormalizedMessageAccess[];
  folderSyncs: NormalizedFolderSync[];
}
