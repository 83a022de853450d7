/** Database rows (snake_case, as pg returns them) to the GraphQL views, and the column lists that produce them. */
import { types } from 'pg';
import { sql, type Sql } from '../../db/sql';
import { appDisplayName, enrichIp } from '../../enrich';
import { canonicalIp } from '../../import/normalize';
import type { SessionKindEnum } from '../graphql/types/enums';
import {
  MailAccessTypeEnum,
  type AppType,
  type AuditRecordType,
  type ClientIpType,
  type FolderSyncType,
  type FolderType,
  type MailboxType,
  MessageAccessType,
  type SessionType,
} from '../graphql/types/entities.type';

type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

/** pg's own parser of a timestamptz's text (what pg applies to such a column unless it was cast to text). */
const parseTimestamptz = types.getTypeParser(types.builtins.TIMESTAMPTZ) as (text: string) => unknown;
/** A timestamptz selected as `::text`, as the Date pg would have made of it; a Date (or null) as it came. */
const pgTime = (v: unknown): Date => date(typeof v === 'string' ? parseTimestamptz(v) : v);
/** PostgreSQL's text of a timestamptz in UTC (session TimeZone UTC, DateStyle ISO), 4-digit years. */
const PG_UTC_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?\+00$/;

/**
 * A timestamptz selected as `::text`, as DateTime prints it: exactly Date.toISOString() of what pg would have
 * parsed (pg keeps whole milliseconds, truncating; so does this), without making the Date. Text of another shape
 * (another session time zone, BC, infinity) goes through pg's parser; a Date (a column not cast) is kept.
 */
export function isoTimeOf(v: unknown): Date | string {
  if (typeof v !== 'string') return date(v);
  if (!PG_UTC_TEXT.test(v)) return pgTime(v);
  // Fixed positions in that shape: date 0-9, time 11-18, then '.' and 1-6 digits of fraction when there are any.
  const fraction = v.length > 22 ? v.slice(20, v.length - 3) : '';
  return `${v.slice(0, 10)}T${v.slice(11, 19)}.${(fraction + '000').slice(0, 3)}Z`;
}
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

/** `a.c1, a.c2, ...` */
const columns = (alias: string, names: readonly string[]): Sql => sql.join(names.map((c) => sql.ident(alias, c)));

export const MAILBOX_COLUMNS = (a: string) =>
  columns(a, ['id', 'user_principal_name', 'mailbox_guid', 'tenant_id', 'first_seen', 'last_seen', 'record_count', 'throttled_record_count']);

export function mailboxFromRow(r: Row): MailboxType {
  return {
    id: str(r.id),
    userPrincipalName: str(r.user_principal_name),
    mailboxGuid: strOrNull(r.mailbox_guid),
    tenantId: strOrNull(r.tenant_id),
    firstSeen: dateOrNull(r.first_seen),
    lastSeen: dateOrNull(r.last_seen),
    recordCount: num(r.record_count),
    throttledRecordCount: num(r.throttled_record_count),
  };
}

export const SESSION_COLUMNS = (a: string) =>
  columns(a, ['id', 'session_id', 'kind', 'entra_session_id', 'first_seen', 'last_seen', 'record_count', 'message_access_count', 'bound_message_count']);

export function sessionFromRow(r: Row): SessionType {
  return {
    id: str(r.id),
    sessionId: str(r.session_id),
    kind: str(r.kind) as SessionKindEnum,
    entraSessionId: strOrNull(r.entra_session_id),
    firstSeen: date(r.first_seen),
    lastSeen: date(r.last_seen),
    recordCount: num(r.record_count),
    keptMessageAccessCount: r.message_access_count == null ? null : num(r.message_access_count),
    keptBoundMessageCount: r.bound_message_count == null ? null : num(r.bound_message_count),
  };
}

export const APP_COLUMNS = (a: string) => columns(a, ['id', 'app_id', 'first_seen', 'last_seen', 'record_count', 'app_only_record_count']);

export function appFromRow(r: Row): AppType {
  const appId = str(r.app_id);
  return {
    id: str(r.id),
    appId,
    displayName: appDisplayName(appId),
    appOnly: num(r.app_only_record_count) > 0,
    firstSeen: date(r.first_seen),
    lastSeen: date(r.last_seen),
    recordCount: num(r.record_count),
  };
}

