import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { pageSize } from '../pagination';
import { AppConnection } from '../types/connections.type';
import { AppType, MailboxType } from '../types/entities.type';
import { optionalUpnArg } from './args';
import { tagLabelsArg } from '../../services/tag.service';
import { PageArgs, WindowArgs, windowOf } from './page-args';

@Resolver(() => AppType)
export class AppResolver {
  @Query(() => AppType, { nullable: true, description: 'An application by ClientAppId / AppId (any case); null when no record names it.' })
  app(@Arg('appId') appId: string, @Ctx() ctx: RequestContext): Promise<AppType | null> {
    return ctx.services.apps.findByAppId(appId);
  }

  @Query(() => AppConnection, { description: 'Applications by firstSeen; mailbox and from/to keep those with records in that mailbox / window.' })
  apps(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Args() window: WindowArgs,
    @Arg('mailbox', () => String, { nullable: true }) mailbox?: string | null,
    @Arg('tagged', () => [String], { nullable: true, description: 'Only apps carrying any of these analyst tag labels.' }) tagged?: string[] | null,
    @Arg('notTagged', () => [String], { nullable: true, description: 'Only apps carrying none of these analyst tag labels.' }) notTagged?: string[] | null,
  ) {
    return ctx.services.apps.page(
      { mailbox: optionalUpnArg(mailbox, 'mailbox'), ...windowOf(window), tagged: tagLabelsArg(tagged), notTagged: tagLabelsArg(notTagged) },
      pageSize(page.first),
      page.after,
    );
  }

  @FieldResolver(() => Int, { description: 'Distinct messages bound through it.' })
  boundMessageCount(@Root() app: AppType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.boundMessageCountByApp.load(app.appId);
  }

  @FieldResolver(() => [MailboxType], { description: 'Mailboxes it acted on, by UPN.' })
  mailboxes(@Root() app: AppType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxesByApp.load(app.id);
  }
}
