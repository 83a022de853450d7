import { defineFormat, hasAny, isAuditHeader, type DetailColumns } from './format';

/**
 * Get-MessageTrace / Get-MessageTraceV2 objects written by Export-Csv (also Microsoft-Extractor-Suite's
 * Get-MessageTraceLog): one row per message and recipient. The two cmdlets share the columns; the older one's
 * objects also carry the Reporting web service's paging columns (StartDate, EndDate, Index), which is how the two
 * are told apart. A CSV whose paging columns were dropped reads the same either way.
 */
const COLUMNS: DetailColumns = {
  source: 'MESSAGE_TRACE',
  messageId: ['messageid'],
  subject: ['subject'],
  sender: ['senderaddress'],
  recipients: ['recipientaddress'],
  recipientParts: [],
  recipientStatus: [],
  receivedAt: ['received'],
  size: ['size'],
  mailbox: [],
  folderPath: [],
  itemClass: [],
  distinct: ['status', 'messagetraceid'],
};

const isMessageTrace = (c: ReadonlySet<string>) => !isAuditHeader(c) && c.has('messageid') && c.has('received') && hasAny(c, 'senderaddress', 'recipientaddress');
const hasPagingColumns = (c: ReadonlySet<string>) => hasAny(c, 'startdate', 'enddate', 'index');

export const MESSAGE_TRACE_CSV = defineFormat({
  id: 'MESSAGE_TRACE_CSV',
  description: 'Get-MessageTrace | Export-Csv: Received,SenderAddress,RecipientAddress,Subject,MessageId,...,StartDate,EndDate,Index (message details)',
  expected: 'a Get-MessageTrace CSV (Received,SenderAddress,RecipientAddress,Subject,MessageId,...,Index)',
  containers: ['csv'],
  isCsvHeader: (c) => isMessageTrace(c) && hasPagingColumns(c),
  fitsCsvHeader: (c) => !isAuditHeader(c) && c.has('messageid'),
  detailColumns: COLUMNS,
});

export const MESSAGE_TRACE_V2_CSV = defineFormat({
  id: 'MESSAGE_TRACE_V2_CSV',
  description: 'Get-MessageTraceV2 | Export-Csv: Received,SenderAddress,RecipientAddress,Subject,MessageId,MessageTraceId,... (message details)',
  expected: 'a Get-MessageTraceV2 CSV (Received,SenderAddress,RecipientAddress,Subject,Status,...,MessageId,MessageTraceId)',
  containers: ['csv'],
  isCsvHeader: (c) => isMessageTrace(c) && !hasPagingColumns(c),
  fitsCsvHeader: (c) => !isAuditHeader(c) && c.has('messageid'),
  detailColumns: COLUMNS,
});