/** The address as the API shows it: host() drops the /32 or /128 that inet would print; a non-IP is as written. */
export const ADDRESS_TEXT = (a: string) => sql`coalesce(host(${sql.ident(a, 'address')}), ${sql.ident(a, 'verbatim')})`;

/**
 * The client_ip row(s) named by `key`: a canonical IP (canonicalIp's text) by its inet, anything else by its text as
 * written (also trimmed), so `localhost` or `fe80::1%eth0` is found exactly as it came.
 */
export function addressIsSql(a: string, key: string): Sql {
  const ip = canonicalIp(key);
  return ip ? sql`${sql.ident(a, 'address')} = ${ip.address}::inet` : sql`${sql.ident(a, 'verbatim')} IN (${key}::text, btrim(${key}::text))`;
}

export const CLIENT_IP_COLUMNS = (a: string) =>
  sql`${sql.ident(a, 'id')}, ${ADDRESS_TEXT(a)} AS address, ${columns(a, ['version', 'first_seen', 'last_seen', 'record_count'])}`;

export function clientIpFromRow(r: Row): ClientIpType {
  return {
    id: str(r.id),
    ...enrichIp(str(r.address)),
    address: str(r.address),
    version: num(r.version),
    firstSeen: date(r.first_seen),
    lastSeen: date(r.last_seen),
    recordCount: num(r.record_count),
  };
}

export function folderFromRow(r: Row): FolderType {
  return { id: str(r.id), mailboxId: str(r.mailbox_id), folderKey: str(r.folder_key), path: str(r.path) };
}

/** Client IP columns of a joined client_ip (alias c), prefixed c_, so the IP costs no statement of its own. */
const JOINED_CLIENT_IP = sql`coalesce(host(c.address), c.verbatim) AS c_address, c.version AS c_version, c.first_seen AS c_first_seen, c.last_seen AS c_last_seen, c.record_count AS c_record_count`;

/**
 * The narrow access tables joined to their record and message: the columns the API shows (mailbox, session, IP, app
 * and type are the record's). The access time is the item's own CreationTime when the record gives one (newer Bind
 * records), else the record's: every filter, order and first/last of accesses uses this one accessed_at.
 * internet_message_id is null for an item listed without one (item_id then says which item).
 */
const ACCESS_ROWS = sql`(SELECT a.id, a.org_id, a.record_id, a.folder_id, a.message_id, a.size_in_bytes, r.mailbox_id, r.session_id,
    r.client_ip_id, r.client_app_id, r.app_id, r.mail_access_type AS access_type, coalesce(a.item_time, r.creation_time) AS accessed_at,
    m.internet_message_id, a.item_id, a.subject, a.sensitivity_labels
  FROM message_access a JOIN audit_record r ON r.id = a.record_id AND r.org_id = a.org_id JOIN message m ON m.id = a.message_id AND m.org_id = a.org_id)`;

/**
 * ACCESS_ROWS without the message dictionary join and the item columns: ids, attribution and time, which is all
 * counts and filters read (every access has its message, so the counts are the same; the join was a third of their
 * cost at 1M records).
 */
const ACCESS_KEY_ROWS = sql`(SELECT a.id, a.org_id, a.record_id, a.folder_id, a.message_id, r.mailbox_id, r.session_id,
    r.client_ip_id, r.client_app_id, r.app_id, r.mail_access_type AS access_type, coalesce(a.item_time, r.creation_time) AS accessed_at
  FROM message_access a JOIN audit_record r ON r.id = a.record_id AND r.org_id = a.org_id)`;

/**
 * ACCESS_ROWS without the message dictionary: what a page of accesses sorts and limits before WIDEN_ACCESS_PAGE joins
 * the message and folder to its rows only. Counting over it costs what counting over ACCESS_KEY_ROWS does (the
 * subquery is flattened; the item columns are not read).
 */
export const ACCESS_PAGE_ROWS = sql`(SELECT a.id, a.org_id, a.record_id, a.folder_id, a.message_id, a.size_in_bytes, r.mailbox_id, r.session_id,
    r.client_ip_id, r.client_app_id, r.app_id, r.mail_access_type AS access_type, coalesce(a.item_time, r.creation_time) AS accessed_at,
    a.item_id, a.subject, a.sensitivity_labels
  FROM message_access a JOIN audit_record r ON r.id = a.record_id AND r.org_id = a.org_id)`;

