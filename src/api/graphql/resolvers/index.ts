import { AccessLogResolver } from './access-log.resolver';
import { ActivityResolver } from './activity.resolver';
import { AppResolver } from './app.resolver';
import { OrganizationResolver } from './organization.resolver';
import { AuditRecordResolver } from './audit-record.resolver';
import { ClientIpResolver } from './client-ip.resolver';
import { ExposedMessageResolver, ExposureResolver } from './exposure.resolver';
import { FolderResolver } from './folder.resolver';
import { ImportBatchResolver } from './import-batch.resolver';
import { CoverageSpanResolver, MailboxResolver } from './mailbox.resolver';
import { FolderSyncResolver, MessageAccessResolver } from './message-access.resolver';
import { MessageDetailResolver, MessageResolver } from './message.resolver';
import { PivotHopResolver, PivotResolver } from './pivot.resolver';
import { NotificationListResolver } from './notification-list.resolver';
import { MessageExposureResolver, NotificationEntryResolver, PresumedMessageResolver } from './presumed.resolver';
import { SessionResolver } from './session.resolver';
import { AppTagsResolver, ClientIpTagsResolver, MailboxTagsResolver, SessionTagsResolver, TagResolver } from './tag.resolver';

export const RESOLVERS = [
  ImportBatchResolver,
  MailboxResolver,
  CoverageSpanResolver,
  SessionResolver,
  ClientIpResolver,
  FolderResolver,
  MessageAccessResolver,
  FolderSyncResolver,
  MessageResolver,
  MessageDetailResolver,
  AuditRecordResolver,
  AppResolver,
  PivotResolver,
  PivotHopResolver,
  ExposureResolver,
  ExposedMessageResolver,
  PresumedMessageResolver,
  MessageExposureResolver,
  NotificationEntryResolver,
  NotificationListResolver,
  AccessLogResolver,
  ActivityResolver,
  OrganizationResolver,
  TagResolver,
  ClientIpTagsResolver,
  SessionTagsResolver,
  AppTagsResolver,
  MailboxTagsResolver,
] as const;
