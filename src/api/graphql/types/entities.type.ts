/**
 * GraphQL object types for the model. Only scalar fields live here; every relation is a field resolver in
 * src/api/resolvers that goes through a per-request DataLoader.
 */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ImportFormatEnum, ImportStatusEnum, IpKindEnum, MailAccessTypeEnum, SessionKindEnum } from './enums';

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

@ObjectType('ClientIp', { description: 'A client address, canonical: no port, lower-case compressed IPv6, IPv4-mapped as IPv4.' })
export class ClientIpType extends SeenActivity {
  id!: string;

  @Field()
  address!: string;

  @Field(() => Int)
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

  @Field({ description: 'As the records wrote it: localised and not always rooted.' })
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

  @Field({ description: 'Canonical, with angle brackets.' })
  internetMessageId!: string;

  @Field(() => MailAccessTypeEnum)
  accessType!: MailAccessTypeEnum;

  @Field()
  accessedAt!: Date;

  @Field(() => Int, { nullable: true })
  sizeInBytes!: number | null;

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

  @Field()
  creationTime!: Date;

  @Field()
  operation!: string;

  @Field(() => Int, { description: 'AuditData.RecordType as a number (0 when unknown).' })
  recordType!: number;

  @Field(() => String)
  userId!: string;

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

  @Field(() => [String])
  warnings!: string[];

  @Field(() => String, { nullable: true, description: 'Why a FAILED import failed.' })
  error!: string | null;

  @Field({ description: 'SHA-256 of the file as given (compressed bytes for .gz/.zip); empty until the file was read.' })
  sha256!: string;

  @Field(() => ImportFormatEnum, { description: 'The detected format (AUTO until detection finished).' })
  format!: ImportFormatEnum;

  @Field(() => ImportStatusEnum)
  status!: ImportStatusEnum;
}

export { ImportFormatEnum, ImportStatusEnum, MailAccessTypeEnum };
