import { Field, Int, ObjectType } from 'type-graphql';

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
