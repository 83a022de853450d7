import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { MessageAccessConnection } from '../types/connections.type';
import { MailboxType } from '../types/entities.type';
import { ImportBatchType } from '../types/entities.type';
import { MessageDetailType } from '../types/message-detail.type';
import { MessageType } from '../types/views.type';
import { batchView } from '../../../import/import-batches';
import { summarizeDetails } from '../../services/message-detail.service';
import { MessageExposureType } from '../types/presumed.type';
import { messageIdArg } from './args';
import { PageArgs, pageOf } from './page-args';

@Resolver(() => MessageType)
export class MessageResolver {
  @Query(() => MessageType, { nullable: true, description: 'A message by InternetMessageId, with or without <angle brackets>; null when never bound.' })
  message(@Arg('internetMessageId') internetMessageId: string, @Ctx() ctx: RequestContext): Promise<MessageType | null> {
    return ctx.services.messages.findMessage(messageIdArg(internetMessageId));
  }

  @FieldResolver(() => [MailboxType], { description: 'Mailboxes in which it was bound.' })
  mailboxes(@Root() message: MessageType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxesByMessage.load(message.messageId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'From the imported message details, strongest source first: eDiscovery, then message trace. null when none names it.',
  })
  async subject(@Root() message: MessageType, @Ctx() ctx: RequestContext): Promise<string | null> {
    return summarizeDetails(await ctx.loaders.detailsByMessage.load(message.messageId)).subject;
  }

  @FieldResolver(() => String, { nullable: true, description: 'As subject: eDiscovery (header From) first, then message trace (envelope sender).' })
  async sender(@Root() message: MessageType, @Ctx() ctx: RequestContext): Promise<string | null> {
    return summarizeDetails(await ctx.loaders.detailsByMessage.load(message.messageId)).sender;
  }

  @FieldResolver(() => [String], {
    description: 'Every recipient named by the strongest source that names any (eDiscovery, else all message trace rows); empty when unknown.',
  })
  async recipients(@Root() message: MessageType, @Ctx() ctx: RequestContext): Promise<string[]> {
    return summarizeDetails(await ctx.loaders.detailsByMessage.load(message.messageId)).recipients;
  }

  @FieldResolver(() => [MessageDetailType], {
    description: 'Every imported detail row of this message (message trace, eDiscovery), strongest source first, each with its import batch.',
  })
  details(@Root() message: MessageType, @Ctx() ctx: RequestContext): Promise<MessageDetailType[]> {
    return ctx.loaders.detailsByMessage.load(message.messageId);
  }

  @FieldResolver(() => MessageAccessConnection, { description: 'Every bind of it in every mailbox, oldest first: who, when, from where.' })
  accesses(
    @Root() message: MessageType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ) {
    return ctx.loaders.messageAccesses.byMessage.load(pageOf(message.messageId, page));
  }

  @FieldResolver(() => [MessageExposureType], {
    description:
      'Every way it was exposed, in every mailbox, oldest first: CONFIRMED per folder it was bound in; PRESUMED per synced folder known to hold it and kind of evidence.',
  })
  exposures(@Root() message: MessageType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.exposuresByMessage.load(message.messageId);
  }
}

@Resolver(() => MessageDetailType)
export class MessageDetailResolver {
  @FieldResolver(() => ImportBatchType, { nullable: true, description: 'The import batch (file, format, sha256) that added the row.' })
  async importBatch(@Root() detail: MessageDetailType, @Ctx() ctx: RequestContext) {
    const batch = await ctx.loaders.importBatchById.load(detail.batchId);
    return batch ? batchView(batch) : null;
  }
}
