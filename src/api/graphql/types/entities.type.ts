/**
 * GraphQL object types for the model. Only scalar fields live here; every relation is a field resolver in
 * src/api/resolvers that goes through a per-request DataLoader.
 */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ImportFormatEnum, ImportNoteCodeEnum, ImportStatusEnum, IpKindEnum, MailAccessTypeEnum, SessionKindEnum } from './enums';

/** What Session, App and ClientIp share: when they were first and last seen, and in how many records. */
@ObjectType()
abstract class SeenActivity {
  @Field()
  firstSeen!: Date;

  @Field()
  lastSeen!: Date;

  @Field(() => Int)
  recordCount!: number;
}

@ObjectType('Mailbox', { description: 'An Exchange Online mailbox (MailboxOwnerUPN, lower-cased).' })
export class MailboxType {
  id!: string;

  @Field()
  userPrincipalName!: string;

  @Field(() => String, { nullable: true })
  mailboxGuid!: string | null;

  @Field(() => String, { name: 'organizationId', nullable: true, description: 'The Microsoft 365 tenant (AuditData.OrganizationId).' })
  tenantId!: string | null;

  @Field(() => Date, { nullable: true })
  firstSeen!: Date | null;

  @Field(() => Date, { nullable: true })
  lastSeen!: Date | null;

  @Field(() => Int)
  recordCount!: number;

  @Field(() => Int, { description: 'Records with IsThrottled=True: each one stopped Bind auditing for 24 hours.' })
  throttledRecordCount!: number;
}

@ObjectType('Session', {
  description: 'One client session (AuditData.SessionId, else AADSessionId), across every IP and mailbox it touched.',
})
export class SessionType extends SeenActivity {
  id!: string;

  @Field({ description: 'SessionId for an EXCHANGE session, AADSessionId for an ENTRA one.' })
  sessionId!: string;

  @Field(() => SessionKindEnum)
  kind!: SessionKindEnum;

  @Field(() => String, { nullable: true, description: 'The AADSessionId its records carry besides SessionId: the Entra sign-in it belongs to.' })
  entraSessionId!: string | null;

  /** Its message accesses and distinct bound messages as the import keeps them; null until counted (session-counts.ts). */
  keptMessageAccessCount!: number | null;
  keptBoundMessageCount!: number | null;
}

@ObjectType('App', { description: 'An application that acted on mail: ClientAppId, else AppId (lower-case).' })
export class AppType extends SeenActivity {
  id!: string;

  @Field()
  appId!: string;

  @Field(() => String, { nullable: true, description: 'From the shipped offline list of Microsoft app ids; null when unknown.' })
  displayName!: string | null;

  @Field({ description: 'True when it read mail without a signed-in user (UserType Application / ServicePrincipal, or no UserId).' })
  appOnly!: boolean;

}

@ObjectType('ClientIp', {
  description:
    'A client address, canonical: no port, lower-case compressed IPv6, IPv4-mapped as IPv4. Text that is not an IP ' +
    '(localhost, fe80::1%eth0) is kept as written, with kind NOT_AN_IP and version 0, and found by that exact text.',
})
export class ClientIpType extends SeenActivity {
  id!: string;

  @Field()
  address!: string;

  @Field(() => Int, { description: '4 or 6; 0 when the address is not an IP (kind NOT_AN_IP).' })
  version!: number;

  @Field(() => IpKindEnum, { description: 'Address class from the shipped ranges; pivot follows only PUBLIC addresses unless asked.' })
  kind!: IpKindEnum;

  @Field(() => String, { nullable: true, description: 'ISO country code from the shipped offline table; null when unknown.' })
  country!: string | null;

  @Field(() => Int, { nullable: true, description: 'Autonomous system number from the shipped offline table.' })
  asn!: number | null;

  @Field(() => String, { nullable: true })
  asOrganization!: string | null;

}

@ObjectType('Folder')
export class FolderType {
  id!: string;
  mailboxId!: string;

