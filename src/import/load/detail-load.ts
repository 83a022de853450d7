/**
 * Loads one chunk of message details (message trace, eDiscovery item reports) inside the caller's transaction:
 * message_detail rows by COPY, their original rows in evidence blocks, and for items placed in a mailbox folder the
 * folder_inventory rows. Rows whose row_key is stored already are skipped, so re-importing adds nothing; loads of
 * one organisation are serialised by the same advisory lock as audit records.
 */
import type { PoolClient } from 'pg';
import { sql, type Sql } from '../../db/sql';
import { packEvidence, RECORDS_PER_BLOCK } from '../../evidence/blocks';
import type { NormalizedDetail } from '../normalize';
import { copyEvidenceBlocks } from './copy-evidence';
import { copyRows, LOAD_LOCK_CLASS, messageIdsByKey, nextIds } from './chunk-load';

export interface StagedDetail {
  detail: NormalizedDetail;
  line: number;
  /** The row as read: kept verbatim. */
  rawText: string;
}

export interface DetailLoadResult {
  inserted: number;
  /** folder_inventory rows added (an item already inventoried in that folder adds none). */
  inventoried: number;
}

const execute = (client: PoolClient, statement: Sql) => client.query(statement.text, statement.values);

/** Typed columns cannot hold NUL; the evidence keeps the original text. */
const storable = (text: string | null) => (text !== null && text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text);

