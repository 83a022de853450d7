/** Answers computed from the model rather than stored as such: a message, an exposure, a pivot. */
import { Field, Int, ObjectType } from 'type-graphql';
import { TagExclusionType } from './tags.type';

@ObjectType('Message', { description: 'One InternetMessageId, across every mailbox where it was read.' })
export class MessageType {
  /** Its id in the message dictionary (not exposed: the loaders of its fields key on it). */
  messageId!: string;

  @Field({ description: 'Canonical, with angle brackets.' })
  internetMessageId!: string;

  @Field({ description: 'Its first bind.' })
  firstAccessedAt!: Date;

  @Field({ description: 'Its last bind.' })
  lastAccessedAt!: Date;

  /** The Subject the earliest Bind record naming one listed (not exposed: Message.subject's last resort). */
  bindSubject!: string | null;
}

@ObjectType('ExposedMessage', { description: 'A message confirmed read (bound) in the exposure window.' })
export class ExposedMessageType {
  mailboxId!: string;

  @Field({ description: 'Canonical, with angle brackets; empty when the Bind records listed the item without one (see internetMessageIdMissing, itemId).' })
  internetMessageId!: string;

  @Field({ description: 'True for an item listed without an InternetMessageId: a confirmed access all the same, known by itemId.' })
  internetMessageIdMissing!: boolean;

  @Field(() => String, { nullable: true, description: "The item's store id (ImmutableId, else Id) when the records give it." })
  itemId!: string | null;

  @Field(() => String, { nullable: true, description: 'The Subject the Bind records listed for it (newer records), if any.' })
  subject!: string | null;

  @Field()
  firstAccessedAt!: Date;

  @Field()
  lastAccessedAt!: Date;

  @Field(() => Int, { description: 'How many times Bind records listed it (one per FolderItem).' })
  accessCount!: number;

  folderIds!: string[];
  sessionIds!: string[];
}

@ObjectType('PivotHop')
export class PivotHopType {
  @Field(() => Int, { description: '0 = the seeds themselves (those found in the data).' })
  hop!: number;

  /** Sessions first reached at this hop (database ids); resolved through the session loader. */
  sessionIds!: string[];
  /** IPs first reached at this hop (database ids). */
  clientIpIds!: string[];
  /** Apps first reached at this hop (database ids). */
  appIds!: string[];
  /** Mailboxes first reached at this hop through the apps that read them (database ids). */
  mailboxIds!: string[];
  /** Those of them not followed further: not PUBLIC (shared infrastructure) and includeNonPublic not set. */
  notFollowedClientIpIds!: string[];

  @Field({ description: 'True when a per-hop limit cut this hop short (e.g. an office NAT shared by thousands of sessions).' })
  truncated!: boolean;
}

@ObjectType('Pivot', {
  description:
    'Everything reachable from the seeds by alternating "sessions that used these IPs" and "IPs those sessions used", and ' +
    '"mailboxes these apps read" and "the other apps and sessions on those mailboxes".',
})
export class PivotType {
  @Field(() => [PivotHopType])
  hops!: PivotHopType[];

  sessionIds!: string[];
  clientIpIds!: string[];
  appIds!: string[];
  /** Mailboxes reached through apps (those of the sessions reached are added on read). */
  mailboxIds!: string[];

  @Field(() => TagExclusionType, { nullable: true, description: 'What excludeTagged left out (null when it was not given).' })
  excluded!: TagExclusionType | null;

  @Field({ description: 'True when any hop was cut short by a limit; raise maxSessionsPerHop or start from narrower seeds.' })
  truncated!: boolean;
}

/** The question an Exposure answers; loaders key on it. */
export interface ExposureQuery {
  mailboxId: string;
  from: Date | null;
  to: Date | null;
  /** null = any session; otherwise AuditData.SessionId values. */
  sessionIds: string[] | null;
  /** null = any IP; otherwise canonical addresses. */
  clientIps: string[] | null;
  clientAppIds: string[] | null;
  /** Analyst tag labels: records of tagged sessions, IPs and apps are left out (null = none). */
  excludeTagged: string[] | null;
}

@ObjectType('Exposure', { description: 'What a mailbox exposed in a window: confirmed (bound), presumed (synced folders), unknown (unaudited).' })
export class ExposureType {
  query!: ExposureQuery;

  @Field(() => Date, { nullable: true })
  from!: Date | null;

  @Field(() => Date, { nullable: true })
  to!: Date | null;
}
