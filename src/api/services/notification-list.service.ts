/**
 * The notification list: one row per (mailbox, message) with its tier, for the people who must be told what was
 * read. CONFIRMED: bound in the window by the actors asked for. PRESUMED: in a folder those actors synced in the
 * window (folder-content.ts), and not confirmed. UNKNOWN: one row per unaudited window of the mailbox overlapping the
 * window (internetMessageId "*"), whoever the actors: throttling hides everyone's binds.
 *
 * Rows are ordered by mailbox (database id), tier, InternetMessageId. Confirmed and presumed rows come from one
 * statement; unaudited windows are computed apart (MailboxService) and merged in, so a page or a download is the
 * same set-based work whatever its size.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import { decodeKeyset, toConnection, type ConnectionResult, type CursorKey } from '../../db/pages';
import { TierEnum } from '../graphql/types/enums';
import type { NotificationEntryType } from '../graphql/types/presumed.type';
import type { MailboxType } from '../graphql/types/entities.type';
import type { TimeWindow } from '../graphql/types/common.type';
import { actorWhere } from './exposure.service';
import { evidenceOfRank, evidenceRankSql, firstBindRecordSql, heldInFolders } from './folder-content';
import { windowsOverlapping } from './mailbox.service';
import type { TimeRange } from './time-range';
import { DETAIL_SOURCE_ORDER } from './message-detail.service';

export interface NotificationQuery extends TimeRange {
  mailboxes: MailboxType[];
  sessionIds: string[] | null;
  clientIps: string[] | null;
  clientAppIds: string[] | null;
  /** Not offered on the notification list yet: it would leave rows out without a count beside them. */
  excludeTagged: null;
}

/** Tier order within a mailbox. */
const TIER_RANK = { [TierEnum.CONFIRMED]: 0, [TierEnum.PRESUMED]: 1, [TierEnum.UNKNOWN]: 2 } as const;
const TIERS = [TierEnum.CONFIRMED, TierEnum.PRESUMED, TierEnum.UNKNOWN];

/** Cursor: mailbox id, tier rank, InternetMessageId, tiebreak (message id, or an unknown window's start in ms). */
const KEY_TYPES = ['bigint', 'bigint', 'text', 'bigint'] as const;
const keyOf = (e: NotificationEntryType): CursorKey => [e.mailboxId, e.tierRank, e.internetMessageId, e.tiebreak];

/** Rows fetched per round trip when streaming a download. */
const FETCH_ROWS = 2000;