  @Field({ name: 'folderId', description: 'The folder store Id, or path:<Path> when the records gave none.' })
  folderKey!: string;

  @Field({ description: 'As the records wrote it: localised and not always rooted (empty for the unknown folder).' })
  path!: string;
}

@ObjectType('MessageAccess', { description: 'One message listed in a Bind record: confirmed exposure.' })
export class MessageAccessType {
  id!: string;
  recordId!: string;
  folderId!: string;
  /** The folder when the row came with it joined: the folder field then answers without a loader round. */
  joinedFolder?: FolderType;
  mailboxId!: string;
  sessionId!: string | null;
  clientIpId!: string | null;

  @Field({ description: 'Canonical, with angle brackets; empty when the record listed the item without one (see internetMessageIdMissing, itemId).' })
  internetMessageId!: string;

  @Field({ description: 'True when the Bind record listed this item without an InternetMessageId: still a confirmed access, known by itemId.' })
  internetMessageIdMissing!: boolean;

  @Field(() => String, { nullable: true, description: "The item's store id (FolderItems ImmutableId, else Id) when the record gives it." })
  itemId!: string | null;

  @Field(() => MailAccessTypeEnum)
  accessType!: MailAccessTypeEnum;

  /** A Date, or already the ISO text DateTime prints (pages of accesses: rows.ts isoTimeOf). */
  @Field(() => Date, { description: "When it was accessed: the item's own CreationTime when the record gives one (newer Bind records), else the record's CreationTime." })
  accessedAt!: Date | string;

  @Field(() => Int, { nullable: true })
  sizeInBytes!: number | null;

  @Field(() => String, { nullable: true, description: "The item's Subject, when the Bind record lists it (newer records)." })
  subject!: string | null;

  @Field(() => [String], { description: "The item's sensitivity label id(s) (FolderItems Sensitivity); empty when the record gives none." })
  sensitivityLabels!: string[];

  @Field(() => String, { nullable: true })
  clientAppId!: string | null;
}

@ObjectType('FolderSync', { description: 'A Sync record: the whole folder was downloaded; every item in it is presumed exposed.' })
export class FolderSyncType {
  id!: string;
  recordId!: string;
  folderId!: string;
  /** The folder when the row came with it joined: the folder field then answers without a loader round. */
  joinedFolder?: FolderType;
  mailboxId!: string;
  sessionId!: string | null;
  clientIpId!: string | null;

  @Field()
  syncedAt!: Date;

  @Field(() => String, { nullable: true })
  clientAppId!: string | null;
}

@ObjectType('AuditRecord', { description: 'One audit record, with its original AuditData byte-exact in rawText (parsed in raw).' })
export class AuditRecordType {
  /** The database id (internal). */
  id!: string;

  @Field(() => ID, { name: 'id', description: 'The record\'s AuditData.Id (lower-case), or sha256:<hash of AuditData> when it had none.' })
  recordKey!: string;

  mailboxId!: string | null;
  sessionId!: string | null;
  clientIpId!: string | null;
  batchId!: string;
  /** The stored record whose Id this one shares with different content (internal id), if any. */
  conflictsWithId!: string | null;

  @Field()
  creationTime!: Date;

  @Field()
  operation!: string;

  @Field(() => Int, { description: 'AuditData.RecordType as a number (0 when unknown).' })
  recordType!: number;

  /** null in a row when it is the mailbox's UPN (storedUserId); the resolver gives it back. */
  @Field(() => String)
  userId!: string | null;

  @Field(() => Int, { nullable: true, description: 'AuditData.UserType as a number (5 application, 6 service principal: no signed-in user).' })
  userType!: number | null;

  @Field(() => String, { nullable: true })
  clientInfoString!: string | null;

  @Field(() => String, { nullable: true })
  appId!: string | null;

  @Field(() => String, { nullable: true })
  clientAppId!: string | null;

