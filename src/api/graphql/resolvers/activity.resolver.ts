import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { ActivityGroup, ActivityInterval } from '../../services/activity.service';
import type { RequestContext } from '../context';
import { addressArg, optionalUpnArg } from './args';

const IntervalEnum = { MINUTE: 'MINUTE', HOUR: 'HOUR', DAY: 'DAY' } as const satisfies Record<ActivityInterval, ActivityInterval>;
registerEnumType(IntervalEnum, { name: 'Interval', description: 'Bucket width; buckets are aligned to it in UTC.' });

const ActivityGroupEnum = {
  NONE: 'NONE',
  MAILBOX: 'MAILBOX',
  CLIENT_IP: 'CLIENT_IP',
  SESSION: 'SESSION',
  APP: 'APP',
  OPERATION: 'OPERATION',
} as const satisfies Record<ActivityGroup, ActivityGroup>;
registerEnumType(ActivityGroupEnum, { name: 'ActivityGroup', description: 'What one series stands for: its key is the UPN, canonical IP, session id, app id or operation.' });

@ObjectType('ActivityBucket')
class ActivityBucketType {
  @Field({ description: 'Start of the bucket (UTC, aligned to the interval).' })
  start!: Date;

  @Field(() => Int, { description: 'Audit records in the bucket.' })
  records!: number;

  @Field(() => Int, { description: 'Operations they stand for (OperationCount; 1 when absent).' })
  operations!: number;

  @Field(() => Int, { description: 'Distinct messages bound (confirmed accesses) by those records.' })
  messages!: number;
}

@ObjectType('ActivitySeries')
class ActivitySeriesType {
  @Field(() => String, { nullable: true, description: 'The group value; null for NONE (and for records without one).' })
  key!: string | null;

  @Field(() => [ActivityBucketType], { description: 'Sorted by time, empty buckets included.' })
  buckets!: ActivityBucketType[];
}

@Resolver()
export class ActivityResolver {
  @Query(() => [ActivitySeriesType], {
    description: 'Records, operations and messages per time bucket for dashboards; series ordered by total records, at most `top`. from/to inclusive (epoch ms accepted).',
  })
  async activity(
    @Ctx() ctx: RequestContext,
    @Arg('interval', () => IntervalEnum) interval: ActivityInterval,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('groupBy', () => ActivityGroupEnum, { defaultValue: 'NONE' }) groupBy: ActivityGroup,
    @Arg('mailbox', () => String, { nullable: true }) mailbox: string | null,
    @Arg('clientIp', () => String, { nullable: true }) clientIp: string | null,
    @Arg('sessionId', () => String, { nullable: true }) sessionId: string | null,
    @Arg('appId', () => String, { nullable: true }) appId: string | null,
    @Arg('operation', () => String, { nullable: true }) operation: string | null,
    @Arg('top', () => Int, { defaultValue: 10 }) top: number,
  ) {
    return ctx.services.activity.series({
      interval,
      from,
      to,
      groupBy,
      mailbox: optionalUpnArg(mailbox, 'mailbox'),
      clientIp: await addressArg(clientIp, 'clientIp', (v) => ctx.services.clientIps.isKnownNonIpAddress(v)),
      sessionId: sessionId?.trim() || null,
      appId: appId?.trim() || null,
      operation: operation?.trim() || null,
      top,
    });
  }
}
