import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { pageSize } from '../pagination';
import { timeRange } from '../../services/time-range';
import { ClientIpConnection, SessionConnection } from '../types/connections.type';
import { ClientIpType, MailboxType } from '../types/entities.type';
import { ClientIpFilter } from '../types/filters.type';
import { canonicalIp } from '../../../import/normalize';
import { ipArg, optionalUpnArg } from './args';
import { tagLabelsArg } from '../../services/tag.service';
import type { IpKind } from '../../../enrich';
import { PageArgs, pageOf, TagFilterArgs, WindowArgs, windowOf } from './page-args';

@Resolver(() => ClientIpType)
export class ClientIpResolver {
  @Query(() => ClientIpType, {
    nullable: true,
    description: 'An address in any spelling (port, [brackets], IPv6 case or zeros, IPv4-mapped); null when no record came from it.',
  })
  async clientIp(@Arg('address') address: string, @Ctx() ctx: RequestContext): Promise<ClientIpType | null> {
    const ip = canonicalIp(address);
    const found = await ctx.services.clientIps.findByAddress(ip ? ip.address : address);
    // Text that is not an IP names only an address some record came from (kind NOT_AN_IP); otherwise it is a mistake.
    if (!found && !ip) ipArg(address);
    return found;
  }

  @Query(() => ClientIpConnection, { description: 'Client IPs by firstSeen.' })
  clientIps(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('filter', () => ClientIpFilter, { nullable: true }) filter?: ClientIpFilter,
  ) {
    return ctx.services.clientIps.page(
      {
        mailbox: optionalUpnArg(filter?.mailbox, 'filter.mailbox'),
        ...timeRange(filter?.from, filter?.to),
        tagged: tagLabelsArg(filter?.tagged),
        notTagged: tagLabelsArg(filter?.notTagged),
        kinds: filter?.kinds?.length ? (filter.kinds as IpKind[]) : null,
        countries: filter?.countries?.length ? filter.countries.map((c) => c.trim().toUpperCase()) : null,
        asns: filter?.asns?.length ? filter.asns : null,
      },
      pageSize(page.first),
      page.after,
    );
  }

  @FieldResolver(() => SessionConnection, {
    description: 'Sessions with at least one record from this address, by firstSeen; from/to: with at least one record from it in the window.',
  })
  sessions(
    @Root() ip: ClientIpType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Args() window: WindowArgs,
    @Args() tags: TagFilterArgs,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.loaders
      .sessionsByClientIp({ ...windowOf(window), tagged: tagLabelsArg(tags.tagged), notTagged: tagLabelsArg(tags.notTagged) })
      .load(pageOf(ip.id, page, info));
  }

  @FieldResolver(() => [MailboxType], { description: 'Mailboxes with records from this address.' })
  mailboxes(@Root() ip: ClientIpType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxesByClientIp.load(ip.id);
  }
}
