import {
  UNKNOWN_FOLDER_KEY,
  type MailAccessType,
  type NormalizedFolderSync,
  type NormalizedMessageAccess,
  type NormalizedRecord,
  type SourceRecord,
} from '../types';
import { NormalizationError } from './errors';
import { MAX_VERBATIM_ADDRESS, NOTE_KINDS, NormalizationNote } from './notes';
import { readFolders, readParentFolder, type RawFolder, type RawItem } from './folders';
import { canonicalIp } from './ip';
import { canonicalMessageId, itemKey, messageKey } from './message-id';
import { mailAccessProperties } from './operation-properties';
import { recordKey } from './record-key';
import { sessionIdentity } from './session-identity';
import { logonTypeValue, recordTypeValue, userTypeValue } from './record-type';
import { parseAuditTime, parseWrapperDate } from './time';
import { field, firstText, isObject, nonNegativeInt, text, type Obj } from './values';

export interface NormalizeResult {
  record: NormalizedRecord;
  /** Things the investigator may want to know about this record (fallbacks taken, ambiguous dates). */
  notes: NormalizationNote[];
}

/** Maps one SourceRecord to the loader's shape. Throws only NormalizationError, whatever the input. */
export function normalizeRecord(src: SourceRecord): NormalizedRecord {
  return normalizeRecordWithNotes(src).record;
}

export function normalizeRecordWithNotes(src: SourceRecord): NormalizeResult {
  try {
    return normalize(src);
  } catch (err) {
    if (err instanceof NormalizationError) throw err;
    // Last line of defence for hostile input (throwing getters, proxies…): a bad record must not stop the import.
    const detail = err instanceof Error ? err.message : String(err);
    throw new NormalizationError(`the record could not be read: ${detail}`);
  }
}

function normalize(src: SourceRecord): NormalizeResult {
  if (!isObject(src)) throw new NormalizationError(`expected a record object, got ${describe(src)}`);
  const ad = src.auditData;
  if (!isObject(ad)) throw new NormalizationError(`AuditData is not a JSON object (got ${describe(ad)})`);
  const wrapper: Obj = isObject(src.wrapper) ? src.wrapper : {};
  const flat = src.flat === true;
  const notes: NormalizationNote[] = [];

  rejectFlattenedExport(ad);

  const creationTime = resolveCreationTime(ad, wrapper, flat, notes);
  const operation = firstText(field(ad, 'Operation'), wrapper.operation);
  if (operation === null) {
    throw new NormalizationError("the record has no Operation (neither AuditData.Operation nor the wrapper's Operation)");
  }

  const userId = firstText(field(ad, 'UserId'), wrapper.userId) ?? '';
  const workload = text(field(ad, 'Workload'));
  const ownerUpn = text(field(ad, 'MailboxOwnerUPN'));
  // New-InboxRule (ExchangeAdmin) records have no MailboxOwnerUPN: the acting UPN is the mailbox.
  const userIsMailbox = userId.includes('@') && (workload === null || workload.toLowerCase() === 'exchange');
  const mailboxUpn = ownerUpn?.toLowerCase() ?? (userIsMailbox ? userId.toLowerCase() : null);

  const appAccess = field(ad, 'AppAccessContext');
  const identity = sessionIdentity(ad);
  if (identity.placeholders.length) {
    notes.push(new NormalizationNote(NOTE_KINDS.placeholderSessionId, `session id '${clip(identity.placeholders[0]!)}' is a placeholder`));
  }
  const clientIpRaw = nonBlank(field(ad, 'ClientIPAddress')) ?? nonBlank(field(ad, 'ClientIP')) ?? nonBlank(wrapper.clientIp);
  const clientIp = clientIpRaw === null ? null : canonicalIp(clientIpRaw);
  if (clientIpRaw !== null && clientIp === null) {
    const kind = clientIpRaw.length > MAX_VERBATIM_ADDRESS ? NOTE_KINDS.clientIpNotIpTooLong : NOTE_KINDS.clientIpNotIp;
    notes.push(new NormalizationNote(kind, `client address '${clip(clientIpRaw)}' is not an IP address`));
  }

  const record: NormalizedRecord = {
    recordKey: recordKey(ad, wrapper.id, flat),
    creationTime,
    operation,
    recordType: recordTypeValue(field(ad, 'RecordType')) ?? recordTypeValue(wrapper.recordType),
    userId,
    userType: userTypeValue(field(ad, 'UserType')),
    mailboxUpn,
    mailboxGuid: text(field(ad, 'MailboxGuid'))?.toLowerCase() ?? null,
    tenantId: firstText(field(ad, 'OrganizationId'), wrapper.organizationId)?.toLowerCase() ?? null,
    sessionId: identity.sessionId,
    aadSessionId: identity.aadSessionId,
    uniqueTokenId: identity.uniqueTokenId,
    session: identity.session,
    clientIp,
    clientIpRaw,
    clientInfoString: text(field(ad, 'ClientInfoString')),
    appId: text(field(ad, 'AppId')),
    clientAppId: firstText(field(ad, 'ClientAppId'), field(appAccess, 'ClientAppId')),
    logonType: logonTypeValue(field(ad, 'LogonType')),
    mailAccessType: null,
    isThrottled: null,
    operationCount:
      nonNegativeInt(field(ad, 'OperationCount')) ?? nonNegativeInt(field(ad, 'AuditOperationsCountInAggregatedRecord')),
    messageAccesses: [],
    folderSyncs: [],
  };

  noteRecordIdMismatch(ad, wrapper.id, notes);
  if (operation.toLowerCase() === 'mailitemsaccessed') applyMailAccess(ad, record, notes);
  return { record, notes };
}

