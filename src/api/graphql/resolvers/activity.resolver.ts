import { Arg, Args, ArgsType, Ctx, Field, Int, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { ActivityGroup, ActivityInterval, ActivityScope } from '../../services/activity.service';
import type { RequestContext } from '../context';
import { addressArg, optionalUpnArg } from './args';

export const IntervalEnum = { MINUTE: 'MINUTE', HOUR: 'HOUR', DAY: 'DAY' } as const satisfies Record<ActivityInterval, ActivityInterval>;
registerEnumType(IntervalEnum, { name: 'Interval', description: 'Bucket width; buckets are aligned to it in UTC.' });

export const ActivityGroupEnum = {
  NONE: 'NONE',
  MAILBOX: 'MAILBOX',
  CLIENT_IP: 'CLIENT_IP',
  SESSION: 'SESSION',
  APP: 'APP',
  OPERATION: 'OPERATION',
  COUNTRY: 'COUNTRY',
  ASN: 'ASN',
} as const satisfies Record<ActivityGroup, ActivityGroup>;
registerEnumType(ActivityGroupEnum, {
  name: 'ActivityGroup',
  description:
    'What one series or row stands for: its key is the UPN, canonical IP, session id, app id, operation, ISO country code of the client IP, or AS number (as text) of the client IP. COUNTRY and ASN come from the shipped offline IP data; records without a client IP, or whose IP it does not place, have key null.',
  valuesConfig: {
    COUNTRY: { description: 'ISO 3166-1 alpha-2 code of the client IP (same data as ClientIp.country).' },
    ASN: { description: 'Autonomous system number of the client IP, as text (same data as ClientIp.asn); label: its organisation.' },
  },
});

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

  @Field(() => String, { nullable: true, description: 'A readable name for the key where the shipped data has one: APP display name, ASN organisation.' })
  label!: string | null;

  @Field(() => [ActivityBucketType], { description: 'Sorted by time, empty buckets included.' })
  buckets!: ActivityBucketType[];
}

@ObjectType('ActivityTopRow', { description: 'One group value of a top-N table and what its records add up to in the window.' })
class ActivityTopRowType {
  @Field(() => String, { nullable: true, description: 'The group value (as ActivitySeries.key); null for records without one.' })
  key!: string | null;

  @Field(() => String, { nullable: true, description: 'A readable name for the key where the shipped data has one: APP display name, ASN organisation.' })
  label!: string | null;

  @Field(() => Int, { description: 'Distinct messages bound (confirmed accesses) by its records in the window: the rank.' })
  messages!: number;

  @Field(() => Int, { description: 'Audit records in the window.' })
  records!: number;

  @Field(() => Int, { description: 'Operations they stand for (OperationCount; 1 when absent).' })
  operations!: number;

  @Field({ description: 'Its first record in the window.' })
  firstSeen!: Date;

  @Field({ description: 'Its last record in the window.' })
  lastSeen!: Date;
}

/** The filters both aggregates take. */
@ArgsType()
class ActivityFilterArgs {
  @Field(() => Date, { description: 'Inclusive (epoch ms accepted).' })
  from!: Date;

  @Field(() => Date, { description: 'Inclusive (epoch ms accepted).' })
  to!: Date;

  @Field(() => String, { nullable: true })
  mailbox?: string | null;

  @Field(() => String, { nullable: true })
  clientIp?: string | null;

  @Field(() => String, { nullable: true })
  sessionId?: string | null;

  @Field(() => String, { nullable: true })
  appId?: string | null;

  @Field(() => String, { nullable: true })
  operation?: string | null;
}

/** The arguments canonicalised as the service expects them (args.ts). */
async function scopeOf(ctx: RequestContext, groupBy: ActivityGroup, f: ActivityFilterArgs): Promise<ActivityScope> {
  return {
    from: f.from,
    to: f.to,
    groupBy,
    mailbox: optionalUpnArg(f.mailbox ?? null, 'mailbox'),
    // A recorded non-IP address (NOT_AN_IP) is accepted as written; anything else must be an IP.
    clientIp: await addressArg(f.clientIp, 'clientIp', (v) => ctx.services.clientIps.isKnownNonIpAddress(v)),
    sessionId: f.sessionId?.trim() || null,
    appId: f.appId?.trim() || null,
    operation: f.operation?.trim() || null,
  };
}

@Resolver()
export class ActivityResolver {
  @Query(() => [ActivitySeriesType], {
    description: 'Records, operations and messages per time bucket for dashboards; series ordered by total records, at most `top`. from/to inclusive (epoch ms accepted).',
  })
  async activity(
    @Ctx() ctx: RequestContext,
    @Arg('interval', () => IntervalEnum) interval: ActivityInterval,
    @Arg('groupBy', () => ActivityGroupEnum, { defaultValue: 'NONE' }) groupBy: ActivityGroup,
    @Args() filter: ActivityFilterArgs,
    @Arg('top', () => Int, { defaultValue: 10 }) top: number,
  ) {
    return ctx.services.activity.series({ ...(await scopeOf(ctx, groupBy, filter)), interval, top });
  }

  @Query(() => [ActivityTopRowType], {
    description:
      'A top-N table for dashboards: the client IPs, apps, sessions, mailboxes, operations, countries or ASNs (groupBy) whose records in the window bound the most distinct messages, then the most records. from/to inclusive (epoch ms accepted); at most `first` rows (1-100).',
  })
  async activityTop(
    @Ctx() ctx: RequestContext,
    @Arg('groupBy', () => ActivityGroupEnum) groupBy: ActivityGroup,
    @Args() filter: ActivityFilterArgs,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
  ) {
    return ctx.services.activity.top({ ...(await scopeOf(ctx, groupBy, filter)), first });
  }
}
