import { defineFormat } from './format';

export const MANAGEMENT_API_JSON = defineFormat({
  id: 'MANAGEMENT_API_JSON',
  description: 'Office 365 Management Activity API content blob: a JSON array of AuditData',
  expected: 'Management Activity API JSON (an array of AuditData objects: CreationTime, Operation, Workload, ...)',
  containers: ['json'],
  // `[]` alone is a legitimate empty content blob.
  isJsonHead: (h) => (h.kind === 'auditdata' && h.inArray) || h.kind === 'empty',
});
