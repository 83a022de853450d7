/** Answers computed from the model rather than stored as such: a message, an exposure, a pivot. */
import { Field, Int, ObjectType } from 'type-graphql';
import { ClientIpType, FolderSyncType, SessionType } from './entities.type';
import { TimeWindow } from './common.type';

@ObjectType('Message', { description: 'One InternetMessageId, across every mailbox where it was read.' })
export class MessageType {
  @Field()
  internetMessageId!: string;

  @Field()
  firstAccessedAt!: Date;

  @Field()
  lastAccessedAt!: Date;
}

@ObjectType('ExposedMessage', { description: 'A message confirmed read (bound) in the exposure window.' })
export class ExposedMessageType {
  mailboxId!: string;

  @Field()
  internetMessageId!: string;

  @Field()
  firstAccessedAt!: Date;

  @Field()
  lastAccessedAt!: Date;

  @Field(() => Int, { description: 'How many Bind records listed it.' })
  accessCount!: number;

  folderIds!: string[];
  sessionIds!: string[];
}

@ObjectType('PivotHop')
export class PivotHopType {
  @Field(() => Int, { description: '0 = the seeds themselves.' })
  hop!: number;

  @Field(() => [SessionType], { description: 'Sessions first reached at this hop.' })
  sessions!: SessionType[];

  @Field(() => [ClientIpType], { description: 'IPs first reached at this hop.' })
  clientIps!: ClientIpType[];

  @Field({ description: 'True when a per-hop limit cut this hop short (e.g. an office NAT shared by thousands of sessions).' })
  truncated!: boolean;
}

@ObjectType('Pivot')
export class PivotType {
  @Field(() => [PivotHopType])
  hops!: PivotHopType[];

  @Field(() => [SessionType])
  sessions!: SessionType[];

  @Field(() => [ClientIpType])
  clientIps!: ClientIpType[];

  @Field({ description: 'True when any hop was cut short by a limit; raise maxSessionsPerHop or start from narrower seeds.' })
  truncated!: boolean;

  mailboxIds!: string[];
}

@ObjectType('Exposure', { description: 'What a mailbox exposed in a window: confirmed (bound), presumed (synced folders), unknown (unaudited).' })
export class ExposureType {
  mailboxId!: string;
  filter!: unknown;

  @Field(() => Date, { nullable: true })
  from!: Date | null;

  @Field(() => Date, { nullable: true })
  to!: Date | null;

  @Field(() => [FolderSyncType], { description: 'presumed: whole folders synced' })
  syncedFolders!: FolderSyncType[];

  @Field(() => [TimeWindow], { description: 'unknown: Bind auditing was throttled' })
  unauditedWindows!: TimeWindow[];
}
