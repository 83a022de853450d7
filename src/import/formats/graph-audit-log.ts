import { AUDITDATA_CSV_COLUMNS, defineFormat, hasAuditDataColumn, isGraphCsv } from './format';

export const GRAPH_AUDIT_LOG = defineFormat({
  id: 'GRAPH_AUDIT_LOG',
  description: 'Microsoft Graph auditLogRecord array or OData page { value: [...] }',
  expected: 'a Microsoft Graph audit log export (JSON/JSONL records with auditData, an OData page {"value":[...]}, or a Get-UALGraph CSV)',
  containers: ['json', 'csv'],
  isJsonHead: (h) => h.kind === 'graph' || h.kind === 'page',
  isCsvHeader: isGraphCsv,
  fitsCsvHeader: hasAuditDataColumn,
  csvColumns: AUDITDATA_CSV_COLUMNS,
});
