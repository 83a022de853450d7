import { defineFormat, hasAny, isAuditHeader } from './format';

const MESSAGE_ID_COLUMNS = ['email_message_id', 'email message id', 'internet message id', 'internetmessageid'];

/**
 * eDiscovery (Premium / Purview) export load files and item reports: one row per exported item with its metadata
 * (exported field names of the review set: Email_message_ID, Email_subject, Email_sender, Email_recipients,
 * Email_date_received, Location_name, Compound_path...). Column sets vary by export version, so it is recognised
 * by the message-id column. A row's mailbox and folder (Location_name, Compound_path) make it an inventory entry.
 */
export const EDISCOVERY_ITEMS_CSV = defineFormat({
  id: 'EDISCOVERY_ITEMS_CSV',
  description: 'eDiscovery export load file / item report CSV: Email_message_ID,Email_subject,Email_sender,Email_recipients,Compound_path,... (message details, mailbox inventory)',
  expected: 'an eDiscovery item report or load file CSV (Email_message_ID,Email_subject,Email_sender,Email_recipients,Compound_path,...)',
  containers: ['csv'],
  // Message trace headers (MessageId, message_id) are theirs, even with an extra Internet message id column.
  isCsvHeader: (c) => !isAuditHeader(c) && hasAny(c, ...MESSAGE_ID_COLUMNS) && !hasAny(c, 'messageid', 'message_id'),
  fitsCsvHeader: (c) => !isAuditHeader(c) && hasAny(c, ...MESSAGE_ID_COLUMNS),
  detailColumns: {
    source: 'EDISCOVERY',
    messageId: MESSAGE_ID_COLUMNS,
    subject: ['email_subject', 'subject', 'subject or title', 'subject/title'],
    sender: ['email_sender', 'sender', 'email_from', 'from', 'sender or created by'],
    recipients: ['email_recipients', 'recipients'],
    recipientParts: ['email_to', 'email_cc', 'email_bcc', 'to', 'cc', 'bcc'],
    recipientStatus: [],
    receivedAt: ['email_date_received', 'received', 'date received', 'email_date_sent', 'sent', 'date sent'],
    size: ['native_size', 'size', 'email_size'],
    mailbox: ['location_name', 'location name'],
    folderPath: ['compound_path', 'compound path', 'folder_path', 'folder path', 'original_path', 'original path', 'folder'],
    itemClass: ['file_class', 'item_class', 'file class', 'item class'],
    distinct: [],
  },
});
