/**
 * Presumed exposure as messages: for each Sync of a folder, the messages known to be in that folder
 * (folder-content.ts says how), one row per (Sync, message) with the strongest evidence; and, for a message, every
 * way it was exposed (bound, or in a synced folder).
 */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import { decodeKeyset, toConnection, type ConnectionResult } from '../../db/pages';
import { TierEnum } from '../graphql/types/enums';
import type { MessageExposureType, PresumedMessageType } from '../graphql/types/presumed.type';
import type { ExposureQuery } from '../graphql/types/views.type';
import { exposureWhere } from './exposure.service';
import { contentOfFolders, contentOfMessages, evidenceOfRank, evidenceRankSql } from './folder-content';
import { groupedInKeyOrder } from './rows';

export interface PresumedCounts {
  /** (Sync, message) pairs: the rows of presumedMessages. */
  rows: number;
  /** Distinct messages among them. */
  messages: number;
}

export class PresumedService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /**
   * The Syncs the query matches, found from the mailbox's Sync records (ix_audit_record_mailbox_time), then their
   * folder_sync rows by record: never a scan of every folder_sync of the organisation.
   */
  private syncsOf(q: ExposureQuery): Sql {
    return sql`SELECT s.id AS sync_id, s.record_id AS sync_record_id, s.folder_id, r.mailbox_id, r.session_id, r.creation_time AS synced_at
      FROM audit_record r JOIN folder_sync s ON s.record_id = r.id
      WHERE s.org_id = ${this.orgId} AND ${exposureWhere(this.orgId, q, 'r', 'creation_time')} AND r.mail_access_type = 'SYNC'`;
  }

  /**
   * The rows of presumedMessages, (matching Sync, message known in its folder) pairs whose evidence rank is not null,
   * and their distinct messages, counted without forming the pairs (they grow with syncs × messages). A pair's rank
   * is not null when its message was bound in the folder, or is in an undated inventory of it (then every Sync of the
   * folder pairs with it), or in an inventory dated at or before the Sync (then the Syncs from that date on). Every
   * folder of `content` has a Sync: the content is that of the synced folders.
   */
  async counts(q: ExposureQuery): Promise<PresumedCounts> {
    const [row] = await run(
      this.db,
      sql`WITH syncs AS MATERIALIZED (${this.syncsOf(q)}),
        ${contentOfFolders(this.orgId, sql`SELECT folder_id FROM syncs`)},
        per_folder AS (SELECT folder_id, count(*) AS syncs, max(synced_at) AS last FROM syncs GROUP BY 1),
        qualified AS (
          SELECT c.message_id,
            CASE WHEN c.bound_at IS NOT NULL OR (c.in_inventory AND c.inventory_undated) THEN f.syncs
                 WHEN c.in_inventory AND c.observed_at <= f.last
                   THEN (SELECT count(*) FROM syncs y WHERE y.folder_id = c.folder_id AND y.synced_at >= c.observed_at)
                 ELSE 0 END AS pairs
          FROM content c JOIN per_folder f ON f.folder_id = c.folder_id)
        SELECT coalesce(sum(pairs), 0) AS n, count(DISTINCT message_id) FILTER (WHERE pairs > 0) AS m FROM qualified`,
    );
    return { rows: Number(row.n), messages: Number(row.m) };
  }

  /**
   * Oldest Sync first, its messages by InternetMessageId. A page is made Sync by Sync, in order, until it is full:
   * pairing every Sync with every message of its folder before sorting grew with syncs × messages (90,699 pairs and
   * their dictionary lookups for one page at 1M records, 3.75 s at 10M; docs/PERFORMANCE.md). The folder content is
   * kept as one row of arrays per folder, so a Sync finds its folder's messages without reading every folder's
   * (Outlook also syncs folders with no known messages: Calendar, Contacts).
   */
  async page(q: ExposureQuery, limit: number, after: string | null, total: () => Promise<number>): Promise<ConnectionResult<PresumedMessageType>> {
    const cursor = decodeKeyset(after, ['timestamptz', 'bigint', 'text']);
    const syncsFrom = cursor ? sql`WHERE (y.synced_at, y.sync_id) >= (${cursor[0]}::timestamptz, ${cursor[1]}::bigint)` : sql.empty;
    const afterCursor = cursor
      ? sql`AND (y.synced_at, y.sync_id, m.internet_message_id COLLATE "C") > (${cursor[0]}::timestamptz, ${cursor[1]}::bigint, ${cursor[2]}::text COLLATE "C")`
      : sql.empty;
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`WITH syncs AS MATERIALIZED (${this.syncsOf(q)}),
        ${contentOfFolders(this.orgId, sql`SELECT folder_id FROM syncs`)},
        held AS MATERIALIZED (
          SELECT folder_id, array_agg(message_id ORDER BY message_id) AS message_id,
            array_agg(in_inventory ORDER BY message_id) AS in_inventory, array_agg(inventory_undated ORDER BY message_id) AS inventory_undated,
            array_agg(observed_at ORDER BY message_id) AS observed_at, array_agg(bound_at ORDER BY message_id) AS bound_at,
            array_agg(bound_record_id ORDER BY message_id) AS bound_record_id
          FROM content GROUP BY folder_id)
        SELECT y.*, p.message_id, p.observed_at, p.bound_at, p.bound_record_id, p.rank, p.internet_message_id
        FROM (SELECT * FROM syncs y ${syncsFrom} ORDER BY y.synced_at, y.sync_id) y
        CROSS JOIN LATERAL (
          SELECT c.message_id, c.observed_at, c.bound_at, c.bound_record_id, c.rank, m.internet_message_id
          FROM (SELECT u.*, ${evidenceRankSql('u', sql`y.synced_at`)} AS rank
            FROM held h CROSS JOIN LATERAL unnest(h.message_id, h.in_inventory, h.inventory_undated, h.observed_at, h.bound_at, h.bound_record_id)
              AS u(message_id, in_inventory, inventory_undated, observed_at, bound_at, bound_record_id)
            WHERE h.folder_id = y.folder_id) c
          JOIN message m ON m.id = c.message_id AND m.org_id = ${this.orgId}
          WHERE c.rank IS NOT NULL ${afterCursor}
          ORDER BY m.internet_message_id COLLATE "C") p
        ORDER BY y.synced_at, y.sync_id, p.internet_message_id COLLATE "C" LIMIT ${limit + 1}`,
    );
    const nodes = rows.map(
      (r): PresumedMessageType => ({
        syncId: String(r.sync_id),
        syncRecordId: String(r.sync_record_id),
        folderId: String(r.folder_id),
        mailboxId: String(r.mailbox_id),
        sessionId: r.session_id === null ? null : String(r.session_id),
        messageId: String(r.message_id),
        boundRecordId: r.bound_record_id === null ? null : String(r.bound_record_id),
        internetMessageId: String(r.internet_message_id),
        syncedAt: r.synced_at as Date,
        evidence: evidenceOfRank(r.rank),
        inventoryObservedAt: Number(r.rank) === 0 ? ((r.observed_at as Date | null) ?? null) : null,
        firstBoundAt: (r.bound_at as Date | null) ?? null,
      }),
    );
    return toConnection(nodes, limit, (n) => [n.syncedAt.toISOString(), n.syncId, n.internetMessageId], total);
  }

  /**
   * Every exposure of each message, in every mailbox: CONFIRMED per (mailbox, folder) it was bound in; PRESUMED per
   * (mailbox, synced folder, evidence) over the Syncs of a folder known to hold it. Oldest first.
   */
  async exposuresOfMessages(messageIds: readonly string[]): Promise<MessageExposureType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`WITH ${contentOfMessages(this.orgId, messageIds)},
        confirmed AS (
          SELECT a.message_id, r.mailbox_id, a.folder_id, NULL::int AS rank, min(r.creation_time) AS first_at, max(r.creation_time) AS last_at, count(*) AS n,
                 coalesce(array_agg(DISTINCT r.session_id) FILTER (WHERE r.session_id IS NOT NULL), '{}') AS session_ids,
                 (array_agg(a.record_id ORDER BY r.creation_time, a.record_id))[1] AS first_record_id
          FROM message_access a JOIN audit_record r ON r.id = a.record_id
          WHERE a.org_id = ${this.orgId} AND a.message_id = ANY(${messageIds}::bigint[]) AND r.mailbox_id IS NOT NULL
          GROUP BY a.message_id, r.mailbox_id, a.folder_id),
        synced AS (
          SELECT c.message_id, r.mailbox_id, s.folder_id, ${evidenceRankSql('c', sql`r.creation_time`)} AS rank, r.creation_time, r.session_id, s.record_id
          FROM content c JOIN folder_sync s ON s.folder_id = c.folder_id JOIN audit_record r ON r.id = s.record_id
          WHERE s.org_id = ${this.orgId} AND r.mailbox_id IS NOT NULL),
        presumed AS (
          SELECT message_id, mailbox_id, folder_id, rank, min(creation_time) AS first_at, max(creation_time) AS last_at, count(*) AS n,
                 coalesce(array_agg(DISTINCT session_id) FILTER (WHERE session_id IS NOT NULL), '{}') AS session_ids,
                 (array_agg(record_id ORDER BY creation_time, record_id))[1] AS first_record_id
          FROM synced WHERE rank IS NOT NULL GROUP BY message_id, mailbox_id, folder_id, rank)
      SELECT x.message_id::text AS message_id, x.mailbox_id::text AS mailbox_id, x.folder_id::text AS folder_id, x.rank, x.first_at, x.last_at, x.n,
             x.session_ids::text[] AS session_ids, x.first_record_id::text AS first_record_id
      FROM (SELECT * FROM confirmed UNION ALL SELECT * FROM presumed) x
      ORDER BY x.message_id, x.first_at, x.rank NULLS FIRST, x.folder_id`,
    );
    return groupedInKeyOrder(
      messageIds,
      rows.map((r) => ({
        key: String(r.message_id),
        value: {
          messageId: String(r.message_id),
          mailboxId: String(r.mailbox_id),
          folderId: String(r.folder_id),
          sessionIds: r.session_ids as string[],
          firstRecordId: String(r.first_record_id),
          tier: r.rank === null ? TierEnum.CONFIRMED : TierEnum.PRESUMED,
          evidence: r.rank === null ? null : evidenceOfRank(r.rank),
          firstAt: r.first_at as Date,
          lastAt: r.last_at as Date,
          eventCount: Number(r.n),
        },
      })),
    );
  }
}
