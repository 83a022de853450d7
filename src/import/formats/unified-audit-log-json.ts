import { defineFormat } from './format';

export const UNIFIED_AUDIT_LOG_JSON = defineFormat({
  id: 'UNIFIED_AUDIT_LOG_JSON',
  description: 'Search-UnifiedAuditLog | ConvertTo-Json (AuditData as string or object), or JSONL of those objects',
  expected: 'Search-UnifiedAuditLog | ConvertTo-Json (or JSONL) of objects with AuditData, Identity, CreationDate, Operations, UserIds',
  containers: ['json'],
  isJsonHead: (h) => h.kind === 'wrapper',
});
