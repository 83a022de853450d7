import { registerEnumType } from 'type-graphql';
import { IP_KINDS, type IpKind } from '../../../enrich';
import { CLIENT_FAMILIES, type ClientFamily } from '../../../enrich/client-info';
import { FORMATS, type ImportFormat } from '../../../import/formats';
import { NOTE_KINDS, noteCode } from '../../../import/normalize/notes';

export enum MailAccessTypeEnum {
  BIND = 'BIND',
  SYNC = 'SYNC',
}
registerEnumType(MailAccessTypeEnum, {
  name: 'MailAccessType',
  description: 'BIND: individual messages (confirmed). SYNC: a whole folder downloaded by Outlook desktop (presumed).',
});

/** AUTO plus every format of the registry (src/import/formats). */
export type ImportFormatEnum = ImportFormat | 'AUTO';
export const ImportFormatEnum = Object.fromEntries([['AUTO', 'AUTO'], ...FORMATS.map((f) => [f.id, f.id])]) as {
  [F in ImportFormatEnum]: F;
};
registerEnumType(ImportFormatEnum, {
  name: 'ImportFormat',
  description: 'The export shape. AUTO detects it from the content (not the file name).',
  valuesConfig: Object.fromEntries(FORMATS.map((f) => [f.id, { description: f.description }])),
});

export enum ImportStatusEnum {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(ImportStatusEnum, { name: 'ImportStatus' });

export enum SessionKindEnum {
  EXCHANGE = 'EXCHANGE',
  ENTRA = 'ENTRA',
}
registerEnumType(SessionKindEnum, {
  name: 'SessionKind',
  description: 'EXCHANGE: keyed by AuditData.SessionId. ENTRA: keyed by AADSessionId, for records without a SessionId.',
});

/** Who acted relative to the mailbox owner (AuditData.LogonType). */
export enum LogonTypeEnum {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  DELEGATE = 'DELEGATE',
  TRANSPORT = 'TRANSPORT',
  SYSTEM_SERVICE = 'SYSTEM_SERVICE',
  OTHER = 'OTHER',
}
registerEnumType(LogonTypeEnum, {
  name: 'LogonType',
  description: 'AuditData.LogonType: 0 OWNER, 1 ADMIN (6 DelegatedAdmin too), 2 DELEGATE, 3 TRANSPORT, 4 SYSTEM_SERVICE, else OTHER.',
});

/** The stored LogonType numbers of each enum value (OTHER: every number not named here). */
export const LOGON_TYPE_NUMBERS: Record<Exclude<LogonTypeEnum, LogonTypeEnum.OTHER>, number[]> = {
  OWNER: [0],
  ADMIN: [1, 6],
  DELEGATE: [2],
  TRANSPORT: [3],
  SYSTEM_SERVICE: [4],
};

export function logonTypeOf(n: number | null): LogonTypeEnum | null {
  if (n === null) return null;
  for (const [name, numbers] of Object.entries(LOGON_TYPE_NUMBERS)) if (numbers.includes(n)) return name as LogonTypeEnum;
  return LogonTypeEnum.OTHER;
}

/** The enrichment module's address classes (src/enrich/ip-kind.ts). */
export const IpKindEnum = Object.fromEntries(IP_KINDS.map((k) => [k, k])) as { [K in IpKind]: K };
export type IpKindEnum = IpKind;
registerEnumType(IpKindEnum, {
  name: 'IpKind',
  description: 'PUBLIC, a special-use class (PRIVATE, LOOPBACK, LINK_LOCAL, UNSPECIFIED), MICROSOFT (Exchange Online / Microsoft 365 service ranges), or NOT_AN_IP.',
});

export const ClientFamilyEnum = Object.fromEntries(CLIENT_FAMILIES.map((f) => [f, f])) as { [K in ClientFamily]: K };
export type ClientFamilyEnum = ClientFamily;
registerEnumType(ClientFamilyEnum, {
  name: 'ClientFamily',
  description: 'The program a ClientInfoString names: by its user agent when that names an Outlook, else by the access protocol.',
});

/** Where a message detail came from (message_detail.source). */
export enum MessageDetailSourceEnum {
  EDISCOVERY = 'EDISCOVERY',
  MESSAGE_TRACE = 'MESSAGE_TRACE',
}
registerEnumType(MessageDetailSourceEnum, {
  name: 'MessageDetailSource',
  description:
    'EDISCOVERY: an eDiscovery item report / load file (the mailbox copy of the message). MESSAGE_TRACE: Get-MessageTrace, ' +
    'Get-MessageTraceV2 or a historical search report (the message in transport, one row per recipient).',
});

/** How sure an exposure is: bound (CONFIRMED), in a synced folder (PRESUMED), or in an unaudited window (UNKNOWN). */
export enum TierEnum {
  CONFIRMED = 'CONFIRMED',
  PRESUMED = 'PRESUMED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(TierEnum, {
  name: 'Tier',
  description:
    'CONFIRMED: a Bind record listed the message. PRESUMED: the message is known to be in a folder that a Sync record downloaded. ' +
    'UNKNOWN: Bind auditing was off (throttled) in the window, so what was read then is not known.',
});

/** How a presumed message is known to be in the synced folder, strongest first (the order of the enum). */
export enum PresumedEvidenceEnum {
  INVENTORY = 'INVENTORY',
  BOUND_BEFORE = 'BOUND_BEFORE',
  BOUND_AFTER = 'BOUND_AFTER',
}
registerEnumType(PresumedEvidenceEnum, {
  name: 'PresumedEvidence',
  description:
    'INVENTORY: an imported mailbox inventory lists it in the folder. BOUND_BEFORE: a Bind (by anyone) found it in the folder at or before the Sync. ' +
    'BOUND_AFTER: only a later Bind found it there (it may have arrived after the Sync: the weakest evidence).',
});

/** Every kind of normalisation note (src/import/normalize/notes.ts), by its stable code. */
export const ImportNoteCodeEnum = Object.fromEntries(Object.values(NOTE_KINDS).map((kind) => [noteCode(kind), noteCode(kind)])) as Record<string, string>;
registerEnumType(ImportNoteCodeEnum, {
  name: 'ImportNoteCode',
  description: 'A kind of record that an import stored other than exactly as given (ImportBatch.notes).',
  valuesConfig: Object.fromEntries(Object.values(NOTE_KINDS).map((kind) => [noteCode(kind), { description: kind }])),
});

export enum TagTargetKindEnum {
  IP = 'IP',
  SESSION = 'SESSION',
  APP = 'APP',
  MAILBOX = 'MAILBOX',
}
registerEnumType(TagTargetKindEnum, {
  name: 'TagTargetKind',
  description: 'What an analyst tag is on: a client address (canonical, or verbatim when not an IP), a SessionId, an app id, a mailbox UPN.',
});