/** A text[] literal for COPY: every element quoted, `"` and `\` escaped (copyValue then escapes for COPY). */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${storable(v)!.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Mailbox ids by lower-cased address; a mailbox seen only in an inventory is created without activity. */
async function resolveMailboxes(client: PoolClient, orgId: number, upns: string[]): Promise<Map<string, string>> {
  if (upns.length === 0) return new Map();
  const { rows } = await execute(
    client,
    sql`WITH wanted AS (SELECT DISTINCT u AS upn FROM unnest(${upns}::text[]) AS u),
     added AS (
       INSERT INTO mailbox (org_id, user_principal_name) SELECT ${orgId}::int, upn FROM wanted
       ON CONFLICT ON CONSTRAINT uq_mailbox_org_upn DO NOTHING RETURNING id, user_principal_name)
     SELECT id::text, user_principal_name AS upn FROM added
     UNION ALL
     SELECT m.id::text, m.user_principal_name FROM mailbox m JOIN wanted w ON m.org_id = ${orgId} AND m.user_principal_name = w.upn`,
  );
  return new Map(rows.map((r: { id: string; upn: string }) => [r.upn, r.id]));
}

/**
 * Folder ids by `mailboxId|path`. An inventory names folders by path only, while audit records mostly key them by
 * store Id: a folder of the mailbox with the same path (case and leading `\` aside) is used when there is one, an
 * Id-keyed one first; otherwise the folder is created keyed `path:<path>`, as the audit importer keys folders
 * without an Id.
 */
async function resolveFolders(client: PoolClient, orgId: number, wanted: { mailboxId: string; path: string }[]): Promise<Map<string, string>> {
  if (wanted.length === 0) return new Map();
  const { rows } = await execute(
    client,
    sql`WITH wanted AS (SELECT DISTINCT * FROM unnest(${wanted.map((w) => w.mailboxId)}::bigint[], ${wanted.map((w) => w.path)}::text[]) AS u(mailbox_id, path)),
     found AS (
       SELECT DISTINCT ON (w.mailbox_id, w.path) w.mailbox_id, w.path, f.id FROM wanted w
       JOIN folder f ON f.org_id = ${orgId} AND f.mailbox_id = w.mailbox_id AND lower(ltrim(f.path, ${'\\'})) = lower(ltrim(w.path, ${'\\'}))
       ORDER BY w.mailbox_id, w.path, f.folder_key LIKE 'path:%', f.id),
     added AS (
       INSERT INTO folder (org_id, mailbox_id, folder_key, path)
       SELECT ${orgId}::int, w.mailbox_id, 'path:' || w.path, w.path FROM wanted w
       WHERE NOT EXISTS (SELECT 1 FROM found x WHERE x.mailbox_id = w.mailbox_id AND x.path = w.path)
       ON CONFLICT ON CONSTRAINT uq_folder_mailbox_key DO NOTHING
       RETURNING id, mailbox_id, path)
     SELECT id::text, mailbox_id::text, path FROM found
     UNION ALL
     SELECT id::text, mailbox_id::text, path FROM added`,
  );
  return new Map(rows.map((r: { id: string; mailbox_id: string; path: string }) => [`${r.mailbox_id}|${r.path}`, r.id]));
}

export async function loadDetailChunk(client: PoolClient, orgId: number, batchId: string, staged: StagedDetail[]): Promise<DetailLoadResult> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOAD_LOCK_CLASS, orgId]);
  const keys = [...new Set(staged.map((s) => s.detail.rowKey))];
  const { rows: existing } = await execute(
    client,
    sql`SELECT encode(row_key, 'hex') AS key FROM message_detail
     WHERE org_id = ${orgId} AND row_key IN (SELECT decode(k, 'hex') FROM unnest(${keys}::text[]) AS k)`,
  );
  const seen = new Set(existing.map((r: { key: string }) => r.key));
  const fresh = staged.filter((s) => !seen.has(s.detail.rowKey) && (seen.add(s.detail.rowKey), true));
  if (fresh.length === 0) return { inserted: 0, inventoried: 0 };

  const spellings = new Map<string, string>();
  for (const { detail } of fresh) {
    if (!spellings.has(detail.messageKeyHash)) spellings.set(detail.messageKeyHash, detail.internetMessageId);
  }
  const messageIds = await messageIdsByKey(client, orgId, spellings);
  const placed = fresh.filter((s) => s.detail.mailboxUpn && s.detail.folderPath);
  const mailboxIds = await resolveMailboxes(client, orgId, placed.map((s) => s.detail.mailboxUpn!));
  const folderIds = await resolveFolders(
    client,
    orgId,
    placed.map((s) => ({ mailboxId: mailboxIds.get(s.detail.mailboxUpn!)!, path: s.detail.folderPath! })),
  );

  const ids = await nextIds(client, 'message_detail', fresh.length);
  // Evidence block ids come from the audit record sequence, so they never collide with the blocks of records.
  const blockIds = await nextIds(client, 'audit_record', Math.ceil(fresh.length / RECORDS_PER_BLOCK));
  const evidence = packEvidence(
    fresh.map((s) => s.rawText),
    fresh.map((_, i) => blockIds[Math.floor(i / RECORDS_PER_BLOCK)]!),
  );
  await copyEvidenceBlocks(client, orgId, evidence.blocks);
  await copyRows(
    client,
    `COPY message_detail (org_id, id, message_id, source, batch_id, source_line, row_key, subject, sender, recipients, received_at,
       size_in_bytes, folder_path, raw_block_id, raw_offset, raw_length, raw_sha256) FROM STDIN`,
    fresh.map(({ detail: d, line }, i) => {
      const e = evidence.refs[i]!;
      return [
        orgId, ids[i], messageIds.get(d.messageKeyHash), d.source, batchId, line, '\\x' + d.rowKey, storable(d.subject),
        storable(d.sender), textArrayLiteral(d.recipients), d.receivedAt?.toISOString() ?? null, d.sizeInBytes, storable(d.folderPath),
        e.blockId, e.offset, e.length, '\\x' + e.sha256.toString('hex'),
      ];
    }),
  );

  let inventoried = 0;
  if (placed.length > 0) {
    const detailIdOf = new Map(fresh.map((s, i) => [s, ids[i]!]));
    const rows = placed.map((s) => {
      const mailboxId = mailboxIds.get(s.detail.mailboxUpn!)!;
      return {
        mailboxId,
        folderId: folderIds.get(`${mailboxId}|${s.detail.folderPath}`)!,
        messageId: messageIds.get(s.detail.messageKeyHash)!,
        detailId: detailIdOf.get(s)!,
        observedAt: s.detail.receivedAt?.toISOString() ?? null,
      };
    });
    const result = await execute(
      client,
      sql`INSERT INTO folder_inventory (org_id, mailbox_id, folder_id, message_id, source, batch_id, detail_id, observed_at)
       SELECT ${orgId}::int, u.mailbox_id, u.folder_id, u.message_id, 'EDISCOVERY', ${batchId}::bigint, u.detail_id, u.observed_at
       FROM unnest(${rows.map((r) => r.mailboxId)}::bigint[], ${rows.map((r) => r.folderId)}::bigint[], ${rows.map((r) => r.messageId)}::bigint[],
                   ${rows.map((r) => r.detailId)}::bigint[], ${rows.map((r) => r.observedAt)}::timestamptz[])
            AS u(mailbox_id, folder_id, message_id, detail_id, observed_at)
       ON CONFLICT ON CONSTRAINT uq_folder_inventory_org_folder_message DO NOTHING`,
    );
    inventoried = result.rowCount ?? 0;
  }
  return { inserted: fresh.length, inventoried };
}
