import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { batchView } from '../../../import/import-batches';
import type { RequestContext } from '../context';
import { pageSize } from '../pagination';
import { TimeWindow } from '../types/common.type';
import { CoverageSpanType, DayCountType } from '../types/coverage.type';
import { MailboxConnection, MessageAccessConnection, SessionConnection } from '../types/connections.type';
import { AppType, FolderSyncType, FolderType, ImportBatchType, MailboxType } from '../types/entities.type';
import { MailboxFilter } from '../types/filters.type';
import { upnArg } from './args';
import { tagLabelsArg } from '../../services/tag.service';
import { PageArgs, pageOf, TagFilterArgs, WindowArgs, windowOf } from './page-args';

@Resolver(() => MailboxType)
export class MailboxResolver {
  @Query(() => MailboxType, { nullable: true, description: 'A mailbox by owner UPN (any case); null when no record names it.' })
  mailbox(@Arg('userPrincipalName') userPrincipalName: string, @Ctx() ctx: RequestContext): Promise<MailboxType | null> {
    return ctx.services.mailboxes.findByUpn(upnArg(userPrincipalName));
  }

  @Query(() => MailboxConnection, { description: 'Mailboxes by UPN.' })
  mailboxes(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('filter', () => MailboxFilter, { nullable: true }) filter?: MailboxFilter,
  ) {
    return ctx.services.mailboxes.page(
      { ...filter, tagged: tagLabelsArg(filter?.tagged), notTagged: tagLabelsArg(filter?.notTagged) },
      pageSize(page.first),
      page.after,
    );
  }

  @FieldResolver(() => [AppType], { description: 'Applications with records in this mailbox, by firstSeen.' })
  apps(@Root() mailbox: MailboxType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.appsByMailbox.load(mailbox.id);
  }

  @FieldResolver(() => [FolderType], { description: 'Folders its MailItemsAccessed records named, by path.' })
  folders(@Root() mailbox: MailboxType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.foldersByMailbox.load(mailbox.id);
  }

  @FieldResolver(() => SessionConnection, { description: 'Sessions with records in this mailbox, by firstSeen; from/to: with at least one record in this mailbox in the window.' })
  sessions(
    @Root() mailbox: MailboxType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Args() window: WindowArgs,
    @Args() tags: TagFilterArgs,
  ) {
    return ctx.loaders
      .sessionsByMailbox({ ...windowOf(window), tagged: tagLabelsArg(tags.tagged), notTagged: tagLabelsArg(tags.notTagged) })
      .load(pageOf(mailbox.id, page));
  }

  @FieldResolver(() => MessageAccessConnection, { description: 'Messages bound in this mailbox (confirmed exposure), oldest first.' })
  messageAccesses(
    @Root() mailbox: MailboxType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Args() window: WindowArgs,
  ) {
    return ctx.loaders.messageAccesses.byMailbox(windowOf(window)).load(pageOf(mailbox.id, page));
  }

  @FieldResolver(() => [FolderSyncType], { description: 'Whole folders synced (presumed exposure), oldest first.' })
  folderSyncs(
    @Root() mailbox: MailboxType,
    @Ctx() ctx: RequestContext,
    @Args() window: WindowArgs,
  ) {
    return ctx.loaders.folderSyncs.byMailbox(windowOf(window)).load(mailbox.id);
  }

  @FieldResolver(() => [TimeWindow], {
    description:
      'Windows in which Bind auditing was stopped by throttling: 24 hours after each IsThrottled=True record, overlapping ones merged (reason THROTTLED_FLAG), ' +
      'and where more than 1,000 MailItemsAccessed records within 24 hours passed the documented threshold without a flag (THRESHOLD).',
  })
  async unauditedWindows(@Root() mailbox: MailboxType, @Ctx() ctx: RequestContext): Promise<TimeWindow[]> {
    return ctx.loaders.unauditedWindowsByMailbox.load(mailbox.id);
  }

  @FieldResolver(() => [CoverageSpanType], { description: 'Spans of its history with imported records, oldest first, and the batches that brought them.' })
  coverage(@Root() mailbox: MailboxType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.coverageByMailbox.load(mailbox.id);
  }

  @FieldResolver(() => [DayCountType], { description: 'Records per UTC day (from/to, or its first to last record), days without records included.' })
  recordsPerDay(@Root() mailbox: MailboxType, @Ctx() ctx: RequestContext, @Args() window: WindowArgs) {
    return ctx.loaders.recordsPerDayByMailbox(windowOf(window)).load(mailbox.id);
  }
}

@Resolver(() => CoverageSpanType)
export class CoverageSpanResolver {
  @FieldResolver(() => [ImportBatchType], { description: 'The import batches whose records make up the span.' })
  async batches(@Root() span: CoverageSpanType, @Ctx() ctx: RequestContext) {
    const batches = await ctx.loaders.importBatchById.loadMany(span.batchIds);
    return batches.flatMap((b) => (b && !(b instanceof Error) ? [batchView(b)] : []));
  }
}
