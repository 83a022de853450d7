import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { MessageAccessConnection } from '../types/connections.type';
import { FolderSyncType, FolderType, MailboxType } from '../types/entities.type';
import { PageArgs, pageOf } from './page-args';
import { UNKNOWN_FOLDER_KEY } from '../../../import/types';

@Resolver(() => FolderType)
export class FolderResolver {
  @FieldResolver(() => Boolean, {
    description:
      'True for the stand-in folder of Sync records that named no folder (stored rather than dropped): any folder, ' +
      'up to the whole mailbox, may have been synced.',
  })
  unknown(@Root() folder: FolderType): boolean {
    return folder.folderKey === UNKNOWN_FOLDER_KEY;
  }

  @FieldResolver(() => MailboxType)
  mailbox(@Root() folder: FolderType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(folder.mailboxId);
  }

  @FieldResolver(() => MessageAccessConnection, { description: 'Messages bound in this folder, oldest first.' })
  messageAccesses(
    @Root() folder: FolderType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ) {
    return ctx.loaders.messageAccesses.byFolder.load(pageOf(folder.id, page));
  }

  @FieldResolver(() => [FolderSyncType], { description: 'Times the whole folder was synced, oldest first.' })
  syncs(@Root() folder: FolderType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.folderSyncs.byFolder.load(folder.id);
  }
}
