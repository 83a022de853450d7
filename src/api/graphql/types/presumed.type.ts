/** The tiers of exposure as lists: presumed messages behind each Sync, a message's exposures, the notification list. */
import { Field, Int, ObjectType } from 'type-graphql';
import { PresumedEvidenceEnum, TierEnum } from './enums';

@ObjectType('PresumedMessage', { description: 'A message known to be in a folder when a Sync record downloaded that folder: presumed exposed.' })
export class PresumedMessageType {
  syncId!: string;
  syncRecordId!: string;
  folderId!: string;
  mailboxId!: string;
  sessionId!: string | null;
  messageId!: string;
  /** The Bind that places it in the folder (its first one there); null when only an inventory does. */
  boundRecordId!: string | null;

  @Field({ description: 'Canonical, with angle brackets.' })
  internetMessageId!: string;

  @Field({ description: "The Sync record's CreationTime." })
  syncedAt!: Date;

  @Field(() => PresumedEvidenceEnum, { description: 'The strongest way the message is known to be in the folder at syncedAt.' })
  evidence!: PresumedEvidenceEnum;

  @Field(() => Date, { nullable: true, description: 'When an imported inventory saw it in the folder (INVENTORY).' })
  inventoryObservedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Its first Bind in the folder, by anyone (before or after the Sync).' })
  firstBoundAt!: Date | null;
}

@ObjectType('MessageExposure', {
  description: 'One way a message was exposed in one mailbox and folder: bound there (CONFIRMED) or in a folder synced (PRESUMED, per kind of evidence).',
})
export class MessageExposureType {
  messageId!: string;
  mailboxId!: string;
  folderId!: string;
  sessionIds!: string[];
  firstRecordId!: string;

  @Field(() => TierEnum)
  tier!: TierEnum;

  @Field(() => PresumedEvidenceEnum, { nullable: true, description: 'PRESUMED: how the message is known to be in the synced folder.' })
  evidence!: PresumedEvidenceEnum | null;

  @Field({ description: 'The first Bind (CONFIRMED) or Sync (PRESUMED) of this exposure.' })
  firstAt!: Date;

  @Field()
  lastAt!: Date;

  @Field(() => Int, { description: 'How many Bind listings (CONFIRMED) or Sync records (PRESUMED) it stands for.' })
  eventCount!: number;
}

@ObjectType('NotificationEntry', {
  description:
    'One row of the notification list: a message and a mailbox with its tier. An UNKNOWN row has internetMessageId "*" and stands for an unaudited window of the mailbox.',
})
export class NotificationEntryType {
  mailboxId!: string;
  /** Keyset parts: tier rank (0 confirmed, 1 presumed, 2 unknown) and a tiebreak (message id, or window start in ms). */
  tierRank!: number;
  tiebreak!: string;
  folderIds!: string[];
  sessionIds!: string[];
  clientIpIds!: string[];

  /** The mailbox owner (UPN), for the downloads. */
  userPrincipalName!: string;

  @Field({ description: 'Canonical, with angle brackets; "*" for an UNKNOWN row.' })
  internetMessageId!: string;

  @Field(() => TierEnum)
  tier!: TierEnum;

  @Field(() => PresumedEvidenceEnum, { nullable: true, description: 'PRESUMED: the strongest evidence over the matching Syncs.' })
  evidence!: PresumedEvidenceEnum | null;

  @Field(() => Date, { nullable: true, description: 'First Bind (CONFIRMED), first matching Sync (PRESUMED), or window start (UNKNOWN).' })
  firstAccessedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last Bind, last matching Sync, or window end.' })
  lastAccessedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'From an imported message source when one names the message; else null.' })
  subject!: string | null;

  @Field(() => String, { nullable: true })
  sender!: string | null;

  @Field(() => [String])
  recipients!: string[];

  /** For the downloads (GraphQL resolves the objects). */
  folderPaths!: string[];

  /** For the downloads (GraphQL resolves the objects). */
  sessionKeys!: string[];

  /** For the downloads (GraphQL resolves the objects). */
  clientIpAddresses!: string[];

  /** For the downloads (GraphQL resolves the objects). */
  appIds!: string[];

  @Field(() => [String], {
    description: 'AuditRecord ids behind the row: the Binds (CONFIRMED); the Syncs and the Binds that place it in the folder (PRESUMED); the throttled record(s) are named in unauditedDetail (UNKNOWN).',
  })
  evidenceRecordIds!: string[];

  @Field(() => String, { nullable: true, description: 'UNKNOWN: the window\'s reason (THROTTLED_FLAG, THRESHOLD).' })
  unauditedReason!: string | null;

  @Field(() => String, { nullable: true, description: 'UNKNOWN: the window in words.' })
  unauditedDetail!: string | null;
}
