import { AUDITDATA_CSV_COLUMNS, defineFormat, hasAuditDataColumn, isGraphCsv, isSearchUnifiedAuditLogCsv } from './format';

export const PURVIEW_CLASSIC_CSV = defineFormat({
  id: 'PURVIEW_CLASSIC_CSV',
  description: 'Classic compliance center export: CreationDate,UserIds,Operations,AuditData',
  expected: 'a classic audit CSV (CreationDate,UserIds,Operations,AuditData)',
  containers: ['csv'],
  isCsvHeader: (c) => c.has('auditdata') && !c.has('recordid') && !isGraphCsv(c) && !isSearchUnifiedAuditLogCsv(c),
  fitsCsvHeader: hasAuditDataColumn,
  csvColumns: AUDITDATA_CSV_COLUMNS,
});
