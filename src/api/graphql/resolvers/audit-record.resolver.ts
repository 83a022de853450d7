import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { pageSize } from '../pagination';
import { timeRange } from '../../services/time-range';
import { AuditRecordConnection } from '../types/connections.type';
import { AppType, AuditRecordType, ClientIpType, FolderSyncType, ImportBatchType, MailboxType, MessageAccessType, SessionType } from '../types/entities.type';
import { appKey } from '../../../import/normalize/app-identity';
import { LogonTypeEnum, logonTypeOf } from '../types/enums';
import { AuditRecordFilter } from '../types/filters.type';
import { JSONScalar } from '../scalars';
import { addressArg, optionalUpnArg } from './args';
import { batchView } from '../../../import/import-batches';
import { PageArgs } from './page-args';

@Resolver(() => AuditRecordType)
export class AuditRecordResolver {
  @Query(() => AuditRecordType, { nullable: true, description: 'A record by its id (AuditData.Id, any case, or sha256:... for records without one).' })
  auditRecord(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<AuditRecordType | null> {
    return ctx.services.auditRecords.findByKey(id);
  }

  @Query(() => AuditRecordConnection, { description: 'Records by CreationTime, oldest first. Filters are ANDed; from/to are inclusive.' })
  async auditRecords(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('filter', () => AuditRecordFilter, { nullable: true }) filter?: AuditRecordFilter,
  ) {
    return ctx.services.auditRecords.page(
      {
        mailbox: optionalUpnArg(filter?.mailbox, 'filter.mailbox'),
        sessionId: filter?.sessionId?.trim() || null,
        clientIp: await addressArg(filter?.clientIp, 'filter.clientIp', (v) => ctx.services.clientIps.isKnownNonIpAddress(v)),
        operation: filter?.operation?.trim() || null,
        mailAccessType: filter?.mailAccessType ?? null,
        clientAppId: filter?.clientAppId?.trim() || null,
        aadSessionId: filter?.aadSessionId?.trim() || null,
        userId: filter?.userId?.trim() || null,
        logonTypes: filter?.logonTypes?.length ? filter.logonTypes : null,
        ...timeRange(filter?.from, filter?.to),
      },
      pageSize(page.first),
      page.after,
    );
  }

  @FieldResolver(() => MailboxType, { nullable: true })
  mailbox(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext) {
    return record.mailboxId ? ctx.loaders.mailboxById.load(record.mailboxId) : null;
  }

  @FieldResolver(() => SessionType, { nullable: true, description: 'null when the record has neither a SessionId nor an AADSessionId (or only placeholders).' })
  session(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext) {
    return record.sessionId ? ctx.loaders.sessionById.load(record.sessionId) : null;
  }

  @FieldResolver(() => AppType, { nullable: true, description: 'Its application: ClientAppId, else AppId.' })
  app(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext) {
    const key = appKey(record);
    return key ? ctx.loaders.appByAppId.load(key) : null;
  }

  @FieldResolver(() => LogonTypeEnum, { nullable: true, description: 'logonType by name: OWNER, DELEGATE (another mailbox), ADMIN...' })
  logonKind(@Root() record: AuditRecordType) {
    return logonTypeOf(record.logonType);
  }

  @FieldResolver(() => ClientIpType, { nullable: true })
  clientIp(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext) {
    return record.clientIpId ? ctx.loaders.clientIpById.load(record.clientIpId) : null;
  }

  /** The import stores UserId only where it is not the mailbox's UPN (chunk-plan.ts, storedUserId). */
  @FieldResolver(() => String)
  async userId(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext): Promise<string> {
    if (record.userId !== null || !record.mailboxId) return record.userId ?? '';
    return (await ctx.loaders.mailboxById.load(record.mailboxId))?.userPrincipalName ?? '';
  }

  /** The import keeps the text only where it differs from the canonical IPv4 address (chunk-plan.ts, storedRawAddress). */
  @FieldResolver(() => String, { nullable: true })
  async clientIpRaw(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext): Promise<string | null> {
    if (record.clientIpRaw !== null || !record.clientIpId) return record.clientIpRaw;
    return (await ctx.loaders.clientIpById.load(record.clientIpId))?.address ?? null;
  }

  @FieldResolver(() => AuditRecordType, {
    nullable: true,
    description:
      'The record stored earlier with the same AuditData.Id but different content. Both are kept; this one\'s id is then <Id>#<sha256 of its canonical content>. null for nearly every record.',
  })
  conflictsWith(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext) {
    return record.conflictsWithId ? ctx.loaders.auditRecordById.load(record.conflictsWithId) : null;
  }

  @FieldResolver(() => ImportBatchType, { description: 'The import that added it.' })
  async importBatch(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext) {
    const batch = await ctx.loaders.importBatchById.load(record.batchId);
    return batch ? batchView(batch) : null;
  }

  @FieldResolver(() => [MessageAccessType], { description: 'The messages a Bind record listed.' })
  messageAccesses(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.messageAccesses.byRecord.load(record.id);
  }

  @FieldResolver(() => [FolderSyncType], { description: 'The folder a Sync record downloaded.' })
  folderSyncs(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.folderSyncs.byRecord.load(record.id);
  }

  @FieldResolver(() => JSONScalar, { description: 'The original AuditData parsed (for Search-MailboxAuditLog rows: the row); rawText has its exact text.' })
  async raw(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext): Promise<unknown> {
    return JSON.parse((await this.original(record, ctx)).text);
  }

  @FieldResolver(() => String, { description: 'The original AuditData text exactly as read (see rawExact).' })
  async rawText(@Root() record: AuditRecordType, @Ctx() ctx: RequestContext): Promise<string> {
    return (await this.original(record, ctx)).text;
  }

  private async original(record: AuditRecordType, ctx: RequestContext) {
    const original = await ctx.loaders.rawByRecord.load(record.id);
    if (!original) throw new Error(`audit record ${record.id} has no original text`);
    return original;
  }
}
