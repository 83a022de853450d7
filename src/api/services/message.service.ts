/**
 * Messages and the rows derived from MailItemsAccessed records: MessageAccess (one per bound FolderItem, confirmed)
 * and FolderSync (one per synced folder, presumed).
 */
import type { DataSource } from 'typeorm';
import type { PagedChildSpec } from '../loaders/paged';
import type { FolderSyncType, MessageAccessType } from '../types/entities.type';
import type { MessageType } from '../types/views.type';
import { timeKey } from './keyset';
import { folderSyncFromRow, groupedInKeyOrder, messageAccessFromRow, noteRelated, WITH_FOLDER, type RelatedRows } from './rows';
import { withinSql, type TimeRange } from './time-range';

export type AccessParent = 'session' | 'mailbox' | 'folder' | 'record';

export class MessageService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** `internetMessageId` must be canonical (with brackets). null when it was never bound. */
  async findMessage(internetMessageId: string): Promise<MessageType | null> {
    const [row] = await this.db.query(
      `SELECT min(accessed_at) AS first, max(accessed_at) AS last FROM message_access WHERE org_id = $1 AND internet_message_id = $2`,
      [this.orgId, internetMessageId],
    );
    if (!row?.first) return null;
    return { internetMessageId, firstAccessedAt: row.first, lastAccessedAt: row.last };
  }

  /** Accesses under a parent (session, mailbox, folder, or an InternetMessageId across mailboxes), oldest first. */
  accessesSpec(parent: AccessParent | 'message', range: TimeRange, related: RelatedRows): PagedChildSpec<MessageAccessType> {
    return {
      from: WITH_FOLDER('message_access'),
      parentColumn: parent === 'message' ? 'internet_message_id' : `${parent}_id`,
      parentType: parent === 'message' ? 'text' : 'bigint',
      sortColumn: 'accessed_at',
      sortType: 'timestamptz',
      select: 't.*',
      where: `t.org_id = $4 AND ${withinSql('t.accessed_at', 5, 6)}`,
      params: [this.orgId, range.from, range.to],
      toNode: (row) => {
        noteRelated(row, related);
        return messageAccessFromRow(row);
      },
      keyOf: (a) => [timeKey(a.accessedAt), a.id],
    };
  }

  /** Plain lists of a record's accesses (a Bind record lists a handful of items). */
  async accessesByRecordIds(recordIds: readonly string[], related: RelatedRows): Promise<MessageAccessType[][]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT t.* FROM ${WITH_FOLDER('message_access')} t WHERE t.org_id = $1 AND t.record_id = ANY($2::bigint[]) ORDER BY t.record_id, t.id`,
      [this.orgId, recordIds],
    );
    return groupedInKeyOrder(
      recordIds,
      rows.map((r) => {
        noteRelated(r, related);
        return { key: String(r.record_id), value: messageAccessFromRow(r) };
      }),
    );
  }

  /** Folder syncs under a parent, oldest first; a mailbox's may be limited to a window. */
  async syncsBy(parent: AccessParent, ids: readonly string[], range: TimeRange, related: RelatedRows): Promise<FolderSyncType[][]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT t.* FROM ${WITH_FOLDER('folder_sync')} t
       WHERE t.org_id = $1 AND t.${parent}_id = ANY($2::bigint[]) AND ${withinSql('t.synced_at', 3, 4)}
       ORDER BY t.synced_at, t.id`,
      [this.orgId, ids, range.from, range.to],
    );
    return groupedInKeyOrder(
      ids,
      rows.map((r) => {
        noteRelated(r, related);
        return { key: String(r[`${parent}_id`]), value: folderSyncFromRow(r) };
      }),
    );
  }
}