/**
 * The page's rows as messageAccessFromRow reads them, from ACCESS_PAGE_ROWS already sorted and limited (`limited`),
 * in the same order: the message's InternetMessageId, the folder (prefix f_) and client IP (prefix c_) joined to
 * those rows only. Its times come as PostgreSQL's text (`::text`, what it sends for a timestamptz anyway), so pg
 * does not parse three of them per row into Dates: accessedAt goes from that text to the API's ISO text
 * (isoTimeOf), the client IP's (built once per request) are parsed when it is built.
 *
 * A row's folder and client IP columns are sent only where they differ from the previous row's (null otherwise):
 * a page's rows mostly share a handful of folders and IPs, which noteRelated hands over once anyway (they were
 * half of a page's text), and both are looked up only on those rows (OFFSET 0 keeps each subquery apart, so its
 * one-time filter skips the lookup elsewhere: contract 01 looks up 6 client IPs instead of 501, and 13 folders).
 */
export const ACCESS_PAGE_SELECT = (limited: Sql, withTotal: boolean) =>
  sql`SELECT x.id, x.record_id, x.folder_id, x.size_in_bytes, x.mailbox_id, x.session_id, x.client_ip_id, x.client_app_id, x.access_type,
      x.accessed_at::text AS accessed_at, m.internet_message_id, x.item_id, x.subject, x.sensitivity_labels,
      f.folder_key AS f_folder_key, f.path AS f_path,
      c.c_address, c.c_version, c.c_first_seen, c.c_last_seen, c.c_record_count${withTotal ? sql`, x.__total` : sql.empty}
    FROM (SELECT l.*, lag(l.folder_id) OVER w IS DISTINCT FROM l.folder_id AS new_folder,
        lag(l.client_ip_id) OVER w IS DISTINCT FROM l.client_ip_id AS new_client_ip
      FROM ${limited} l WINDOW w AS (ORDER BY l.accessed_at, l.id)) x
    JOIN message m ON m.id = x.message_id AND m.org_id = x.org_id
    LEFT JOIN LATERAL (SELECT f.folder_key, f.path FROM folder f WHERE x.new_folder AND f.id = x.folder_id AND f.org_id = x.org_id OFFSET 0) f ON true
    LEFT JOIN LATERAL (SELECT coalesce(host(c.address), c.verbatim) AS c_address, c.version AS c_version, c.first_seen::text AS c_first_seen,
        c.last_seen::text AS c_last_seen, c.record_count AS c_record_count
      FROM client_ip c WHERE x.new_client_ip AND c.id = x.client_ip_id AND c.org_id = x.org_id OFFSET 0) c ON true
    ORDER BY x.accessed_at, x.id`;

/** Message accesses as counts and filters read them (ACCESS_KEY_ROWS), or folder syncs (SYNC_ROWS). */
export const COUNTED_ACCESSES = (table: 'message_access' | 'folder_sync') => (table === 'message_access' ? ACCESS_KEY_ROWS : SYNC_ROWS);

const SYNC_ROWS = sql`(SELECT s.id, s.org_id, s.record_id, s.folder_id, r.mailbox_id, r.session_id, r.client_ip_id, r.client_app_id,
    r.app_id, r.creation_time AS synced_at
  FROM folder_sync s JOIN audit_record r ON r.id = s.record_id AND r.org_id = s.org_id)`;

/** Message accesses or folder syncs as the API shows them (ACCESS_ROWS / SYNC_ROWS), without the folder. */
export const ACCESSES = (table: 'message_access' | 'folder_sync') => (table === 'message_access' ? ACCESS_ROWS : SYNC_ROWS);

/** Message accesses or folder syncs with their folder (prefix f_) and client IP (prefix c_) joined in. */
export const WITH_FOLDER = (table: 'message_access' | 'folder_sync') =>
  sql`(SELECT x.*, f.folder_key AS f_folder_key, f.path AS f_path, ${JOINED_CLIENT_IP}
    FROM ${ACCESSES(table)} x JOIN folder f ON f.id = x.folder_id AND f.org_id = x.org_id LEFT JOIN client_ip c ON c.id = x.client_ip_id AND c.org_id = x.org_id)`;

