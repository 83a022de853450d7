/** One service per domain, each owning its SQL; every query is scoped to the caller's organisation. */
import type { DataSource } from 'typeorm';
import { ImportBatches } from '../../import/import-batches';
import { AccessLogService } from './access-log.service';
import { ActivityService } from './activity.service';
import { AppService } from './app.service';
import { OrganizationService } from './organization.service';
import { AuditRecordService } from './audit-record.service';
import { ClientIpService } from './client-ip.service';
import { CoverageService } from './coverage.service';
import { ExposureService } from './exposure.service';
import { MailboxService } from './mailbox.service';
import { MessageService } from './message.service';
import { MessageDetailService } from './message-detail.service';
import { NotificationListService } from './notification-list.service';
import { PivotService } from './pivot.service';
import { PresumedService } from './presumed.service';
import { SessionService } from './session.service';
import { TagService } from './tag.service';

export function createServices(dataSource: DataSource, orgId: number) {
  return {
    mailboxes: new MailboxService(dataSource, orgId),
    sessions: new SessionService(dataSource, orgId),
    clientIps: new ClientIpService(dataSource, orgId),
    messages: new MessageService(dataSource, orgId),
    messageDetails: new MessageDetailService(dataSource, orgId),
    exposure: new ExposureService(dataSource, orgId),
    coverage: new CoverageService(dataSource, orgId),
    presumed: new PresumedService(dataSource, orgId),
    notificationList: new NotificationListService(dataSource, orgId),
    pivot: new PivotService(dataSource, orgId),
    apps: new AppService(dataSource, orgId),
    auditRecords: new AuditRecordService(dataSource, orgId),
    importBatches: new ImportBatches(dataSource),
    accessLog: new AccessLogService(dataSource, orgId),
    activity: new ActivityService(dataSource, orgId),
    organizations: new OrganizationService(dataSource),
    tags: new TagService(dataSource, orgId),
  };
}

export type Services = ReturnType<typeof createServices>;
