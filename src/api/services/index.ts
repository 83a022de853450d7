/** One service per domain, each owning its SQL; every query is scoped to the caller's organisation. */
import type { DataSource } from 'typeorm';
import { AuditRecordService } from './audit-record.service';
import { ClientIpService } from './client-ip.service';
import { ExposureService } from './exposure.service';
import { MailboxService } from './mailbox.service';
import { MessageService } from './message.service';
import { PivotService } from './pivot.service';
import { SessionService } from './session.service';

export function createServices(dataSource: DataSource, orgId: number) {
  return {
    mailboxes: new MailboxService(dataSource, orgId),
    sessions: new SessionService(dataSource, orgId),
    clientIps: new ClientIpService(dataSource, orgId),
    messages: new MessageService(dataSource, orgId),
    exposure: new ExposureService(dataSource, orgId),
    pivot: new PivotService(dataSource, orgId),
    auditRecords: new AuditRecordService(dataSource, orgId),
  };
}

export type Services = ReturnType<typeof createServices>;

const perRequest = new WeakMap<object, Services>();

/** The services of a request (made once per request context). */
export function servicesFor(ctx: { dataSource: DataSource; orgId: number }): Services {
  let services = perRequest.get(ctx);
  if (!services) {
    services = createServices(ctx.dataSource, ctx.orgId);
    perRequest.set(ctx, services);
  }
  return services;
}