/**
 * audit_record's columns except the original text: it is large and compressed, so lists leave it out and
 * AuditRecord.raw / rawText load it only when a client selects it (one batched statement).
 */
export const RECORD_COLUMNS = (a: string) =>
  sql`${columns(a, ['id', 'org_id', 'record_key', 'creation_time', 'operation', 'record_type', 'user_id', 'user_type', 'mailbox_id', 'session_id', 'client_ip_id',
    'client_ip_raw', 'app_id', 'client_app_id', 'aad_session_id', 'unique_token_id', 'logon_type', 'mail_access_type',
    'is_throttled', 'operation_count', 'batch_id', 'source_line', 'raw_exact', 'conflicts_with_id'])}, ${CLIENT_INFO_STRING(a)} AS client_info_string`;

/**
 * A record's ClientInfoString from its dictionary: as a subquery (an index probe per row) rather than through the
 * function client_info_string(audit_record), which PostgreSQL cannot inline and calls as a function per row.
 */
export const CLIENT_INFO_STRING = (a: string) =>
  sql`(SELECT ci.text FROM client_info ci WHERE ci.org_id = ${sql.ident(a, 'org_id')} AND ci.id = ${sql.ident(a, 'client_info_id')})`;

/** audit_record (without raw) with its client IP (prefix c_) joined in. */
export const RECORD_WITH_CLIENT_IP = sql`(SELECT ${RECORD_COLUMNS('x')}, ${JOINED_CLIENT_IP} FROM audit_record x LEFT JOIN client_ip c ON c.id = x.client_ip_id AND c.org_id = x.org_id)`;

/** Where a loader puts the related rows it learnt for free (DataLoader.prime), so later fields need no query. */
export interface RelatedRows {
  folder(folder: FolderType): void;
  clientIp(clientIp: ClientIpType): void;
  /** Whether that row was handed over already in this request (then it is not built again). */
  has?(kind: 'folder' | 'clientIp', id: string): boolean;
  /** The folder handed over under that id in this request: the rows that name it share that one object. */
  knownFolder?(id: string): FolderType | undefined;
}

/** Hands the joined folder / client IP of a row to `related`, each once; answers the row's folder (shared). */
export function noteRelated(r: Row, related: RelatedRows): FolderType | undefined {
  let folder: FolderType | undefined;
  if (r.f_folder_key === null) {
    // A page row whose folder columns were left out (ACCESS_PAGE_SELECT): an earlier row of the page handed it over.
    folder = related.knownFolder?.(str(r.folder_id));
  } else if (r.f_folder_key !== undefined) {
    const id = str(r.folder_id);
    folder = related.knownFolder?.(id);
    if (!folder) {
      folder = { id, mailboxId: str(r.mailbox_id), folderKey: str(r.f_folder_key), path: str(r.f_path) };
      if (!related.has?.('folder', id)) related.folder(folder);
    }
  }
  if (r.c_address !== undefined && r.c_address !== null && !related.has?.('clientIp', str(r.client_ip_id))) {
    related.clientIp({
      id: str(r.client_ip_id),
      ...enrichIp(str(r.c_address)),
      address: str(r.c_address),
      version: num(r.c_version),
      firstSeen: pgTime(r.c_first_seen),
      lastSeen: pgTime(r.c_last_seen),
      recordCount: num(r.c_record_count),
    });
  }
  return folder;
}

/** The joined folder of a row (prefix f_), when it has one. */
const joinedFolderOf = (r: Row): FolderType | undefined =>
  r.f_folder_key === undefined || r.f_folder_key === null
    ? undefined
    : { id: str(r.folder_id), mailboxId: str(r.mailbox_id), folderKey: str(r.f_folder_key), path: str(r.f_path) };

/** The record attribution columns ACCESS_ROWS and SYNC_ROWS share. */
function attributionFromRow(r: Row) {
  return {
    id: str(r.id),
    recordId: str(r.record_id),
    folderId: str(r.folder_id),
    joinedFolder: joinedFolderOf(r),
    mailboxId: str(r.mailbox_id),
    sessionId: strOrNull(r.session_id),
    clientIpId: strOrNull(r.client_ip_id),
    clientAppId: strOrNull(r.client_app_id),
  };
}

