/** Input types of the investigation queries. Spelling is forgiven (IPs, UPN case); see each field. */
import { Field, InputType, Int } from 'type-graphql';
import { IpKindEnum, LogonTypeEnum, MailAccessTypeEnum } from './enums';

@InputType()
export class MailboxFilter {
  @Field(() => Boolean, { nullable: true, description: 'true: only mailboxes with at least one IsThrottled=True record (Bind auditing stopped).' })
  throttled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the UPN.' })
  userPrincipalNameContains?: string | null;

  @Field(() => [String], { nullable: true, description: 'Only those carrying any of these analyst tag labels.' })
  tagged?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only those carrying none of these analyst tag labels (e.g. ["office-nat"]).' })
  notTagged?: string[] | null;
}

@InputType()
export class SessionFilter {
  @Field(() => String, { nullable: true, description: 'Sessions with records in this mailbox (UPN, any case).' })
  mailbox?: string | null;

  @Field(() => String, { nullable: true, description: 'Sessions with records from this IP (any spelling: port, brackets, IPv6 case, IPv4-mapped).' })
  clientIp?: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'On clientIp / in mailbox: at least one record there at or after this instant (and at or before to). Otherwise active at or after it.',
  })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'See from: at or before this instant.' })
  to?: Date | null;

  @Field(() => [String], { nullable: true, description: 'Only those carrying any of these analyst tag labels.' })
  tagged?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only those carrying none of these analyst tag labels (e.g. ["office-nat"]).' })
  notTagged?: string[] | null;
}

@InputType()
export class ClientIpFilter {
  @Field(() => [IpKindEnum], { nullable: true, description: 'Any of these address classes (e.g. [PUBLIC]: leave out MICROSOFT back ends, private and non-IP addresses).' })
  kinds?: IpKindEnum[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of these ISO 3166-1 alpha-2 country codes (any case), from the shipped offline table.' })
  countries?: string[] | null;

  @Field(() => [Int], { nullable: true, description: 'Any of these autonomous system numbers, from the shipped offline table.' })
  asns?: number[] | null;

  @Field(() => String, { nullable: true, description: 'IPs with records in this mailbox (UPN, any case).' })
  mailbox?: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'With a mailbox: at least one record in it at or after this instant (and at or before to). Without: used at or after it.',
  })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'See from: at or before this instant.' })
  to?: Date | null;

  @Field(() => [String], { nullable: true, description: 'Only those carrying any of these analyst tag labels.' })
  tagged?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only those carrying none of these analyst tag labels (e.g. ["office-nat"]).' })
  notTagged?: string[] | null;
}

@InputType()
export class AuditRecordFilter {
  @Field(() => String, { nullable: true, description: 'Mailbox UPN, any case.' })
  mailbox?: string | null;

  @Field(() => String, { nullable: true, description: 'A session id: SessionId, or AADSessionId for an ENTRA session.' })
  sessionId?: string | null;

  @Field(() => String, { nullable: true, description: 'Any spelling of the client IP.' })
  clientIp?: string | null;

  @Field(() => String, { nullable: true, description: 'Operation, case-insensitive (e.g. MailItemsAccessed, New-InboxRule).' })
  operation?: string | null;

  @Field(() => MailAccessTypeEnum, { nullable: true })
  mailAccessType?: MailAccessTypeEnum | null;

  @Field(() => String, { nullable: true, description: 'ClientAppId: apps that read mail without a SessionId.' })
  clientAppId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'AppAccessContext.AADSessionId: the Entra ID sign-in session, which ties together records that carry no SessionId.',
  })
  aadSessionId?: string | null;

  @Field(() => String, { nullable: true, description: 'The acting account (UserId, any case): with logonTypes [DELEGATE, ADMIN], what it did in other mailboxes.' })
  userId?: string | null;

  @Field(() => [LogonTypeEnum], { nullable: true, description: 'Any of these logon types.' })
  logonTypes?: LogonTypeEnum[] | null;

  @Field(() => Date, { nullable: true, description: 'CreationTime at or after.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'CreationTime at or before.' })
  to?: Date | null;
}

@InputType()
export class PivotSeed {
  @Field(() => [String], { nullable: true, description: 'Known-bad IPs, any spelling.' })
  clientIps?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Known-bad session ids: SessionId or AADSessionId.' })
  sessionIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Known-bad applications: ClientAppId / AppId, any case, with or without {braces}.' })
  appIds?: string[] | null;
}
