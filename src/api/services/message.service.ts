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
import { ACCESS_PAGE_ROWS, ACCESS_PAGE_SELECT, folderSyncFromRow, groupedInKeyOrder, messageAccessFromRow, noteRelated, WITH_FOLDER, type RelatedRows } from './rows';
import { hasBound, withinSql, type TimeRange } from './time-range';

export type AccessParent = 'session' | 'mailbox' | 'folder' | 'record';

export class MessageService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /**
   * `internetMessageId` must be canonical (with brackets); any case of its domain finds the message, shown as first
   * spelt. null when it was never bound (the contract's Message has non-null access times).
   * One statement; the subject the Bind records listed comes with it (Message.subject's last resort).
   */
  async findMessage(internetMessageId: string): Promise<MessageType | null> {
    const [row] = await run<{ id: string; shown: string; first: Date | null; last: Date | null; bind_subject: string | null }>(
      this.db,
      sql`SELECT m.id::text, m.internet_message_id AS shown, min(coalesce(a.item_time, r.creation_time)) AS first,
         max(coalesce(a.item_time, r.creation_time)) AS last,
         (array_agg(a.subject ORDER BY coalesce(a.item_time, r.creation_time), a.id) FILTER (WHERE a.subject ~ '[^[:space:]]'))[1] AS bind_subject
       FROM message m LEFT JOIN message_access a ON a.message_id = m.id AND a.org_id = m.org_id LEFT JOIN audit_record r ON r.id = a.record_id AND r.org_id = a.org_id
       WHERE m.org_id = ${this.orgId} AND m.key_hash = decode(${messageKeyHash(internetMessageId)}, 'hex') GROUP BY m.id, m.org_id`,
    );
    // The contract's Message is a bound message (its access times are non-null): one never bound is not a Message.
    // Its details and presumed exposure show in notificationList and Exposure.presumedMessages.
    if (!row?.first || !row.last) return null;
    return { messageId: row.id, internetMessageId: row.shown, firstAccessedAt: row.first, lastAccessedAt: row.last, bindSubject: row.bind_subject };
  }

  /** Accesses under a parent (session, mailbox, folder, or a message across mailboxes), oldest first. */
  accessesOf(parent: AccessParent | 'message', range: TimeRange, related: RelatedRows): ChildPageQuery<MessageAccessType> {
    return {
      from: WITH_FOLDER('message_access'),
      // Sorted and limited over the narrow rows; message and folder joined to the page's rows only.
      countFrom: ACCESS_PAGE_ROWS,
      widen: ACCESS_PAGE_SELECT,
      // A session's accesses come in record order, not in accessedAt order (an item's own time may differ): its
      // page reads them all anyway, so their count comes with it.
      countWithPage: parent === 'session',
      parent: { column: `${parent}_id`, type: 'bigint' },
      sort: { column: 'accessed_at', type: 'timestamptz' },
      select: sql`t.*`,
      where: sql`t.org_id = ${this.orgId} AND ${withinSql(sql`t.accessed_at`, range)}`,
      plan: hasBound(range) ? 'custom' : 'generic',
      toNode: (row) => messageAccessFromRow(row, noteRelated(row, related)),
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
        return { key: String(r.record_id), value: messageAccessFromRow(r, noteRelated(r, related)) };
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
      hasBound(range) ? 'custom' : 'generic',
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
