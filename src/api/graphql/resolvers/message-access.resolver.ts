import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { AuditRecordType, ClientIpType, FolderSyncType, FolderType, MailboxType, MessageAccessType, SessionType } from '../types/entities.type';

/** Who bound a message, where and from where: every link back goes through a per-request loader. */
@Resolver(() => MessageAccessType)
export class MessageAccessResolver {
  @FieldResolver(() => FolderType)
  folder(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.folderById.load(access.folderId);
  }

  @FieldResolver(() => MailboxType)
  mailbox(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(access.mailboxId);
  }

  @FieldResolver(() => SessionType, { nullable: true, description: 'null for app access without a SessionId.' })
  session(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    return access.sessionId ? ctx.loaders.sessionById.load(access.sessionId) : null;
  }

  @FieldResolver(() => ClientIpType, { nullable: true })
  clientIp(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    return access.clientIpId ? ctx.loaders.clientIpById.load(access.clientIpId) : null;
  }

  @FieldResolver(() => AuditRecordType, { description: 'The Bind record that listed it.' })
  record(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.auditRecordById.load(access.recordId);
  }
}

@Resolver(() => FolderSyncType)
export class FolderSyncResolver {
  @FieldResolver(() => FolderType)
  folder(@Root() sync: FolderSyncType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.folderById.load(sync.folderId);
  }

  @FieldResolver(() => MailboxType)
  mailbox(@Root() sync: FolderSyncType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(sync.mailboxId);
  }

  @FieldResolver(() => SessionType, { nullable: true })
  session(@Root() sync: FolderSyncType, @Ctx() ctx: RequestContext) {
    return sync.sessionId ? ctx.loaders.sessionById.load(sync.sessionId) : null;
  }

  @FieldResolver(() => ClientIpType, { nullable: true })
  clientIp(@Root() sync: FolderSyncType, @Ctx() ctx: RequestContext) {
    return sync.clientIpId ? ctx.loaders.clientIpById.load(sync.clientIpId) : null;
  }

  @FieldResolver(() => AuditRecordType, { description: 'The Sync record.' })
  record(@Root() sync: FolderSyncType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.auditRecordById.load(sync.recordId);
  }
}
