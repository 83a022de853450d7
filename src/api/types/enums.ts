import { registerEnumType } from 'type-graphql';

export enum MailAccessTypeEnum {
  BIND = 'BIND',
  SYNC = 'SYNC',
}
registerEnumType(MailAccessTypeEnum, {
  name: 'MailAccessType',
  description: 'BIND: individual messages (confirmed). SYNC: a whole folder downloaded by Outlook desktop (presumed).',
});

export enum ImportFormatEnum {
  AUTO = 'AUTO',
  PURVIEW_CSV = 'PURVIEW_CSV',
  PURVIEW_CLASSIC_CSV = 'PURVIEW_CLASSIC_CSV',
  UNIFIED_AUDIT_LOG_CSV = 'UNIFIED_AUDIT_LOG_CSV',
  UNIFIED_AUDIT_LOG_JSON = 'UNIFIED_AUDIT_LOG_JSON',
  MANAGEMENT_API_JSON = 'MANAGEMENT_API_JSON',
  NDJSON = 'NDJSON',
  GRAPH_AUDIT_LOG = 'GRAPH_AUDIT_LOG',
  MAILBOX_AUDIT_LOG_CSV = 'MAILBOX_AUDIT_LOG_CSV',
}
registerEnumType(ImportFormatEnum, {
  name: 'ImportFormat',
  description: 'The export shape. AUTO detects it from the content (not the file name).',
  valuesConfig: {
    PURVIEW_CSV: { description: 'Purview audit search export: RecordId,CreationDate,RecordType,Operation,UserId,AuditData,...' },
    PURVIEW_CLASSIC_CSV: { description: 'Classic compliance center export: CreationDate,UserIds,Operations,AuditData' },
    UNIFIED_AUDIT_LOG_CSV: { description: 'Search-UnifiedAuditLog | Export-Csv' },
    UNIFIED_AUDIT_LOG_JSON: { description: 'Search-UnifiedAuditLog | ConvertTo-Json (AuditData as string or object), or JSONL of those objects' },
    MANAGEMENT_API_JSON: { description: 'Office 365 Management Activity API content blob: a JSON array of AuditData' },
    NDJSON: { description: 'One AuditData (or wrapper) JSON object per line' },
    GRAPH_AUDIT_LOG: { description: 'Microsoft Graph auditLogRecord array or OData page { value: [...] }' },
    MAILBOX_AUDIT_LOG_CSV: { description: 'Search-MailboxAuditLog -ShowDetails | Export-Csv (flat columns)' },
  },
});

export enum ImportStatusEnum {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(ImportStatusEnum, { name: 'ImportStatus' });
