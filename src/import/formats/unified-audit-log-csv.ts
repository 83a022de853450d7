import { AUDITDATA_CSV_COLUMNS, defineFormat, hasAuditDataColumn, isGraphCsv, isSearchUnifiedAuditLogCsv } from './format';

export const UNIFIED_AUDIT_LOG_CSV = defineFormat({
  id: 'UNIFIED_AUDIT_LOG_CSV',
  description: 'Search-UnifiedAuditLog | Export-Csv',
  expected: 'Search-UnifiedAuditLog | Export-Csv (RecordType,CreationDate,UserIds,Operations,AuditData,...,Identity)',
  containers: ['csv'],
  isCsvHeader: (c) => c.has('auditdata') && !c.has('recordid') && !isGraphCsv(c) && isSearchUnifiedAuditLogCsv(c),
  fitsCsvHeader: hasAuditDataColumn,
  csvColumns: AUDITDATA_CSV_COLUMNS,
});
