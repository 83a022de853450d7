import { Arg, Args, Ctx, Extensions, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { Connection, pageSize } from '../pagination';
import { ROLE_EXTENSION } from '../role-gate';
import { JSONScalar } from '../scalars';
import { PageArgs, WindowArgs, windowOf } from './page-args';

@ObjectType('AccessLogEntry', { description: 'One API request: who asked what, and what came back. Append-only.' })
export class AccessLogEntryType {
  @Field(() => ID)
  id!: string;

  @Field()
  at!: Date;

  @Field(() => Int, { nullable: true })
  keyId!: number | null;

  @Field(() => String, { nullable: true, description: 'The key name when the request was made.' })
  keyName!: string | null;

  @Field({ description: 'Method and route, e.g. "POST /graphql".' })
  route!: string;

  @Field(() => String, { nullable: true, description: 'GraphQL operation name, or its root fields when unnamed.' })
  operation!: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'GraphQL variables: sha256 of each value unless ACCESS_LOG_VARIABLES=plain.' })
  variables!: Record<string, unknown> | null;

  @Field(() => Int, { nullable: true, description: 'Objects in lists of the answer (null for routes other than GraphQL).' })
  rowsReturned!: number | null;

  @Field(() => Int, { description: 'HTTP status; 499 when the client left before the answer.' })
  status!: number;

  @Field(() => Int)
  durationMs!: number;
}

const AccessLogConnection = Connection(AccessLogEntryType, 'AccessLogEntry');

@Resolver()
export class AccessLogResolver {
  @Extensions({ [ROLE_EXTENSION]: 'admin' })
  @Query(() => AccessLogConnection, { description: "Every API request of this organisation, oldest first (admin keys only). Also GET /access-log?format=csv." })
  accessLog(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Args() window: WindowArgs,
    @Arg('keyName', () => String, { nullable: true }) keyName?: string | null,
  ) {
    return ctx.services.accessLog.page({ ...windowOf(window), keyName: keyName ?? null }, pageSize(page.first), page.after);
  }
}
