import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A span of time, e.g. 24 hours of unaudited Bind access after a throttled record.' })
export class TimeWindow {
  @Field()
  start!: Date;

  @Field()
  end!: Date;

  @Field({ description: 'Why this window matters, e.g. the throttled record that opened it.' })
  reason!: string;
}

@ObjectType()
export class OperationTally {
  @Field()
  operation!: string;

  @Field(() => Int)
  count!: number;
}
