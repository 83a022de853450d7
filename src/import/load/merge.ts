/**
 * The set-based merge of one staged chunk into the model, run in the chunk's transaction. This is where a Bind
 * record's FolderItems become MessageAccess rows and a Sync record becomes FolderSync rows. Only records that are
 * new (ON CONFLICT on the record key) produce derived rows and bump counters, so re-importing adds nothing.
 * Merges of one organisation are serialised by an advisory lock: concurrent imports of overlapping data then
 * neither duplicate nor deadlock, while their parsing and COPY still run in parallel.
 */
import type { PoolClient } from 'pg';

const MERGE_LOCK_CLASS = 0x6d61696c; // "mail"

/** Dimension rows first, so records can reference them. Sessions/IPs get the chunk's first/last seen. */
const UPSERT_DIMENSIONS = [
  `INSERT INTO mailbox (org_id, user_principal_name, mailbox_guid, tenant_id)
   SELECT DISTINCT ON (mailbox_upn) $1::int, mailbox_upn, mailbox_guid, tenant_id
   FROM stage_record WHERE mailbox_upn IS NOT NULL
   ORDER BY mailbox_upn, (mailbox_guid IS NULL), ord
   ON CONFLICT ON CONSTRAINT uq_mailbox_org_upn DO UPDATE
     SET mailbox_guid = COALESCE(mailbox.mailbox_guid, EXCLUDED.mailbox_guid),
         tenant_id = COALESCE(mailbox.tenant_id, EXCLUDED.tenant_id)
     WHERE (mailbox.mailbox_guid IS NULL AND EXCLUDED.mailbox_guid IS NOT NULL)
        OR (mailbox.tenant_id IS NULL AND EXCLUDED.tenant_id IS NOT NULL)`,
  `INSERT INTO session (org_id, session_id, first_seen, last_seen)
   SELECT $1::int, session_key, min(creation_time), max(creation_time)
   FROM stage_record WHERE session_key IS NOT NULL GROUP BY session_key
   ON CONFLICT ON CONSTRAINT uq_session_org_session_id DO NOTHING`,
  `INSERT INTO client_ip (org_id, address, version, first_seen, last_seen)
   SELECT $1::int, client_ip, min(client_ip_version), min(creation_time), max(creation_time)
   FROM stage_record WHERE client_ip IS NOT NULL GROUP BY client_ip
   ON CONFLICT ON CONSTRAINT uq_client_ip_org_address DO NOTHING`,
];

/** The first occurrence of each record key in the chunk wins (the Management API repeats records). */
const INSERT_RECORDS = `
WITH first_of_key AS (
  SELECT DISTINCT ON (record_key) * FROM stage_record ORDER BY record_key, ord
), inserted AS (
  INSERT INTO audit_record (org_id, record_key, creation_time, operation, record_type, user_id, mailbox_id, session_id,
    client_ip_id, client_ip_raw, client_info_string, app_id, client_app_id, aad_session_id, logon_type,
    mail_access_type, is_throttled, operation_count, raw, batch_id, source_line)
  SELECT $1::int, s.record_key, s.creation_time, s.operation, s.record_type, s.user_id, m.id, se.id, ip.id,
    s.client_ip_raw, s.client_info_string, s.app_id, s.client_app_id, s.aad_session_id, s.logon_type,
    s.mail_access_type, s.is_throttled, s.operation_count, s.raw::jsonb, $2::bigint, s.source_line
  FROM first_of_key s
  LEFT JOIN mailbox m ON m.org_id = $1 AND m.user_principal_name = s.mailbox_upn
  LEFT JOIN session se ON se.org_id = $1 AND se.session_id = s.session_key
  LEFT JOIN client_ip ip ON ip.org_id = $1 AND ip.address = s.client_ip
  ON CONFLICT ON CONSTRAINT uq_audit_record_org_key DO NOTHING
  RETURNING id, record_key, creation_time, mailbox_id, session_id, client_ip_id, client_app_id, is_throttled
)
INSERT INTO new_record (id, ord, creation_time, mailbox_id, session_id, client_ip_id, client_app_id, is_throttled)
SELECT i.id, f.ord, i.creation_time, i.mailbox_id, i.session_id, i.client_ip_id, i.client_app_id, i.is_throttled
FROM inserted i JOIN first_of_key f ON f.record_key = i.record_key`;

