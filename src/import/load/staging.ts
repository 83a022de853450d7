/**
 * Staging tables (temporary, per connection, emptied at each commit) that a chunk of normalised records is
 * COPYed into before the set-based merge in merge.ts turns them into the model.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { NormalizedRecord } from '../types';
import { copyRow } from './copy-text';

export const CREATE_STAGING_SQL = `
CREATE TEMP TABLE IF NOT EXISTS stage_record (
  ord integer NOT NULL, record_key text NOT NULL, creation_time timestamptz NOT NULL, operation text NOT NULL,
  record_type integer, user_id text NOT NULL, mailbox_upn text, mailbox_guid text, tenant_id text, session_key text,
  client_ip inet, client_ip_version smallint, client_ip_raw text, client_info_string text, app_id text,
  client_app_id text, aad_session_id text, logon_type smallint, mail_access_type text, is_throttled boolean,
  operation_count integer, raw text NOT NULL, source_line integer NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS stage_item (
  ord integer NOT NULL, folder_key text NOT NULL, folder_path text NOT NULL, internet_message_id text NOT NULL,
  internet_message_id_original text, size_in_bytes bigint
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS stage_sync (
  ord integer NOT NULL, folder_key text NOT NULL, folder_path text NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS new_record (
  id bigint NOT NULL, ord integer NOT NULL, creation_time timestamptz NOT NULL, mailbox_id bigint, session_id bigint,
  client_ip_id bigint, client_app_id text, is_throttled boolean
) ON COMMIT DELETE ROWS;
`;

/** A normalised record plus what the loader needs to store it verbatim and say where it came from. */
export interface StagedRecord {
  record: NormalizedRecord;
  rawJson: string;
  line: number;
}

/** Roughly 1 MB per write: one write per row is an order of magnitude slower (see STACK.md). */
const FLUSH_BYTES = 1 << 20;

function* batchedLines<T>(items: T[], toLines: (item: T, index: number) => string): Generator<string> {
  let buffer = '';
  for (let i = 0; i < items.length; i++) {
    buffer += toLines(items[i], i);
    if (buffer.length >= FLUSH_BYTES) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

async function copyInto(client: PoolClient, sql: string, lines: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(lines, { objectMode: false }), client.query(copyFrom(sql)));
}

function recordLine(s: StagedRecord, ord: number): string {
  const r = s.record;
  return copyRow([
    ord, r.recordKey, r.creationTime.toISOString(), r.operation, r.recordType, r.userId, r.mailboxUpn, r.mailboxGuid,
    r.tenantId, r.sessionId, r.clientIp?.address ?? null, r.clientIp?.version ?? null, r.clientIpRaw, r.clientInfoString,
    r.appId, r.clientAppId, r.aadSessionId, r.logonType, r.mailAccessType, r.isThrottled, r.operationCount, s.rawJson,
    s.line,
  ]);
}

function itemLines(s: StagedRecord, ord: number): string {
  let out = '';
  for (const a of s.record.messageAccesses) {
    out += copyRow([ord, a.folderKey, a.folderPath, a.internetMessageId, a.internetMessageIdOriginal, a.sizeInBytes]);
  }
  return out;
}

function syncLines(s: StagedRecord, ord: number): string {
  let out = '';
  for (const f of s.record.folderSyncs) out += copyRow([ord, f.folderKey, f.folderPath]);
  return out;
}

/** COPYs one chunk into the staging tables (inside the caller's transaction). */
export async function stageChunk(client: PoolClient, records: StagedRecord[]): Promise<void> {
  await copyInto(client, 'COPY stage_record FROM STDIN', batchedLines(records, recordLine));
  if (records.some((s) => s.record.messageAccesses.length > 0)) {
    await copyInto(client, 'COPY stage_item FROM STDIN', batchedLines(records, itemLines));
  }
  if (records.some((s) => s.record.folderSyncs.length > 0)) {
    await copyInto(client, 'COPY stage_sync FROM STDIN', batchedLines(records, syncLines));
  }
}
