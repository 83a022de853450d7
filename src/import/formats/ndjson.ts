import { defineFormat } from './format';

export const NDJSON = defineFormat({
  id: 'NDJSON',
  description: 'One AuditData (or wrapper) JSON object per line',
  expected: 'NDJSON of AuditData objects, one per line',
  containers: ['json'],
  isJsonHead: (h) => h.kind === 'auditdata' && !h.inArray,
});