const DERIVED_ROWS = [
  `INSERT INTO folder (org_id, mailbox_id, folder_key, path)
   SELECT DISTINCT ON (n.mailbox_id, x.folder_key) $1::int, n.mailbox_id, x.folder_key, x.folder_path
   FROM (SELECT ord, folder_key, folder_path FROM stage_item UNION ALL SELECT ord, folder_key, folder_path FROM stage_sync) x
   JOIN new_record n ON n.ord = x.ord
   WHERE n.mailbox_id IS NOT NULL
   ORDER BY n.mailbox_id, x.folder_key, x.ord
   ON CONFLICT ON CONSTRAINT uq_folder_mailbox_key DO NOTHING`,
  `INSERT INTO message_access (org_id, record_id, folder_id, mailbox_id, session_id, client_ip_id, client_app_id,
     access_type, accessed_at, internet_message_id, internet_message_id_original, size_in_bytes)
   SELECT $1::int, n.id, f.id, n.mailbox_id, n.session_id, n.client_ip_id, n.client_app_id, 'BIND', n.creation_time,
     i.internet_message_id, i.internet_message_id_original, i.size_in_bytes
   FROM stage_item i
   JOIN new_record n ON n.ord = i.ord
   JOIN folder f ON f.org_id = $1 AND f.mailbox_id = n.mailbox_id AND f.folder_key = i.folder_key`,
  `INSERT INTO folder_sync (org_id, record_id, folder_id, mailbox_id, session_id, client_ip_id, client_app_id, synced_at)
   SELECT $1::int, n.id, f.id, n.mailbox_id, n.session_id, n.client_ip_id, n.client_app_id, n.creation_time
   FROM stage_sync x
   JOIN new_record n ON n.ord = x.ord
   JOIN folder f ON f.org_id = $1 AND f.mailbox_id = n.mailbox_id AND f.folder_key = x.folder_key`,
];

/** Counters and who-used-what links, from the new records only. */
const ROLLUPS = [
  `UPDATE mailbox m SET record_count = m.record_count + a.n,
     throttled_record_count = m.throttled_record_count + a.throttled,
     first_seen = LEAST(m.first_seen, a.first_seen), last_seen = GREATEST(m.last_seen, a.last_seen)
   FROM (SELECT mailbox_id, count(*) AS n, count(*) FILTER (WHERE is_throttled) AS throttled,
           min(creation_time) AS first_seen, max(creation_time) AS last_seen
         FROM new_record WHERE mailbox_id IS NOT NULL GROUP BY mailbox_id) a
   WHERE m.id = a.mailbox_id`,
  `UPDATE session s SET record_count = s.record_count + a.n,
     first_seen = LEAST(s.first_seen, a.first_seen), last_seen = GREATEST(s.last_seen, a.last_seen)
   FROM (SELECT session_id, count(*) AS n, min(creation_time) AS first_seen, max(creation_time) AS last_seen
         FROM new_record WHERE session_id IS NOT NULL GROUP BY session_id) a
   WHERE s.id = a.session_id`,
  `UPDATE client_ip c SET record_count = c.record_count + a.n,
     first_seen = LEAST(c.first_seen, a.first_seen), last_seen = GREATEST(c.last_seen, a.last_seen)
   FROM (SELECT client_ip_id, count(*) AS n, min(creation_time) AS first_seen, max(creation_time) AS last_seen
         FROM new_record WHERE client_ip_id IS NOT NULL GROUP BY client_ip_id) a
   WHERE c.id = a.client_ip_id`,
  ...(
    [
      ['session_client_ip', 'session_id', 'client_ip_id'],
      ['session_mailbox', 'session_id', 'mailbox_id'],
      ['client_ip_mailbox', 'client_ip_id', 'mailbox_id'],
    ] as const
  ).map(
    ([table, a, b]) => `INSERT INTO ${table} (${a}, ${b}, org_id, first_seen, last_seen, record_count)
   SELECT ${a}, ${b}, $1::int, min(creation_time), max(creation_time), count(*)
   FROM new_record WHERE ${a} IS NOT NULL AND ${b} IS NOT NULL GROUP BY ${a}, ${b}
   ON CONFLICT (${a}, ${b}) DO UPDATE SET
     first_seen = LEAST(${table}.first_seen, EXCLUDED.first_seen),
     last_seen = GREATEST(${table}.last_seen, EXCLUDED.last_seen),
     record_count = ${table}.record_count + EXCLUDED.record_count`,
  ),
];

export interface MergeResult {
  inserted: number;
}

/** Merges what stageChunk() put in the staging tables. Call inside the chunk's transaction. */
export async function mergeChunk(client: PoolClient, orgId: number, batchId: string): Promise<MergeResult> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [MERGE_LOCK_CLASS, orgId]);
  for (const sql of UPSERT_DIMENSIONS) await client.query(sql, [orgId]);
  const inserted = await client.query(INSERT_RECORDS, [orgId, batchId]);
  if (inserted.rowCount) {
    for (const sql of DERIVED_ROWS) await client.query(sql, [orgId]);
    for (const sql of ROLLUPS) await client.query(sql, sql.includes('$1') ? [orgId] : []);
  }
  return { inserted: inserted.rowCount ?? 0 };
}