  @Field(() => String, { nullable: true, description: 'AADSessionId (top level or AppAccessContext); null when missing or a placeholder.' })
  aadSessionId!: string | null;

  @Field(() => String, { nullable: true, description: 'UniqueTokenId: the token that made the request.' })
  uniqueTokenId!: string | null;

  @Field(() => Int, { nullable: true })
  logonType!: number | null;

  @Field(() => MailAccessTypeEnum, { nullable: true })
  mailAccessType!: MailAccessTypeEnum | null;

  @Field(() => Boolean, { nullable: true })
  isThrottled!: boolean | null;

  @Field(() => Int, { nullable: true })
  operationCount!: number | null;

  @Field(() => String, { nullable: true, description: 'The client address exactly as the record wrote it.' })
  clientIpRaw!: string | null;

  @Field(() => Int, { description: 'Line of the input file where the record starts.' })
  sourceLine!: number;

  @Field(() => Boolean, {
    description: 'Whether raw/rawText are the original bytes (SHA-256 kept; mailtrail verify re-checks). False for records stored before issue 13 in a jsonb column, which reordered keys and dropped duplicate keys.',
  })
  rawExact!: boolean;
}

@ObjectType('ImportRejection', { description: 'A row or record that could not be used: where, why, and what it looked like.' })
export class ImportRejectionType {
  id!: string;

  @Field(() => Int)
  line!: number;

  @Field()
  reason!: string;

  @Field()
  excerpt!: string;
}

@ObjectType('ImportNoteExample', { description: 'A record a note was taken on.' })
export class ImportNoteExampleType {
  @Field(() => Int, { description: 'Its line in the file (1-based).' })
  line!: number;

  @Field(() => ID, { nullable: true, description: 'Its AuditRecord id (auditRecord(id:) finds it); null for a message-detail row (message trace, eDiscovery), which is not an audit record.' })
  recordId!: string | null;

  @Field({ description: 'What was noted about it.' })
  text!: string;
}

@ObjectType('ImportNote', { description: 'One kind of record an import stored other than exactly as given: counted, with the first records as examples.' })
export class ImportNoteType {
  @Field(() => ImportNoteCodeEnum)
  code!: string;

  @Field()
  description!: string;

  @Field(() => Int, { description: 'Records of the batch with this note.' })
  records!: number;

  @Field(() => Int, { description: 'Items concerned, for notes about items (e.g. items without an InternetMessageId); 0 otherwise.' })
  items!: number;

  @Field(() => [ImportNoteExampleType], { description: 'The first records (at most 5).' })
  examples!: ImportNoteExampleType[];
}

@ObjectType('ImportBatch', { description: 'One imported file: the provenance of the records it added.' })
export class ImportBatchType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  fileName!: string | null;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int)
  recordsRead!: number;

  @Field(() => Int)
  recordsInserted!: number;

  @Field(() => Int)
  duplicates!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => [String], { description: 'Everything the batch stored other than as given, in words (the notes, counted, among them).' })
  warnings!: string[];

  @Field(() => [ImportNoteType], { description: 'The normalisation notes, per kind: how many records (and items), and example records.' })
  notes!: ImportNoteType[];

  @Field(() => String, { nullable: true, description: 'Why a FAILED import failed.' })
  error!: string | null;

  @Field({ description: 'SHA-256 of the file as given (compressed bytes for .gz/.zip); empty until the file was read.' })
  sha256!: string;

  @Field(() => ImportFormatEnum, { description: 'The detected format (AUTO until detection finished).' })
  format!: ImportFormatEnum;

  @Field(() => ImportStatusEnum)
  status!: ImportStatusEnum;

  @Field(() => String, { nullable: true, description: 'Name of the API key that sent the file (GraphQL or POST /imports); null for `mailtrail import`, which needs no key.' })
  importedBy!: string | null;
}

export { ImportFormatEnum, ImportStatusEnum, MailAccessTypeEnum };
