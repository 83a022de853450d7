import { AccessLog } from './access-log.entity';
import { AnalystTag } from './analyst-tag.entity';
import { ApiKey } from './api-key.entity';
import { AppMailbox, ClientIpMailbox, SessionClientIp, SessionMailbox } from './activity-links.entity';
import { App } from './app.entity';
import { AuditRecord } from './audit-record.entity';
import { ClientInfo } from './client-info.entity';
import { ClientIp } from './client-ip.entity';
import { DeferredIndex } from './deferred-index.entity';
import { EvidenceBlock } from './evidence-block.entity';
import { Folder } from './folder.entity';
import { FolderInventory } from './folder-inventory.entity';
import { FolderSync } from './folder-sync.entity';
import { ImportBatch } from './import-batch.entity';
import { ImportRejection } from './import-rejection.entity';
import { Mailbox } from './mailbox.entity';
import { Message } from './message.entity';
import { MessageAccess } from './message-access.entity';
import { MessageDetail } from './message-detail.entity';
import { Organization } from './organization.entity';
import { Session } from './session.entity';

export {
  AccessLog, AnalystTag, ApiKey, App, AppMailbox, AuditRecord, ClientInfo, ClientIp, ClientIpMailbox, DeferredIndex, EvidenceBlock, Folder, FolderInventory, FolderSync, ImportBatch, ImportRejection, Mailbox,
  Message, MessageAccess, MessageDetail, Organization, Session, SessionClientIp, SessionMailbox,
};

export const ENTITIES = [
  Organization, ApiKey, ImportBatch, ImportRejection, Mailbox, Session, ClientIp, ClientInfo, Folder, AuditRecord, EvidenceBlock,
  Message, MessageAccess, FolderSync, SessionClientIp, SessionMailbox, ClientIpMailbox, App, AppMailbox, AccessLog, AnalystTag, DeferredIndex,
  MessageDetail, FolderInventory,
];
