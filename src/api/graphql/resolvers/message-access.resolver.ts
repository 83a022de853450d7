import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { appKey } from '../../../import/normalize/app-identity';
import { LogonTypeEnum, logonTypeOf } from '../types/enums';
import { AppType, AuditRecordType, ClientIpType, FolderSyncType, FolderType, MailboxType, MessageAccessType, SessionType } from '../types/entities.type';

/** Who bound a message, where and from where: every link back goes through a per-request loader. */
@Resolver(() => MessageAccessType)
export class MessageAccessResolver {
  @FieldResolver(() => FolderType)
  folder(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    // A plain value, not a promise, when the page joined it: 500 accesses then cost no 500 loader rounds.
    return access.joinedFolder ?? ctx.loaders.folderById.load(access.folderId);
  }

  @FieldResolver(() => MailboxType)
  mailbox(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(access.mailboxId);
  }

  @FieldResolver(() => SessionType, { nullable: true, description: 'null for access with neither SessionId nor AADSessionId.' })
  session(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    return access.sessionId ? ctx.loaders.sessionById.load(access.sessionId) : null;
  }

  @FieldResolver(() => ClientIpType, { nullable: true })
  clientIp(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    return access.clientIpId ? ctx.loaders.clientIpById.load(access.clientIpId) : null;
  }

  @FieldResolver(() => AppType, { nullable: true, description: "The application of the Bind record (ClientAppId, else AppId)." })
  async app(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    const record = await ctx.loaders.auditRecordById.load(access.recordId);
    const key = record ? appKey(record) : null;
    return key ? ctx.loaders.appByAppId.load(key) : null;
  }

  @FieldResolver(() => LogonTypeEnum, { nullable: true, description: "Who bound it, relative to the mailbox owner (the record's LogonType)." })
  async logonType(@Root() access: MessageAccessType, @Ctx() ctx: RequestContext) {
    const record = await ctx.loaders.auditRecordById.load(access.recordId);
    return record ? logonTypeOf(record.logonType) : null;
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
    return sync.joinedFolder ?? ctx.loaders.folderById.load(sync.folderId);
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
