import { Field, Int, ObjectType } from 'type-graphql';
import { ClientFamilyEnum } from './enums';

@ObjectType({ description: 'A span of time, e.g. 24 hours of unaudited Bind access after a throttled record.' })
export class TimeWindow {
  @Field()
  start!: Date;

  @Field()
  end!: Date;

  @Field({
    description:
      'Why this window matters, as a code: THROTTLED_FLAG (an IsThrottled=True record), THRESHOLD (over 1,000 MailItemsAccessed records in 24 hours, no flag imported), DATA / NO_DATA (coverage).',
  })
  reason!: string;

  @Field({ description: 'The same in words an investigator can quote, e.g. the throttled record that opened it.' })
  detail!: string;
}

@ObjectType()
export class OperationTally {
  @Field()
  operation!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'One ClientInfoString of a session and what it says: client family, protocol, browser, OS.' })
export class SessionClient {
  @Field()
  clientInfoString!: string;

  @Field(() => ClientFamilyEnum)
  family!: ClientFamilyEnum;

  @Field(() => String, { nullable: true, description: 'The access protocol (OWA, REST, MAPI, EWS, ActiveSync, OutlookService, ...).' })
  protocol!: string | null;

  @Field(() => String, { nullable: true, description: 'The browser or client program with its version.' })
  browser!: string | null;

  @Field(() => String, { nullable: true })
  os!: string | null;
}
