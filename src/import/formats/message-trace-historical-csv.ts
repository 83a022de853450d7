import { defineFormat, hasAny, isAuditHeader } from './format';

const TIME_COLUMNS = ['date_time_utc', 'origin_timestamp_utc'];

/**
 * The admin center's historical search / extended message trace report (CSV downloaded for data older than 10 days):
 * lower-case columns; one row per message with its recipients either in recipient_address or in recipient_status
 * (`address##Receive, Deliver;address##...`). Often UTF-16 with a BOM (decoded like any input).
 */
export const MESSAGE_TRACE_HISTORICAL_CSV = defineFormat({
  id: 'MESSAGE_TRACE_HISTORICAL_CSV',
  description: 'Historical search / extended message trace report CSV: date_time_utc,sender_address,recipient_address,message_subject,message_id,... (message details)',
  expected: 'a historical message trace report CSV (date_time_utc,message_id,sender_address,recipient_address,message_subject,...)',
  containers: ['csv'],
  // A Get-MessageTrace header (MessageId) is theirs, even with extra lower-case columns.
  isCsvHeader: (c) => !isAuditHeader(c) && c.has('message_id') && hasAny(c, ...TIME_COLUMNS) && !c.has('messageid'),
  fitsCsvHeader: (c) => !isAuditHeader(c) && c.has('message_id'),
  detailColumns: {
    source: 'MESSAGE_TRACE',
    messageId: ['message_id'],
    subject: ['message_subject', 'subject'],
    sender: ['sender_address', 'p2_sender', 'return_path'],
    recipients: ['recipient_address'],
    recipientParts: [],
    recipientStatus: ['recipient_status'],
    receivedAt: TIME_COLUMNS,
    size: ['total_bytes'],
    mailbox: [],
    folderPath: [],
    itemClass: [],
    distinct: ['network_message_id', 'directionality'],
  },
});
