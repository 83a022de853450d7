import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { pageSize } from '../pagination';
import { timeRange } from '../../services/time-range';
import { parseClientInfo } from '../../../enrich/client-info';
import { OperationTally, SessionClient } from '../types/common.type';
import { AuditRecordConnection, MessageAccessConnection, SessionConnection } from '../types/connections.type';
import { AppType, ClientIpType, FolderSyncType, MailboxType, SessionType } from '../types/entities.type';
import { SessionFilter } from '../types/filters.type';
import { addressArg, optionalUpnArg } from './args';
import { tagLabelsArg } from '../../services/tag.service';
import { PageArgs, pageOf } from './page-args';

@Resolver(() => SessionType)
export class SessionResolver {
  @Query(() => SessionType, { nullable: true, description: 'A session by SessionId or AADSessionId; null when no record carries it.' })
  session(@Arg('sessionId') sessionId: string, @Ctx() ctx: RequestContext): Promise<SessionType | null> {
    return ctx.services.sessions.findBySessionId(sessionId);
  }

  @Query(() => SessionConnection, { description: 'Sessions by firstSeen. Filters are ANDed.' })
  async sessions(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('filter', () => SessionFilter, { nullable: true }) filter?: SessionFilter,
  ) {
    return ctx.services.sessions.page(
      {
        mailbox: optionalUpnArg(filter?.mailbox, 'filter.mailbox'),
        clientIp: await addressArg(filter?.clientIp, 'filter.clientIp', (v) => ctx.services.clientIps.isKnownNonIpAddress(v)),
        ...timeRange(filter?.from, filter?.to),
        tagged: tagLabelsArg(filter?.tagged),
        notTagged: tagLabelsArg(filter?.notTagged),
      },
      pageSize(page.first),
      page.after,
    );
  }

  @FieldResolver(() => [OperationTally], { description: 'Records per Operation, most frequent first.' })
  operations(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.operationsBySession.load(session.id);
  }

  @FieldResolver(() => [MailboxType], { description: 'Every mailbox it touched (delegate access gives several).' })
  mailboxes(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxesBySession.load(session.id);
  }

  @FieldResolver(() => [AppType], { description: 'Applications of its records (ClientAppId, else AppId), by firstSeen.' })
  apps(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.appsBySession.load(session.id);
  }

  @FieldResolver(() => [String], { description: 'Distinct UserIds of its records.' })
  async userIds(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.recordFacetsBySession.load(session.id)).userIds;
  }

  @FieldResolver(() => [ClientIpType], { description: 'Every address it used, by first use (VPN hopping: one session, many IPs).' })
  clientIps(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.clientIpsBySession.load(session.id);
  }

  @FieldResolver(() => [String], { description: 'Distinct ClientInfoString values.' })
  async clientInfoStrings(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.recordFacetsBySession.load(session.id)).clientInfoStrings;
  }

  @FieldResolver(() => [SessionClient], { description: 'Its distinct ClientInfoString values, each read as client family, protocol, browser and OS.' })
  async clients(@Root() session: SessionType, @Ctx() ctx: RequestContext): Promise<SessionClient[]> {
    const { clientInfoStrings } = await ctx.loaders.recordFacetsBySession.load(session.id);
    return clientInfoStrings.map((clientInfoString) => ({ clientInfoString, ...parseClientInfo(clientInfoString) }));
  }

  @FieldResolver(() => [String], { description: 'Distinct AppId values.' })
  async appIds(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.recordFacetsBySession.load(session.id)).appIds;
  }

  @FieldResolver(() => Int, { description: 'distinct messages bound in this session' })
  boundMessageCount(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return session.keptBoundMessageCount ?? ctx.loaders.boundMessageCountBySession.load(session.id);
  }

  @FieldResolver(() => Int, { description: 'sum of OperationCount over its Bind records' })
  async bindOperationCount(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.recordFacetsBySession.load(session.id)).bindOperationCount;
  }

  @FieldResolver(() => AuditRecordConnection, { description: 'Its records, oldest first.' })
  records(
    @Root() session: SessionType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ) {
    return ctx.loaders.recordsBySession.load(pageOf(session.id, page));
  }

  @FieldResolver(() => MessageAccessConnection, { description: 'Messages it bound, oldest first.' })
  messageAccesses(
    @Root() session: SessionType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Info() info: GraphQLResolveInfo,
  ) {
    const request = pageOf(session.id, page, info);
    if (session.keptMessageAccessCount !== null) request.knownTotal = session.keptMessageAccessCount;
    return ctx.loaders.messageAccesses.bySession.load(request);
  }

  @FieldResolver(() => [FolderSyncType], { description: 'Whole folders it synced, oldest first.' })
  syncedFolders(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.folderSyncs.bySession.load(session.id);
  }
}