export class NotificationListService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /**
   * `WITH ... keys AS (...)`: (mailbox_id, message_id, tier_rank) of every confirmed and presumed row, with what a
   * presumed row's details need (rank, folders, groups, folders with a Bind), and the CTEs those details read.
   *
   * Presumed exposure is aggregated per synced folder before it meets the folder's content, so the work is folders x
   * messages, never Syncs x messages (a dense mailbox syncs each folder thousands of times). For a message known in
   * folder F, the Syncs of F that count (those the per-Sync rank of evidenceRankSql would not leave NULL) are every
   * Sync of F, except for a message known only from a dated inventory: then the Syncs at or after its observed time
   * (`since`). So its strongest evidence is evidenceRankSql at F's last Sync, and its first/last Sync, actors and
   * Sync records are those of the group (F, since). A row's groups (usually one) form its signature; details are
   * computed once per distinct signature of the rows asked for.
   */
  private keysOf(q: NotificationQuery): Sql {
    const orgId = this.orgId;
    const mailboxIds = q.mailboxes.map((m) => m.id);
    const actors = actorWhere(orgId, q, 'r', 'creation_time');
    const app = sql`lower(coalesce(r.client_app_id, r.app_id))`;
    return sql`WITH confirmed AS MATERIALIZED (
        SELECT r.mailbox_id, a.message_id
        FROM message_access a JOIN audit_record r ON r.id = a.record_id
        WHERE a.org_id = ${orgId} AND r.mailbox_id = ANY(${mailboxIds}::bigint[]) AND ${actors}
        GROUP BY r.mailbox_id, a.message_id),
      syncs AS MATERIALIZED (
        SELECT s.record_id AS sync_record_id, s.folder_id, r.mailbox_id, r.session_id, r.client_ip_id, ${app} AS app_id, r.creation_time AS synced_at
        FROM audit_record r JOIN folder_sync s ON s.record_id = r.id
        WHERE s.org_id = ${orgId} AND r.mailbox_id = ANY(${mailboxIds}::bigint[]) AND r.mail_access_type = 'SYNC' AND ${actors}),
      synced_folders AS MATERIALIZED (
        SELECT mailbox_id, folder_id, min(synced_at) AS first_at, max(synced_at) AS last_at FROM syncs GROUP BY mailbox_id, folder_id),
      ${heldInFolders(orgId, sql`SELECT folder_id FROM synced_folders`)},
      held AS MATERIALIZED (
        SELECT f.mailbox_id, f.folder_id, c.message_id, c.bound_at IS NOT NULL AS bound, ${evidenceRankSql('c', sql`f.last_at`)} AS rank,
               CASE WHEN c.bound_at IS NULL AND NOT c.inventory_undated AND c.observed_at > f.first_at THEN c.observed_at ELSE '-infinity'::timestamptz END AS since
        FROM synced_folders f JOIN content c ON c.folder_id = f.folder_id
        WHERE ${evidenceRankSql('c', sql`f.last_at`)} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM confirmed k WHERE k.mailbox_id = f.mailbox_id AND k.message_id = c.message_id)),
      groups AS MATERIALIZED (
        SELECT d.mailbox_id, d.folder_id, d.since, row_number() OVER (ORDER BY d.mailbox_id, d.folder_id, d.since) AS gid
        FROM (SELECT DISTINCT mailbox_id, folder_id, since FROM held) d),
      presumed AS (
        SELECT h.mailbox_id, h.message_id, min(h.rank) AS rank, array_agg(DISTINCT h.folder_id) AS folder_ids, array_agg(DISTINCT g.gid) AS gids,
               coalesce(array_agg(DISTINCT h.folder_id) FILTER (WHERE h.bound), '{}') AS bound_folder_ids
        FROM held h JOIN groups g ON g.mailbox_id = h.mailbox_id AND g.folder_id = h.folder_id AND g.since = h.since
        GROUP BY h.mailbox_id, h.message_id),
      keys AS (
        SELECT mailbox_id, message_id, 0 AS tier_rank, NULL::int AS rank, NULL::bigint[] AS folder_ids, NULL::bigint[] AS gids, NULL::bigint[] AS bound_folder_ids
        FROM confirmed
        UNION ALL SELECT mailbox_id, message_id, 1 AS tier_rank, rank, folder_ids, gids, bound_folder_ids FROM presumed)`;
  }

  /**
   * The confirmed and presumed rows after `cursor`, in order, at most `limit` (null: all), with the text a reader
   * needs (paths, session ids, addresses, record ids; subject, sender and recipients from imported message details).
   * The page's keys are chosen first; only its rows are aggregated.
   */
  private rowsSql(q: NotificationQuery, cursor: CursorKey | null, limit: number | null, withTotal = false): Sql {
    const orgId = this.orgId;
    const actors = actorWhere(orgId, q, 'r', 'creation_time');
    const app = sql`lower(coalesce(r.client_app_id, r.app_id))`;
    const after = cursor
      ? sql`WHERE (k.mailbox_id, k.tier_rank, m.internet_message_id COLLATE "C", k.message_id)
              > (${cursor[0]}::bigint, ${cursor[1]}::int, ${cursor[2]}::text COLLATE "C", ${cursor[3]}::bigint)`
      : sql.empty;
    return sql`${this.keysOf(q)},
      page AS MATERIALIZED (
        SELECT k.*, m.internet_message_id FROM keys k JOIN message m ON m.id = k.message_id ${after}
        ORDER BY k.mailbox_id, k.tier_rank, m.internet_message_id COLLATE "C", k.message_id LIMIT ${limit}::bigint),
      confirmed_rows AS (
        SELECT p.mailbox_id, p.message_id, p.tier_rank, p.internet_message_id, NULL::int AS rank, min(r.creation_time) AS first_at, max(r.creation_time) AS last_at,
               array_agg(DISTINCT a.folder_id) AS folder_ids,
               coalesce(array_agg(DISTINCT r.session_id) FILTER (WHERE r.session_id IS NOT NULL), '{}') AS session_ids,
               coalesce(array_agg(DISTINCT r.client_ip_id) FILTER (WHERE r.client_ip_id IS NOT NULL), '{}') AS client_ip_ids,
               coalesce(array_agg(DISTINCT ${app}) FILTER (WHERE ${app} IS NOT NULL), '{}') AS app_ids,
               array_agg(DISTINCT r.id) AS record_ids
        FROM page p JOIN message_access a ON a.org_id = ${orgId} AND a.message_id = p.message_id
          JOIN audit_record r ON r.id = a.record_id AND r.mailbox_id = p.mailbox_id
        WHERE p.tier_rank = 0 AND ${actors}
        GROUP BY p.mailbox_id, p.message_id, p.tier_rank, p.internet_message_id),
      signatures AS (SELECT DISTINCT p.gids FROM page p WHERE p.tier_rank = 1),
      signed AS (
        SELECT s.gids, min(y.synced_at) AS first_at, max(y.synced_at) AS last_at,
               coalesce(array_agg(DISTINCT y.session_id) FILTER (WHERE y.session_id IS NOT NULL), '{}') AS session_ids,
               coalesce(array_agg(DISTINCT y.client_ip_id) FILTER (WHERE y.client_ip_id IS NOT NULL), '{}') AS client_ip_ids,
               coalesce(array_agg(DISTINCT y.app_id) FILTER (WHERE y.app_id IS NOT NULL), '{}') AS app_ids,
               array_agg(DISTINCT y.sync_record_id) AS record_ids
        FROM signatures s JOIN groups g ON g.gid = ANY(s.gids)
          JOIN syncs y ON y.mailbox_id = g.mailbox_id AND y.folder_id = g.folder_id AND y.synced_at >= g.since
        GROUP BY s.gids),
      presumed_rows AS (
        SELECT p.mailbox_id, p.message_id, p.tier_rank, p.internet_message_id, p.rank, s.first_at, s.last_at, p.folder_ids,
               s.session_ids, s.client_ip_ids, s.app_ids,
               s.record_ids || ARRAY(SELECT ${firstBindRecordSql(orgId, sql`b.folder_id`, sql`p.message_id`)} FROM unnest(p.bound_folder_ids) AS b(folder_id)) AS record_ids
        FROM page p JOIN signed s ON s.gids = p.gids
        WHERE p.tier_rank = 1),
      entries AS (SELECT * FROM confirmed_rows UNION ALL SELECT * FROM presumed_rows)
      SELECT e.mailbox_id::text AS mailbox_id, e.message_id::text AS message_id, e.tier_rank, e.rank, e.first_at, e.last_at, e.internet_message_id,
             e.folder_ids::text[] AS folder_ids, e.session_ids::text[] AS session_ids, e.client_ip_ids::text[] AS client_ip_ids, e.app_ids,
             ARRAY(SELECT f.path FROM folder f WHERE f.id = ANY(e.folder_ids) ORDER BY f.path) AS folder_paths,
             ARRAY(SELECT s.session_id FROM session s WHERE s.id = ANY(e.session_ids) ORDER BY s.session_id) AS session_keys,
             ARRAY(SELECT host(c.address) FROM client_ip c WHERE c.id = ANY(e.client_ip_ids) ORDER BY c.address) AS client_ips,
             ARRAY(SELECT x.record_key FROM audit_record x WHERE x.id = ANY(e.record_ids) ORDER BY x.creation_time, x.id) AS record_keys,
             ${firstDetailSql(orgId, 'subject')} AS subject, ${firstDetailSql(orgId, 'sender')} AS sender, ${recipientsSql(orgId)} AS recipients
             ${withTotal ? sql`, (SELECT count(*) FROM keys) AS total_keys` : sql.empty}
      FROM entries e
      ORDER BY e.mailbox_id, e.tier_rank, e.internet_message_id COLLATE "C", e.message_id`;
  }

  /** A page of the list; totalCount counts confirmed, presumed and unknown rows. */
  async page(q: NotificationQuery, windows: TimeWindow[][], limit: number, after: string | null): Promise<ConnectionResult<NotificationEntryType>> {
    const cursor = decodeKeyset(after, [...KEY_TYPES]);
    // A page computes every key anyway (to sort them), so it counts them in the same statement: totalCount costs no
    // second pass over the list. Only a page past the end (no row to carry the count) counts apart, if asked.
    const rows = await run(this.db, this.rowsSql(q, cursor, limit + 1, true));
    const unknown = unknownEntries(q, windows).filter((e) => !cursor || compareKeys(keyOf(e), cursor) > 0);
    const merged = mergeSorted(rows.map((r) => entryFromRow(r, q)), unknown).slice(0, limit + 1);
    const total = async () => {
      const unknownCount = unknownEntries(q, windows).length;
      if (rows.length || !cursor) return Number(rows[0]?.total_keys ?? 0) + unknownCount;
      const [row] = await run(this.db, sql`${this.keysOf(q)} SELECT count(*) AS n FROM keys`);
      return Number(row.n) + unknownCount;
    };
    return toConnection(merged, limit, keyOf, total);
  }

  /**
   * Every row in order, read from a server-side cursor a batch at a time (memory stays flat); `each` receives a
   * batch and may wait (back-pressure). Answers the number of rows.
   */
  async stream(q: NotificationQuery, windows: TimeWindow[][], each: (batch: NotificationEntryType[]) => Promise<void>): Promise<number> {
    const runner: QueryRunner = this.db.createQueryRunner();
    const unknown = unknownEntries(q, windows);
    let rows = 0;
    try {
      await runner.connect();
      await runner.query('BEGIN READ ONLY');
      const statement = this.rowsSql(q, null, null);
      await runner.query(`DECLARE notification_list NO SCROLL CURSOR FOR ${statement.text}`, statement.values);
      for (;;) {
        const batch: Record<string, unknown>[] = await runner.query(`FETCH ${FETCH_ROWS} FROM notification_list`);
        const entries = batch.map((r) => entryFromRow(r, q));
        const last = entries[entries.length - 1];
        // Unknown rows that sort before the batch's last row go out with it; the rest wait for later batches.
        const due = last ? takeWhile(unknown, (u) => compareKeys(keyOf(u), keyOf(last)) < 0) : unknown.splice(0);
        const out = mergeSorted(entries, due);
        if (out.length) await each(out);
        rows += out.length;
        if (batch.length < FETCH_ROWS && !unknown.length) break;
      }
      await runner.query('COMMIT');
      return rows;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/**
 * Subject, sender and recipients as Message.subject/sender/recipients pick them from message_detail: sources in
 * DETAIL_SOURCE_ORDER (an eDiscovery item is the mailbox's own copy; a trace row the message in transport), within a
 * source by received time then row; subject and sender the first non-blank value; recipients every recipient of
 * the strongest source that names any, deduplicated case-insensitively, in order of appearance. The subject's last
 * resort, as Message.subject's: the Subject the earliest Bind record naming one listed (message_access.subject).
 */
const detailOrder = (d: string) => sql`array_position(${DETAIL_SOURCE_ORDER as string[]}::text[], ${sql.ident(d, 'source')}::text), ${sql.ident(d, 'received_at')} NULLS LAST, ${sql.ident(d, 'id')}`;

function firstDetailSql(orgId: number, column: 'subject' | 'sender'): Sql {
  const value = sql.ident('d', column);
  const detail = sql`(SELECT ${value} FROM message_detail d WHERE d.org_id = ${orgId} AND d.message_id = e.message_id AND ${value} ~ '[^[:space:]]'
    ORDER BY ${detailOrder('d')} LIMIT 1)`;
  if (column === 'sender') return detail;
  return sql`coalesce(${detail}, (SELECT a.subject FROM message_access a JOIN audit_record r ON r.id = a.record_id AND r.org_id = a.org_id
    WHERE a.org_id = ${orgId} AND a.message_id = e.message_id AND a.subject ~ '[^[:space:]]'
    ORDER BY coalesce(a.item_time, r.creation_time), a.id LIMIT 1))`;
}

function recipientsSql(orgId: number): Sql {
  return sql`ARRAY(
    SELECT u.r FROM (
      SELECT DISTINCT ON (lower(x.r)) x.r, x.n FROM (
        SELECT rr.r, row_number() OVER (ORDER BY ${detailOrder('d')}, rr.i) AS n
        FROM message_detail d CROSS JOIN LATERAL unnest(d.recipients) WITH ORDINALITY AS rr(r, i)
        WHERE d.org_id = ${orgId} AND d.message_id = e.message_id AND d.source = (
          SELECT d2.source FROM message_detail d2 WHERE d2.org_id = ${orgId} AND d2.message_id = e.message_id AND cardinality(d2.recipients) > 0
          ORDER BY array_position(${DETAIL_SOURCE_ORDER as string[]}::text[], d2.source::text) LIMIT 1)) x
      ORDER BY lower(x.r), x.n) u
    ORDER BY u.n)`;
}

function entryFromRow(r: Record<string, unknown>, q: NotificationQuery): NotificationEntryType {
  const tier = TIERS[Number(r.tier_rank)];
  return {
    mailboxId: String(r.mailbox_id),
    tierRank: Number(r.tier_rank),
    tiebreak: String(r.message_id),
    folderIds: r.folder_ids as string[],
    sessionIds: r.session_ids as string[],
    clientIpIds: r.client_ip_ids as string[],
    userPrincipalName: upnOf(q, String(r.mailbox_id)),
    internetMessageId: String(r.internet_message_id),
    tier,
    evidence: r.rank === null || r.rank === undefined ? null : evidenceOfRank(r.rank),
    firstAccessedAt: r.first_at as Date,
    lastAccessedAt: r.last_at as Date,
    subject: (r.subject as string | null) ?? null,
    sender: (r.sender as string | null) ?? null,
    recipients: (r.recipients as string[] | null) ?? [],
    folderPaths: r.folder_paths as string[],
    sessionKeys: r.session_keys as string[],
    clientIpAddresses: r.client_ips as string[],
    appIds: r.app_ids as string[],
    evidenceRecordIds: r.record_keys as string[],
    unauditedReason: null,
    unauditedDetail: null,
  };
}

/** The UNKNOWN rows: each mailbox's unaudited windows overlapping the window, in key order. */
function unknownEntries(q: NotificationQuery, windows: TimeWindow[][]): NotificationEntryType[] {
  const out = q.mailboxes.flatMap((m, i) =>
    windowsOverlapping(windows[i] ?? [], q.from, q.to).map(
      (w): NotificationEntryType => ({
        mailboxId: m.id,
        tierRank: TIER_RANK.UNKNOWN,
        tiebreak: String(w.start.getTime()),
        folderIds: [],
        sessionIds: [],
        clientIpIds: [],
        userPrincipalName: m.userPrincipalName,
        internetMessageId: '*',
        tier: TierEnum.UNKNOWN,
        evidence: null,
        firstAccessedAt: w.start,
        lastAccessedAt: w.end,
        subject: null,
        sender: null,
        recipients: [],
        folderPaths: [],
        sessionKeys: [],
        clientIpAddresses: [],
        appIds: [],
        evidenceRecordIds: [],
        unauditedReason: w.reason,
        unauditedDetail: w.detail,
      }),
    ),
  );
  return out.sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
}

const upnOf = (q: NotificationQuery, mailboxId: string) => q.mailboxes.find((m) => m.id === mailboxId)?.userPrincipalName ?? '';

/** Key order as SQL sorts it. InternetMessageIds are only compared here between UNKNOWN rows ("*"), so no collation matters. */
export function compareKeys(a: CursorKey, b: CursorKey): number {
  const big = (v: CursorKey[number]) => BigInt(String(v));
  const byMailbox = big(a[0]) - big(b[0]);
  if (byMailbox !== 0n) return byMailbox < 0n ? -1 : 1;
  const byTier = Number(a[1]) - Number(b[1]);
  if (byTier !== 0) return byTier;
  if (a[2] !== b[2]) return String(a[2]) < String(b[2]) ? -1 : 1;
  const byTiebreak = big(a[3]) - big(b[3]);
  return byTiebreak === 0n ? 0 : byTiebreak < 0n ? -1 : 1;
}

/** Two lists sorted by key merged into one. */
function mergeSorted(a: NotificationEntryType[], b: NotificationEntryType[]): NotificationEntryType[] {
  const out: NotificationEntryType[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && compareKeys(keyOf(a[i]), keyOf(b[j])) <= 0)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

/** Removes and answers the leading items of `list` that satisfy `test`. */
function takeWhile<T>(list: T[], test: (item: T) => boolean): T[] {
  let n = 0;
  while (n < list.length && test(list[n])) n++;
  return list.splice(0, n);
}