/** Quirk 4: `ConvertFrom-Json | Export-Csv` writes nested values as their .NET type name; the data is gone. */
function rejectFlattenedExport(ad: Obj): void {
  for (const name of ['Folders', 'OperationProperties', 'AggregatedRecordFoldersData']) {
    const value = text(field(ad, name));
    if (value !== null && /^System\.[\w.`]+\[.*\]$/.test(value)) {
      throw new NormalizationError(
        `${name} is the literal text '${clip(value)}': the export flattened nested fields (ConvertFrom-Json | Export-Csv), ` +
          'so the folders and messages are lost. Re-export with AuditData kept as JSON ' +
          '(the Purview CSV, or Export-Csv of the Search-UnifiedAuditLog objects without expanding AuditData).',
      );
    }
  }
}

/** AuditData.CreationTime is the authority (quirk 10); LastAccessed (flat rows) and the wrapper date are fallbacks. */
function resolveCreationTime(ad: Obj, wrapper: Obj, flat: boolean, notes: NormalizationNote[]): Date {
  const ct = field(ad, 'CreationTime');
  const fromAudit = typeof ct === 'string' ? parseAuditTime(ct) : null;
  if (fromAudit) return fromAudit;
  const problems = [ct === undefined || ct === null || ct === '' ? 'AuditData has no CreationTime' : `AuditData CreationTime ${describe(ct)} is not a date`];

  const fallbacks: Array<[string, unknown]> = [];
  if (flat) fallbacks.push(['LastAccessed', field(ad, 'LastAccessed')]);
  fallbacks.push(['the wrapper date', wrapper.creationDate]);
  for (const [label, value] of fallbacks) {
    const parsed = typeof value === 'string' ? parseWrapperDate(value) : null;
    if (parsed) {
      notes.push(new NormalizationNote(NOTE_KINDS.timeFallback, `${problems.join(', ')}; time taken from ${label} '${clip(String(value))}'`));
      if (parsed.ambiguous) {
        notes.push(new NormalizationNote(NOTE_KINDS.ambiguousDate, `${label} '${clip(String(value))}' could be day/month or month/day; read as US month/day`));
      }
      return parsed.date;
    }
    problems.push(text(value) === null ? `${label} is missing` : `${label} ${describe(value)} is not a date`);
  }
  throw new NormalizationError(joinProblems(problems));
}

function joinProblems(problems: string[]): string {
  if (problems.length === 1) return problems[0]!;
  return `${problems.slice(0, -1).join(', ')} and ${problems[problems.length - 1]}`;
}

function applyMailAccess(ad: Obj, record: NormalizedRecord, notes: NormalizationNote[]): void {
  const props = mailAccessProperties(ad);
  const folders = [...readFolders(field(ad, 'Folders')), ...readFolders(field(ad, 'AggregatedRecordFoldersData'))];
  let type: MailAccessType | null = props.mailAccessType;
  if (type === null && folders.some((f) => (f.items?.length ?? 0) > 0)) {
    type = 'BIND';
    notes.push(new NormalizationNote(NOTE_KINDS.accessTypeGuessed, 'MailAccessType is missing; treated as Bind because the record lists messages'));
  }
  record.mailAccessType = type;
  record.isThrottled = props.isThrottled;
  if (type === null) {
    notes.push(new NormalizationNote(NOTE_KINDS.accessTypeMissing, `MailAccessType is missing and no message is listed (${folders.length} folder(s))`));
  } else if (type === 'BIND') {
    record.messageAccesses = messageAccesses(folders, record, notes);
    const items = folders.reduce((n, f) => n + (f.items?.length ?? 0), 0);
    if (folders.length > 0 && items === 0) {
      notes.push(new NormalizationNote(NOTE_KINDS.bindFoldersWithoutItems, `folders ${folders.map((f) => `'${clip(f.path ?? f.id ?? '?', 40)}'`).join(', ')} list no items`));
    }
    if (record.operationCount === null) {
      record.operationCount = items;
      notes.push(new NormalizationNote(NOTE_KINDS.operationCountMissing, `no OperationCount; ${items} item(s) listed`));
    }
  } else {
    record.folderSyncs = folderSyncs(ad, folders);
    if (record.folderSyncs.length === 0) {
      // Kept as a sync of an unknown folder: the record says something was synced, and it may be the whole mailbox.
      record.folderSyncs = [{ folderKey: UNKNOWN_FOLDER_KEY, folderPath: '' }];
      notes.push(new NormalizationNote(NOTE_KINDS.syncWithoutFolder, 'no Folders, Item.ParentFolder or FolderId/FolderPathName'));
    }
  }
}

/** The wrapper's RecordId and AuditData.Id name the same record; when they differ, say so (the AuditData Id wins). */
function noteRecordIdMismatch(ad: Obj, wrapperId: unknown, notes: NormalizationNote[]): void {
  const inner = text(field(ad, 'Id'));
  const outer = text(wrapperId);
  if (inner !== null && outer !== null && inner.trim().toLowerCase() !== outer.trim().toLowerCase()) {
    notes.push(new NormalizationNote(NOTE_KINDS.recordIdMismatch, `RecordId '${clip(outer, 40)}', AuditData Id '${clip(inner, 40)}'`));
  }
}

function folderKey(f: RawFolder): string {
  return f.id ?? `path:${f.path ?? ''}`;
}

/**
 * One access per (folder, message); the same message may legitimately appear in several folders (quirk 22). An item
 * without an InternetMessageId is still an access: known by its store id within the mailbox (never merged across
 * mailboxes), or, with no id at all, as one item of this record.
 */
function messageAccesses(folders: RawFolder[], record: NormalizedRecord, notes: NormalizationNote[]): NormalizedMessageAccess[] {
  const out: NormalizedMessageAccess[] = [];
  const seen = new Set<string>();
  const withoutId: string[] = [];
  let badTimes = 0;
  let firstBadTime: unknown = null;
  let repeated = 0;
  for (const folder of folders) {
    const key = folderKey(folder);
    (folder.items ?? []).forEach((item, position) => {
      const id = typeof item.messageId === 'string' ? canonicalMessageId(item.messageId) : null;
      const itemId = storeId(item);
      let dictionaryKey: string;
      if (id) {
        dictionaryKey = messageKey(id.canonical);
      } else {
        const what = item.messageId === undefined || item.messageId === null || item.messageId === '' ? 'no InternetMessageId' : `InternetMessageId ${describe(item.messageId)} unreadable`;
        withoutId.push(`'${clip(folder.path ?? folder.id ?? '?', 40)}' has ${what}${itemId ? ` (item ${clip(itemId, 40)})` : ' and no item id'}`);
        dictionaryKey = itemKey(record.mailboxUpn, itemId ?? `record:${record.recordKey}\u0001${key}\u0001${position}`);
      }
      const dedup = `${key}\u0000${dictionaryKey}`;
      if (seen.has(dedup)) {
        repeated++;
        return;
      }
      seen.add(dedup);
      const itemTime = typeof item.creationTime === 'string' ? parseAuditTime(item.creationTime) : null;
      if (item.creationTime !== undefined && item.creationTime !== null && item.creationTime !== '' && itemTime === null) {
        if (badTimes++ === 0) firstBadTime = item.creationTime;
      }
      out.push({
        folderKey: key,
        folderPath: folder.path ?? '',
        internetMessageId: id?.canonical ?? null,
        internetMessageIdOriginal: id?.original ?? null,
        dictionaryKey,
        sizeInBytes: nonNegativeInt(item.size, Number.MAX_SAFE_INTEGER),
        itemId,
        itemTime,
        subject: typeof item.subject === 'string' && item.subject !== '' ? item.subject : null,
        sensitivityLabels: labels(item.sensitivity),
      });
    });
  }
  if (withoutId.length > 0) {
    const more = withoutId.length > 1 ? ` (+${withoutId.length - 1} more)` : '';
    notes.push(new NormalizationNote(NOTE_KINDS.itemWithoutMessageId, `an item of folder ${withoutId[0]}${more}`, withoutId.length));
  }
  const unreadable = folders.reduce((n, f) => n + (f.unreadable ?? 0), 0);
  if (unreadable > 0) {
    const where = folders.find((f) => f.unreadable)!;
    notes.push(new NormalizationNote(NOTE_KINDS.itemUnreadable, `${unreadable} FolderItems entr${unreadable === 1 ? 'y' : 'ies'} of folder '${clip(where.path ?? where.id ?? '?', 40)}' could not be read as items`, unreadable));
  }
  if (repeated > 0) {
    notes.push(new NormalizationNote(NOTE_KINDS.itemRepeated, `${repeated} repeated item(s) stored once`, repeated));
  }
  if (badTimes > 0) {
    notes.push(new NormalizationNote(NOTE_KINDS.itemTimeUnreadable, `item CreationTime ${describe(firstBadTime)} is not a date`, badTimes));
  }
  return out;
}

/** The item's store id: ImmutableId survives moves between folders, but can be the literal ErrorDuringIdConversion (quirk 25). */
function storeId(item: RawItem): string | null {
  const immutable = text(item.immutableId);
  if (immutable !== null && immutable.toLowerCase() !== 'errorduringidconversion') return immutable;
  return text(item.id);
}

/** Sensitivity as one label id, a list of them, or a comma-separated text; null when there is none. */
function labels(value: unknown): string[] | null {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  const out = list.map((v) => text(v)).filter((v): v is string => v !== null);
  return out.length > 0 ? out : null;
}

/** Sync = whole folder exposed. Both shapes (quirk 18) plus the flat FolderId/FolderPathName columns. */
function folderSyncs(ad: Obj, folders: RawFolder[]): NormalizedFolderSync[] {
  const candidates: RawFolder[] = [];
  const parent = readParentFolder(field(ad, 'Item'));
  if (parent) candidates.push(parent);
  candidates.push(...folders.filter((f) => (f.items?.length ?? 0) === 0 && (f.id !== null || f.path !== null)));
  const flatId = text(field(ad, 'FolderId'));
  const flatPath = nonBlank(field(ad, 'FolderPathName'));
  if (flatId !== null || flatPath !== null) candidates.push({ id: flatId, path: flatPath, items: null });

  const out: NormalizedFolderSync[] = [];
  const seen = new Set<string>();
  for (const f of candidates) {
    const key = folderKey(f);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ folderKey: key, folderPath: f.path ?? '' });
  }
  return out;
}

/** The string exactly as written when it has any non-space content. */
function nonBlank(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `'${clip(v)}'`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `a value of type ${typeof v}`;
}

function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