/**
 * An access as the API shows it. Built as a MessageAccessType (no spread, no intermediate object): type-graphql
 * hands a field resolver's @Root() through as is only when it is an instance of the class, and copies every other
 * object into a new instance on each call (folder { path } on a page of 500 is 500 calls). `joinedFolder` is the
 * row's folder when the caller shares one object per folder (noteRelated); accessedAt stays ISO text when the row
 * has it as text (ACCESS_PAGE_SELECT).
 */
export function messageAccessFromRow(r: Row, joinedFolder: FolderType | undefined = joinedFolderOf(r)): MessageAccessType {
  const a = new MessageAccessType();
  a.id = str(r.id);
  a.recordId = str(r.record_id);
  a.folderId = str(r.folder_id);
  a.joinedFolder = joinedFolder;
  a.mailboxId = str(r.mailbox_id);
  a.sessionId = strOrNull(r.session_id);
  a.clientIpId = strOrNull(r.client_ip_id);
  a.clientAppId = strOrNull(r.client_app_id);
  // '' (never null: the field is String!) for an item listed without one; internetMessageIdMissing says so.
  a.internetMessageId = strOrNull(r.internet_message_id) ?? '';
  a.internetMessageIdMissing = r.internet_message_id === null || r.internet_message_id === undefined;
  a.itemId = strOrNull(r.item_id);
  a.subject = strOrNull(r.subject);
  a.sensitivityLabels = (r.sensitivity_labels as string[] | null) ?? [];
  a.accessType = r.access_type === 'SYNC' ? MailAccessTypeEnum.SYNC : MailAccessTypeEnum.BIND;
  a.accessedAt = isoTimeOf(r.accessed_at);
  a.sizeInBytes = r.size_in_bytes === null || r.size_in_bytes === undefined ? null : Math.min(num(r.size_in_bytes), 2 ** 31 - 1);
  return a;
}

export function folderSyncFromRow(r: Row): FolderSyncType {
  return {
    ...attributionFromRow(r),
    syncedAt: date(r.synced_at),
  };
}

export function auditRecordFromRow(r: Row): AuditRecordType {
  const access = strOrNull(r.mail_access_type);
  return {
    id: str(r.id),
    recordKey: str(r.record_key),
    mailboxId: strOrNull(r.mailbox_id),
    sessionId: strOrNull(r.session_id),
    clientIpId: strOrNull(r.client_ip_id),
    batchId: str(r.batch_id),
    conflictsWithId: strOrNull(r.conflicts_with_id),
    creationTime: date(r.creation_time),
    operation: str(r.operation),
    recordType: num(r.record_type),
    userId: strOrNull(r.user_id),
    userType: numOrNull(r.user_type),
    clientInfoString: strOrNull(r.client_info_string),
    appId: strOrNull(r.app_id),
    clientAppId: strOrNull(r.client_app_id),
    aadSessionId: strOrNull(r.aad_session_id),
    uniqueTokenId: strOrNull(r.unique_token_id),
    logonType: numOrNull(r.logon_type),
    mailAccessType: access === 'BIND' ? MailAccessTypeEnum.BIND : access === 'SYNC' ? MailAccessTypeEnum.SYNC : null,
    isThrottled: r.is_throttled === null || r.is_throttled === undefined ? null : Boolean(r.is_throttled),
    operationCount: numOrNull(r.operation_count),
    clientIpRaw: strOrNull(r.client_ip_raw),
    sourceLine: num(r.source_line),
    rawExact: Boolean(r.raw_exact),
  };
}

/** Rows of an `id = ANY(...)` query back in the order of the requested ids (null where missing). */
export function inKeyOrder<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): (T | null)[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => byKey.get(k) ?? null);
}

/** Rows grouped under the requested keys (an empty list where there are none). */
export function groupedInKeyOrder<K, T>(keys: readonly K[], rows: { key: K; value: T }[]): T[][] {
  const byKey = new Map<K, T[]>();
  for (const { key, value } of rows) {
    const list = byKey.get(key);
    if (list) list.push(value);
    else byKey.set(key, [value]);
  }
  return keys.map((k) => byKey.get(k) ?? []);
}
