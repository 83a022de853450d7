import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { UserInputError } from '../../../errors';
import { AppType, ClientIpType, MailboxType, SessionType } from '../types/entities.type';
import { PivotSeed } from '../types/filters.type';
import { PivotHopType, PivotType } from '../types/views.type';
import { intArg, ipListArg, textListArg } from './args';
import { appKeyOf } from '../../services/app.service';
import { tagLabelsArg } from '../../services/tag.service';

export const MAX_HOPS = 6;
export const DEFAULT_SESSIONS_PER_HOP = 200;
export const MAX_SESSIONS_PER_HOP = 1000;

async function sessionsOf(ids: string[], ctx: RequestContext): Promise<SessionType[]> {
  const sessions = (await ctx.loaders.sessionById.loadMany(ids)).filter((s): s is SessionType => !!s && !(s instanceof Error));
  return sessions.sort((a, b) => a.firstSeen.getTime() - b.firstSeen.getTime() || a.sessionId.localeCompare(b.sessionId));
}

async function appsOf(ids: string[], ctx: RequestContext): Promise<AppType[]> {
  const apps = (await ctx.loaders.appById.loadMany(ids)).filter((a): a is AppType => !!a && !(a instanceof Error));
  return apps.sort((a, b) => a.firstSeen.getTime() - b.firstSeen.getTime() || a.appId.localeCompare(b.appId));
}

async function mailboxesOf(ids: string[], ctx: RequestContext): Promise<MailboxType[]> {
  const mailboxes = (await ctx.loaders.mailboxById.loadMany(ids)).filter((m): m is MailboxType => !!m && !(m instanceof Error));
  return mailboxes.sort((a, b) => a.userPrincipalName.localeCompare(b.userPrincipalName));
}

async function clientIpsOf(ids: string[], ctx: RequestContext): Promise<ClientIpType[]> {
  const ips = (await ctx.loaders.clientIpById.loadMany(ids)).filter((c): c is ClientIpType => !!c && !(c instanceof Error));
  return ips.sort((a, b) => a.firstSeen.getTime() - b.firstSeen.getTime() || a.address.localeCompare(b.address));
}

@Resolver(() => PivotType)
export class PivotResolver {
  @Query(() => PivotType, { description: 'Everything connected to the seeds: IP -> sessions that used it -> the other IPs of those sessions -> ...' })
  pivot(
    @Arg('seed', () => PivotSeed) seed: PivotSeed,
    @Ctx() ctx: RequestContext,
    @Arg('maxHops', () => Int, { nullable: true, defaultValue: 3, description: `Hops to follow (0-${MAX_HOPS}; null = 3).` })
    maxHops: number | null,
    @Arg('maxSessionsPerHop', () => Int, {
      nullable: true,
      defaultValue: DEFAULT_SESSIONS_PER_HOP,
      description: `New sessions (and new IPs) followed per hop, 1-${MAX_SESSIONS_PER_HOP}; beyond it the hop is marked truncated.`,
    })
    maxSessionsPerHop: number | null,
    @Arg('includeNonPublic', () => Boolean, {
      nullable: true,
      defaultValue: false,
      description: 'Also follow addresses that are not PUBLIC (MICROSOFT service back ends, PRIVATE...): shared by unrelated users.',
    })
    includeNonPublic: boolean | null,
    @Arg('excludeTagged', () => [String], {
      nullable: true,
      description: 'Leave out IPs, sessions and apps carrying any of these analyst tag labels (e.g. ["office-nat"]): reached, counted in excluded, not followed.',
    })
    excludeTagged: string[] | null,
  ): Promise<PivotType> {
    const clientIps = ipListArg(seed.clientIps, 'seed.clientIps') ?? [];
    const sessionIds = textListArg(seed.sessionIds) ?? [];
    const appIds = [...new Set((textListArg(seed.appIds) ?? []).map(appKeyOf))];
    if (!clientIps.length && !sessionIds.length && !appIds.length) {
      throw new UserInputError('seed is empty: give at least one of seed.clientIps, seed.sessionIds or seed.appIds.');
    }
    return ctx.services.pivot.pivot({
      clientIps,
      sessionIds,
      appIds,
      excludeTagged: tagLabelsArg(excludeTagged),
      maxHops: intArg(maxHops ?? 3, 'maxHops', 0, MAX_HOPS),
      maxSessionsPerHop: intArg(maxSessionsPerHop ?? DEFAULT_SESSIONS_PER_HOP, 'maxSessionsPerHop', 1, MAX_SESSIONS_PER_HOP),
      includeNonPublic: includeNonPublic === true,
    });
  }

  @FieldResolver(() => [SessionType], { description: 'Every session reached, seeds included.' })
  sessions(@Root() pivot: PivotType, @Ctx() ctx: RequestContext) {
    return sessionsOf(pivot.sessionIds, ctx);
  }

  @FieldResolver(() => [ClientIpType], { description: 'Every IP reached, seeds included.' })
  clientIps(@Root() pivot: PivotType, @Ctx() ctx: RequestContext) {
    return clientIpsOf(pivot.clientIpIds, ctx);
  }

  @FieldResolver(() => [AppType], { description: 'Every app reached, seeds included.' })
  apps(@Root() pivot: PivotType, @Ctx() ctx: RequestContext) {
    return appsOf(pivot.appIds, ctx);
  }

  @FieldResolver(() => [MailboxType], { description: 'Mailboxes touched by the sessions reached, and those read by the apps reached.' })
  async mailboxes(@Root() pivot: PivotType, @Ctx() ctx: RequestContext) {
    const [lists, viaApps] = await Promise.all([ctx.loaders.mailboxesBySession.loadMany(pivot.sessionIds), mailboxesOf(pivot.mailboxIds, ctx)]);
    const byId = new Map<string, MailboxType>(viaApps.map((m) => [m.id, m]));
    for (const list of lists) if (Array.isArray(list)) for (const m of list) byId.set(m.id, m);
    return [...byId.values()].sort((a, b) => a.userPrincipalName.localeCompare(b.userPrincipalName));
  }
}

@Resolver(() => PivotHopType)
export class PivotHopResolver {
  @FieldResolver(() => [SessionType], { description: 'Sessions first reached at this hop.' })
  sessions(@Root() hop: PivotHopType, @Ctx() ctx: RequestContext) {
    return sessionsOf(hop.sessionIds, ctx);
  }

  @FieldResolver(() => [ClientIpType], { description: 'IPs first reached at this hop.' })
  clientIps(@Root() hop: PivotHopType, @Ctx() ctx: RequestContext) {
    return clientIpsOf(hop.clientIpIds, ctx);
  }

  @FieldResolver(() => [AppType], { description: 'Apps first reached at this hop (on a mailbox an app of the previous hop read).' })
  apps(@Root() hop: PivotHopType, @Ctx() ctx: RequestContext) {
    return appsOf(hop.appIds, ctx);
  }

  @FieldResolver(() => [MailboxType], { description: 'Mailboxes first reached at this hop: read by an app of the previous hop.' })
  mailboxes(@Root() hop: PivotHopType, @Ctx() ctx: RequestContext) {
    return mailboxesOf(hop.mailboxIds, ctx);
  }

  @FieldResolver(() => [ClientIpType], { description: 'IPs reached at this hop but not followed: not PUBLIC, and includeNonPublic not set.' })
  clientIpsNotFollowed(@Root() hop: PivotHopType, @Ctx() ctx: RequestContext) {
    return clientIpsOf(hop.notFollowedClientIpIds, ctx);
  }
}
