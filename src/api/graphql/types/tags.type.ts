/** Analyst tags as the API shows them, and the exclusion report of pivot and exposure. */
import { Field, Int, ObjectType } from 'type-graphql';
import { TagTargetKindEnum } from './enums';

@ObjectType('AnalystTag', { description: "An analyst's verdict on an IP, session, app or mailbox: who set it and when." })
export class AnalystTagType {
  @Field(() => TagTargetKindEnum)
  targetKind!: TagTargetKindEnum;

  @Field({ description: 'The key the tag is on: canonical IP, SessionId, app id (lower-case) or UPN (lower-case).' })
  target!: string;

  @Field({ description: 'Lower-case: malicious, suspicious, benign, office-nat, microsoft, or a free label.' })
  label!: string;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field({ description: "The API key's name that set it ('cli' from the command line)." })
  createdBy!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType('TagExclusion', { description: 'What excludeTagged left out of an answer: never silent.' })
export class TagExclusionType {
  @Field(() => [String], { description: 'The labels asked for (lower-case).' })
  labels!: string[];

  @Field(() => Int, { description: 'Tagged client IPs reached and left out (not followed, not listed).' })
  clientIpCount!: number;

  @Field(() => Int, { description: 'Tagged sessions reached and left out.' })
  sessionCount!: number;

  @Field(() => Int, { description: 'Tagged apps reached and left out.' })
  appCount!: number;

  @Field(() => Int, { description: 'Records left out because their IP, session or app is tagged (exposure only; 0 for pivot).' })
  recordCount!: number;
}
