/**
 * Messages and the rows derived from MailItemsAccessed records: MessageAccess (one per bound FolderItem, confirmed)
 * and FolderSync (one per synced folder, presumed).
 */
import type { DataSource } from 'typeorm';
import { run, sql } from '../../db/sql';
import type { FolderSyncType, MessageAccessType } from '../graphql/types/entities.type';
import type { MessageType } from '../graphql/types/views.type';
import type { ChildPageQuery } from '../../db/pages';
import { messageKeyHash } from '../../import/normalize';
import { timeKey } from './keyset';
import { COUNTED_ACCESSES, folderSyncFromRow, groupedInKeyOrder, messageAccessFromRow, noteRelated, WITH_FOLDER, type RelatedRows } from './rows';
import { withinSql, type TimeRange } from './time-range';

export type AccessParent = 'session' | 'mailbox' | 'folder' | 'record';

export class MessageService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /**
   * `internetMessageId` must be canonical (with brackets); any case of its domain finds the message, shown as first
   * spelt. null when it was never bound.
   */
  async findMessage(internetMessageId: string): Promise<MessageType | null> {
    const [row] = await run<{ id: string; shown: string; first: Date | null; last: Date }>(
      this.db,
      sql`SELECT m.id::text, m.internet_message_id AS shown, min(coalesce(a.item_time, r.creation_time)) AS first,
         max(coalesce(a.item_time, r.creation_time)) AS last
       FROM message m JOIN message_access a ON a.message_id = m.id AND a.org_id = m.org_id JOIN audit_record r ON r.id = a.record_id AND r.org_id = a.org_id
       WHERE m.org_id = ${this.orgId} AND m.key_hash = decode(${messageKeyHash(internetMessageId)}, 'hex') GROUP BY m.id, m.org_id`,
    );
    if (!row?.first) return null;
    return { messageId: row.id, internetMessageId: row.shown, firstAccessedAt: row.first, lastAccessedAt: row.last };
  }

  /** Accesses under a parent (session, mailbox, folder, or a message across mailboxes), oldest first. */
  accessesOf(parent: AccessParent | 'message', range: TimeRange, related: RelatedRows): ChildPageQuery<MessageAccessType> {
    return {
      from: WITH_FOLDER('message_access'),
      countFrom: COUNTED_ACCESSES('message_access'),
      parent: { column: `${parent}_id`, type: 'bigint' },
      sort: { column: 'accessed_at', type: 'timestamptz' },
      select: sql`t.*`,
      where: sql`t.org_id = ${this.orgId} AND ${withinSql(sql`t.accessed_at`, range)}`,
      toNode: (row) => {
        noteRelated(row, related);
        return messageAccessFromRow(row);
      },
      keyOf: (a) => [timeKey(a.accessedAt), a.id],
    };
  }

  /** Plain lists of a record's accesses (a Bind record lists a handful of items). */
  async accessesByRecordIds(recordIds: readonly string[], related: RelatedRows): Promise<MessageAccessType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT t.* FROM ${WITH_FOLDER('message_access')} t WHERE t.org_id = ${this.orgId} AND t.record_id = ANY(${recordIds}::bigint[]) ORDER BY t.record_id, t.id`,
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
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT t.* FROM ${WITH_FOLDER('folder_sync')} t
       WHERE t.org_id = ${this.orgId} AND ${sql.ident('t', `${parent}_id`)} = ANY(${ids}::bigint[]) AND ${withinSql(sql`t.synced_at`, range)}
       ORDER BY t.synced_at, t.id`,
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
