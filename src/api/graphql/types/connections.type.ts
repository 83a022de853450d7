/** The Relay connection types, one per node type (made once: type names must be unique in the schema). */
import { Connection } from '../pagination';
import { AppType, AuditRecordType, ClientIpType, MailboxType, MessageAccessType, SessionType } from './entities.type';
import { ExposedMessageType } from './views.type';
import { NotificationEntryType, PresumedMessageType } from './presumed.type';

export const MailboxConnection = Connection(MailboxType, 'Mailbox');
export const SessionConnection = Connection(SessionType, 'Session');
export const ClientIpConnection = Connection(ClientIpType, 'ClientIp');
export const MessageAccessConnection = Connection(MessageAccessType, 'MessageAccess');
export const AuditRecordConnection = Connection(AuditRecordType, 'AuditRecord');
export const ExposedMessageConnection = Connection(ExposedMessageType, 'ExposedMessage');
export const AppConnection = Connection(AppType, 'App');
export const PresumedMessageConnection = Connection(PresumedMessageType, 'PresumedMessage');
export const NotificationEntryConnection = Connection(NotificationEntryType, 'NotificationEntry');
