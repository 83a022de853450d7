/**
 * The COPY text of the columns of an audit record, and of a message access, that need no database id. The worker
 * makes it ahead (prepare.ts), where it has time to spare; the loading thread, which PostgreSQL waits for, then only
 * joins it to the ids (PERFORMANCE.md, ninth session). The loader makes it itself when it was not made ahead.
 * Never for a record whose typed values had NUL replaced (nul-text.ts): the text made ahead is of the values before.
 */
import type { NormalizedMessageAccess } from '../types';
import { storedRawAddress, storedUserId, type StagedRecord } from './chunk-plan';
import { copyFields } from './copy-text';

/** audit_record's columns in auditRecordText, in its order. */
export const AUDIT_TEXT_COLUMNS = `record_key, creation_time, operation, record_type, user_id, user_type, client_ip_raw, client_info_string,
  app_id, client_app_id, aad_session_id, unique_token_id, logon_type, mail_access_type, is_throttled, operation_count, raw_exact, source_line`;

export function auditRecordText(s: StagedRecord): string {
  const r = s.record;
  return copyFields([
    r.recordKey, r.creationTime.toISOString(), r.operation, r.recordType, storedUserId(r), r.userType, storedRawAddress(r), r.clientInfoString,
    r.appId, r.clientAppId, r.aadSessionId, r.uniqueTokenId, r.logonType, r.mailAccessType, r.isThrottled, r.operationCount, s.rawExact !== false, s.line,
  ]);
}

/** message_access's columns in accessText, in its order. */
export const ACCESS_TEXT_COLUMNS = 'internet_message_id_original, size_in_bytes, item_time, item_id, subject, sensitivity_labels';

export function accessText(a: NormalizedMessageAccess): string {
  return copyFields([a.internetMessageIdOriginal, a.sizeInBytes, a.itemTime?.toISOString(), a.itemId, a.subject, textArray(a.sensitivityLabels)]);
}

/** A text[] literal for COPY: every element quoted, so commas, braces and quotes in hostile labels stay data. */
export function textArray(values: string[] | null): string | null {
  if (!values) return null;
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Makes the text ahead for a chunk's records (the worker's side). */
export function makeRowTexts(records: StagedRecord[], hasNul: (rawJson: string) => boolean): void {
  for (const s of records) {
    if (hasNul(s.rawJson)) continue;
    s.copyText = auditRecordText(s);
    for (const a of s.record.messageAccesses) a.copyText = accessText(a);
  }
}
