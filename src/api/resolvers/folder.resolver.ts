import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { pageSize } from '../pagination';
import { MessageAccessConnection } from '../types/connections.type';
import { FolderSyncType, FolderType, MailboxType } from '../types/entities.type';

@Resolver(() => FolderType)
export class FolderResolver {
  @FieldResolver(() => MailboxType)
  mailbox(@Root() folder: FolderType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(folder.mailboxId);
  }

  @FieldResolver(() => MessageAccessConnection, { description: 'Messages bound in this folder, oldest first.' })
  messageAccesses(
    @Root() folder: FolderType,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return ctx.loaders.messageAccesses.byFolder.load({ parentId: folder.id, first: pageSize(first), after: after ?? null });
  }

  @FieldResolver(() => [FolderSyncType], { description: 'Times the whole folder was synced, oldest first.' })
  syncs(@Root() folder: FolderType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.folderSyncs.byFolder.load(folder.id);
  }
}
