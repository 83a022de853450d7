/**
 * What a mailbox exposed: confirmed (messages bound), presumed (folders synced) and unknown (unaudited windows,
 * computed by MailboxService). The actor filters are ANDed: a row counts when it matches every kind given
 * (sessionIds AND clientIps AND clientAppIds); within one kind any value matches. Time bounds are inclusive and
 * apply to the record's CreationTime.
 */
import type { DataSource } from 'typeorm';
import type { ConnectionResult } from '../pagination';
import { toConnection } from '../pagination';
import type { FolderSyncType } from '../types/entities.type';
import type { ExposedMessageType, ExposureQuery } from '../types/views.type';
import { decodeKeyset } from './keyset';
import { folderSyncFromRow, noteRelated, WITH_FOLDER, type RelatedRows } from './rows';

export interface ExposureTotals {
  boundMessageCount: number;
  bindOperationCount: number;
}

/** Conditions on a row alias (message_access, folder_sync or audit_record) for the query; params $1..$7. */
function exposureWhere(alias: string, timeColumn: string): string {
  return `${alias}.org_id = $1 AND ${alias}.mailbox_id = $2::bigint
    AND ($3::timestamptz IS NULL OR ${alias}.${timeColumn} >= $3) AND ($4::timestamptz IS NULL OR ${alias}.${timeColumn} <= $4)
    AND ($5::text[] IS NULL OR ${alias}.session_id IN (SELECT id FROM session WHERE org_id = $1 AND session_id = ANY($5::text[])))
    AND ($6::inet[] IS NULL OR ${alias}.client_ip_id IN (SELECT id FROM client_ip WHERE org_id = $1 AND address = ANY($6::inet[])))
    AND ($7::text[] IS NULL OR ${alias}.client_app_id = ANY($7::text[]))`;
}

export class ExposureService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  private params(q: ExposureQuery): unknown[] {
    return [this.orgId, q.mailboxId, q.from, q.to, q.sessionIds, q.clientIps, q.clientAppIds];
  }

  /** boundMessageCount (distinct messages) and bindOperationCount (Σ OperationCount of the matching Bind records). */
  async totals(q: ExposureQuery): Promise<ExposureTotals> {
    const [row] = await this.db.query(
      `SELECT (SELECT count(DISTINCT a.internet_message_id) FROM message_access a WHERE ${exposureWhere('a', 'accessed_at')}) AS bound,
              (SELECT coalesce(sum(r.operation_count), 0) FROM audit_record r
                WHERE ${exposureWhere('r', 'creation_time')} AND r.mail_access_type = 'BIND') AS ops`,
      this.params(q),
    );
    return { boundMessageCount: Number(row.bound), bindOperationCount: Number(row.ops) };
  }

  /** Distinct bound messages, ordered by InternetMessageId, with first/last access, folders and sessions. */
  async boundMessages(q: ExposureQuery, limit: number, after: string | null, total: () => Promise<number>): Promise<ConnectionResult<ExposedMessageType>> {
    const cursor = decodeKeyset(after, ['text']);
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT a.internet_message_id, min(a.accessed_at) AS first, max(a.accessed_at) AS last, count(*) AS n,
         array_agg(DISTINCT a.folder_id::text) AS folder_ids,
         coalesce(array_agg(DISTINCT a.session_id::text) FILTER (WHERE a.session_id IS NOT NULL), '{}') AS session_ids
       FROM message_access a WHERE ${exposureWhere('a', 'accessed_at')} AND ($8::text IS NULL OR a.internet_message_id > $8::text)
       GROUP BY a.internet_message_id ORDER BY a.internet_message_id LIMIT ${limit + 1}`,
      [...this.params(q), cursor ? cursor[0] : null],
    );
    const nodes = rows.map(
      (r): ExposedMessageType => ({
        mailboxId: q.mailboxId,
        internetMessageId: String(r.internet_message_id),
        firstAccessedAt: r.first as Date,
        lastAccessedAt: r.last as Date,
        accessCount: Number(r.n),
        folderIds: r.folder_ids as string[],
        sessionIds: r.session_ids as string[],
      }),
    );
    return toConnection(nodes, limit, (m) => [m.internetMessageId], total);
  }

  /** Presumed exposure: folders synced in the window by the matching actors, oldest first. */
  async syncedFolders(q: ExposureQuery, related: RelatedRows): Promise<FolderSyncType[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT s.* FROM ${WITH_FOLDER('folder_sync')} s WHERE ${exposureWhere('s', 'synced_at')} ORDER BY s.synced_at, s.id`,
      this.params(q),
    );
    return rows.map((r) => {
      noteRelated(r, related);
      return folderSyncFromRow(r);
    });
  }
}
