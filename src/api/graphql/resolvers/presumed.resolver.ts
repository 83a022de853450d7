import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { AppType, AuditRecordType, ClientIpType, FolderType, MailboxType, SessionType } from '../types/entities.type';
import { MessageExposureType, NotificationEntryType, PresumedMessageType } from '../types/presumed.type';

/** Loaded objects in the order of their ids, those not found left out. */
async function loadedAll<T>(loads: Promise<(T | Error | null)[]>): Promise<T[]> {
  return (await loads).filter((x): x is T => !!x && !(x instanceof Error));
}

@Resolver(() => PresumedMessageType)
export class PresumedMessageResolver {
  @FieldResolver(() => FolderType, { description: 'The synced folder.' })
  folder(@Root() p: PresumedMessageType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.folderById.load(p.folderId);
  }

  @FieldResolver(() => MailboxType)
  mailbox(@Root() p: PresumedMessageType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(p.mailboxId);
  }

  @FieldResolver(() => SessionType, { nullable: true, description: 'The session of the Sync.' })
  session(@Root() p: PresumedMessageType, @Ctx() ctx: RequestContext) {
    return p.sessionId ? ctx.loaders.sessionById.load(p.sessionId) : null;
  }

  @FieldResolver(() => AuditRecordType, { description: 'The Sync record.' })
  syncRecord(@Root() p: PresumedMessageType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.auditRecordById.load(p.syncRecordId);
  }

  @FieldResolver(() => AuditRecordType, { nullable: true, description: 'The first Bind that found the message in the folder (BOUND_BEFORE / BOUND_AFTER; may be absent for INVENTORY).' })
  boundRecord(@Root() p: PresumedMessageType, @Ctx() ctx: RequestContext) {
    return p.boundRecordId ? ctx.loaders.auditRecordById.load(p.boundRecordId) : null;
  }
}

@Resolver(() => MessageExposureType)
export class MessageExposureResolver {
  @FieldResolver(() => MailboxType)
  mailbox(@Root() e: MessageExposureType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(e.mailboxId);
  }

  @FieldResolver(() => FolderType, { description: 'The folder it was bound in (CONFIRMED) or that was synced (PRESUMED).' })
  folder(@Root() e: MessageExposureType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.folderById.load(e.folderId);
  }

  @FieldResolver(() => [SessionType])
  sessions(@Root() e: MessageExposureType, @Ctx() ctx: RequestContext) {
    return loadedAll(ctx.loaders.sessionById.loadMany(e.sessionIds));
  }

  @FieldResolver(() => AuditRecordType, { description: 'The first Bind or Sync record of this exposure.' })
  firstRecord(@Root() e: MessageExposureType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.auditRecordById.load(e.firstRecordId);
  }
}

@Resolver(() => NotificationEntryType)
export class NotificationEntryResolver {
  @FieldResolver(() => MailboxType)
  mailbox(@Root() e: NotificationEntryType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(e.mailboxId);
  }

  @FieldResolver(() => [FolderType], { description: 'Folders it was bound in (CONFIRMED) or synced with (PRESUMED).' })
  folders(@Root() e: NotificationEntryType, @Ctx() ctx: RequestContext) {
    return loadedAll(ctx.loaders.folderById.loadMany(e.folderIds));
  }

  @FieldResolver(() => [SessionType], { description: 'Sessions of the Binds (CONFIRMED) or Syncs (PRESUMED).' })
  sessions(@Root() e: NotificationEntryType, @Ctx() ctx: RequestContext) {
    return loadedAll(ctx.loaders.sessionById.loadMany(e.sessionIds));
  }

  @FieldResolver(() => [ClientIpType], { description: 'Client IPs of the Binds or Syncs.' })
  clientIps(@Root() e: NotificationEntryType, @Ctx() ctx: RequestContext) {
    return loadedAll(ctx.loaders.clientIpById.loadMany(e.clientIpIds));
  }

  @FieldResolver(() => [AppType], { description: 'Apps (ClientAppId, else AppId) of the Binds or Syncs.' })
  apps(@Root() e: NotificationEntryType, @Ctx() ctx: RequestContext) {
    return loadedAll(ctx.loaders.appByAppId.loadMany(e.appIds));
  }
}
