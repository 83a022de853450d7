import { AUDITDATA_CSV_COLUMNS, defineFormat, hasAuditDataColumn, isGraphCsv } from './format';

export const PURVIEW_CSV = defineFormat({
  id: 'PURVIEW_CSV',
  description: 'Purview audit search export: RecordId,CreationDate,RecordType,Operation,UserId,AuditData,...',
  expected: 'a Purview audit CSV (RecordId,CreationDate,RecordType,Operation,UserId,AuditData,...)',
  containers: ['csv'],
  isCsvHeader: (c) => c.has('auditdata') && c.has('recordid') && !isGraphCsv(c),
  fitsCsvHeader: hasAuditDataColumn,
  csvColumns: AUDITDATA_CSV_COLUMNS,
});
