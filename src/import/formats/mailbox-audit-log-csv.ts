import { defineFormat, hasAny } from './format';

export const MAILBOX_AUDIT_LOG_CSV = defineFormat({
  id: 'MAILBOX_AUDIT_LOG_CSV',
  description: 'Search-MailboxAuditLog -ShowDetails | Export-Csv (flat columns)',
  expected: 'a Search-MailboxAuditLog -ShowDetails CSV (Operation,...,MailboxOwnerUPN,...,LastAccessed)',
  containers: ['csv'],
  isCsvHeader: (c) =>
    !c.has('auditdata') && c.has('operation') && c.has('mailboxownerupn') && hasAny(c, 'lastaccessed', 'aggregatedrecordfoldersdata'),
  fitsCsvHeader: (c) => c.has('operation') && !c.has('auditdata'),
  // No AuditData: the flat row is the record; its time is LastAccessed and its address ClientIPAddress.
  csvColumns: {
    auditData: null,
    id: ['recordid', 'identity', 'id'],
    creationDate: ['lastaccessed', 'creationdate'],
    recordType: ['recordtype', 'auditlogrecordtype'],
    operation: ['operation', 'operations'],
    userId: [],
    clientIp: ['clientipaddress', 'clientip'],
    organizationId: ['organizationid'],
  },
});
