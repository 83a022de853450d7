import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { MessageAccessConnection } from '../types/connections.type';
import { MailboxType } from '../types/entities.type';
import { MessageType } from '../types/views.type';
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
